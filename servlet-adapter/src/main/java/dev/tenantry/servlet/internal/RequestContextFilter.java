package dev.tenantry.servlet.internal;

import dev.tenantry.audit.AuditContext;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.servlet.ActorResolver;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Opens the request's {@link AuditContext}: the actor (from the {@link ActorResolver}), the client's address (behind
 * trusted proxies only), the user agent and the request id, which is taken from the request id header when it is
 * well formed, generated otherwise, and echoed in the response. Async dispatches of the request reuse the context.
 */
public final class RequestContextFilter implements Filter {

    /** The longest request id taken from a client; longer ones are replaced. */
    static final int MAX_REQUEST_ID = 200;

    private final ActorResolver actors;
    private final ClientAddress addresses;
    private final String requestIdHeader;

    /** A filter reading the actor with {@code actors}, addresses through {@code addresses}. */
    public RequestContextFilter(ActorResolver actors, ClientAddress addresses, String requestIdHeader) {
        this.actors = actors;
        this.addresses = addresses;
        this.requestIdHeader = requestIdHeader;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            Object existing = request.getAttribute(Attributes.AUDIT_CONTEXT);
            if (existing instanceof AuditContext context) {
                Scope scope = Scope.audit(context);
                scope.run(() -> chain.doFilter(new BindingRequest(request, scope), response));
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        String requestId = requestId(request.getHeaders(requestIdHeader));
        HttpServletResponse echoing = KeptHeadersResponse.keep(response, requestIdHeader, requestId);
        request.setAttribute(Attributes.REQUEST_ID, requestId);
        String ip = addresses.resolve(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"));
        request.setAttribute(Attributes.CLIENT_IP, ip);
        String actor = cut(actors.actorOf(request));
        if (actor != null) {
            request.setAttribute(Attributes.ACTOR, actor);
        }
        AuditContext context = new AuditContext(actor, actor == null ? null : "user", cut(ip),
                cut(request.getHeader("User-Agent")), requestId);
        request.setAttribute(Attributes.AUDIT_CONTEXT, context);
        Scope scope = Scope.audit(context);
        scope.run(() -> chain.doFilter(new BindingRequest(request, scope), echoing));
    }

    /** The client's request id when there is exactly one and it is well formed, else a new random one. */
    static String requestId(@Nullable Enumeration<String> headers) {
        if (headers != null && headers.hasMoreElements()) {
            String value = headers.nextElement();
            if (!headers.hasMoreElements() && isWellFormed(value)) {
                return value;
            }
        }
        return randomId();
    }

    /**
     * A random version-4 UUID string. Request ids correlate log lines and need to be unique, not unguessable, so they
     * come from {@link ThreadLocalRandom} rather than {@code UUID.randomUUID()}'s {@code SecureRandom}, which costs
     * more than the rest of this filter.
     */
    static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** 1 to 200 visible ASCII characters other than quotes and backslashes: safe to echo and to log. */
    static boolean isWellFormed(@Nullable String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_REQUEST_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Audit fields hold at most {@link AuditEvent#MAX_FIELD} characters; longer values are cut. */
    private static @Nullable String cut(@Nullable String value) {
        return value == null || value.length() <= AuditEvent.MAX_FIELD ? value
                : value.substring(0, AuditEvent.MAX_FIELD);
    }
}
