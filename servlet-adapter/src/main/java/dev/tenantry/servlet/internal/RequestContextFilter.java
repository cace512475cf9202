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
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Opens the request's {@link AuditContext}: the actor (from the {@link ActorResolver}), and what {@link FrontFilter}
 * found before the application's authentication ran: the client's address (behind trusted proxies only), the server's
 * request id and the client's correlation id (kept apart, as the client's); plus the user agent. Async dispatches of
 * the request reuse the context.
 */
public final class RequestContextFilter implements Filter {

    private final ActorResolver actors;
    private final ClientAddress addresses;

    /** A filter reading the actor with {@code actors}, addresses through {@code addresses} when none was found. */
    public RequestContextFilter(ActorResolver actors, ClientAddress addresses) {
        this.actors = actors;
        this.addresses = addresses;
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
        String requestId = request.getAttribute(Attributes.REQUEST_ID) instanceof String id ? id : null;
        if (requestId == null) {
            requestId = randomId();
            request.setAttribute(Attributes.REQUEST_ID, requestId);
        }
        String ip = request.getAttribute(Attributes.CLIENT_IP) instanceof String found ? found : null;
        if (ip == null) {
            ip = addresses.resolve(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"));
            request.setAttribute(Attributes.CLIENT_IP, ip);
        }
        String clientId = request.getAttribute(Attributes.CLIENT_REQUEST_ID) instanceof String c ? c : null;
        String actor = cut(actors.actorOf(request));
        if (actor != null) {
            request.setAttribute(Attributes.ACTOR, actor);
        }
        AuditContext context = new AuditContext(actor, actor == null ? null : "user", cut(ip),
                cut(request.getHeader("User-Agent")), requestId, clientId);
        request.setAttribute(Attributes.AUDIT_CONTEXT, context);
        Scope scope = Scope.audit(context);
        scope.run(() -> chain.doFilter(new BindingRequest(request, scope), response));
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

    /** Audit fields hold at most {@link AuditEvent#MAX_FIELD} characters; longer values are cut. */
    private static @Nullable String cut(@Nullable String value) {
        return value == null || value.length() <= AuditEvent.MAX_FIELD ? value
                : value.substring(0, AuditEvent.MAX_FIELD);
    }
}
