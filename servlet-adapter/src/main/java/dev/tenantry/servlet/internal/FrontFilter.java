package dev.tenantry.servlet.internal;

import dev.tenantry.servlet.ProblemDetails;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first of Tenantry's filters, mapped before the application's own (so before its authentication): it gives every
 * request the server's own request id (echoed in the request id header), accepts the client's correlation id from
 * that header only when it is well formed (kept apart, as the client's), finds the client's address, sets the
 * security headers, refuses {@code TRACE}, and makes every error an RFC 9457 problem: {@code sendError} from anything
 * after it, an error status left without a body, an exception that escapes the chain (a duplicate key becomes 409,
 * anything unexpected 500 with nothing of its message), and an error dispatch of the container.
 *
 * <p>The security headers: a header the application sets itself always wins. One set before this filter runs is left
 * alone, one set later with {@code setHeader} replaces the default, and one added later with {@code addHeader}
 * replaces the default rather than joining it as a second value. After {@code reset()} the defaults and the request
 * id are set again. {@code Strict-Transport-Security} is sent on secure requests only.
 */
public final class FrontFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(FrontFilter.class);

    private final String[] names;
    private final String[] values;
    private final String[] secureNames;
    private final String[] secureValues;
    private final String requestIdHeader;
    private final ClientAddress addresses;

    /** A filter doing what {@code config} says. */
    public FrontFilter(TenantryWebConfig config) {
        Map<String, String> headers = new LinkedHashMap<>(config.securityHeaders());
        this.names = headers.keySet().toArray(String[]::new);
        this.values = headers.values().toArray(String[]::new);
        config.strictTransportSecurity().ifPresent(hsts -> headers.put("Strict-Transport-Security", hsts));
        this.secureNames = headers.keySet().toArray(String[]::new);
        this.secureValues = headers.values().toArray(String[]::new);
        if (secureNames.length > Long.SIZE) {
            throw new IllegalArgumentException("at most " + Long.SIZE + " security headers, got " + secureNames.length);
        }
        this.requestIdHeader = config.requestIdHeader();
        this.addresses = new ClientAddress(config.trustedProxies());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        DispatcherType dispatch = request.getDispatcherType();
        if (dispatch == DispatcherType.ERROR) {
            answerErrorDispatch(request, response);
            return;
        }
        if (dispatch != DispatcherType.REQUEST) {
            chain.doFilter(request, response);
            return;
        }
        String requestId = RequestIds.random();
        request.setAttribute(Attributes.REQUEST_ID, requestId);
        String clientId = RequestIds.accepted(request.getHeaders(requestIdHeader));
        if (clientId != null) {
            request.setAttribute(Attributes.CLIENT_REQUEST_ID, clientId);
        }
        request.setAttribute(Attributes.CLIENT_IP, addresses.resolve(request.getRemoteAddr(),
                request.getHeaders("X-Forwarded-For")));
        boolean secure = secureNames.length != names.length && request.isSecure();
        FrontResponse wrapped = new FrontResponse(response, secure ? secureNames : names,
                secure ? secureValues : values, requestIdHeader, requestId, request);
        wrapped.applyDefaults();
        if (request.getMethod().equals("TRACE")) {
            wrapped.sendProblem(Problems.traceRefused());
            return;
        }
        try {
            chain.doFilter(request, wrapped);
        } catch (IOException | ServletException | RuntimeException e) {
            if (response.isCommitted()) {
                throw e;
            }
            wrapped.sendProblem(Failures.problemFor(e, request));
            return;
        }
        if (!request.isAsyncStarted()) {
            wrapped.finish();
        }
    }

    /**
     * An error the container dispatches (to an error page the application or the container configured): answered
     * as the problem of its status, with the security headers and the request id, instead of any page.
     */
    private void answerErrorDispatch(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 && i <= 599 ? i : 500;
        Object thrown = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        ProblemDetails problem = thrown instanceof Throwable t ? Failures.problemFor(t, request)
                : Problems.forStatus(status);
        boolean secure = secureNames.length != names.length && request.isSecure();
        String requestId = request.getAttribute(Attributes.REQUEST_ID) instanceof String id ? id : null;
        FrontResponse wrapped = new FrontResponse(response, secure ? secureNames : names,
                secure ? secureValues : values, requestIdHeader, requestId, request);
        wrapped.applyDefaults();
        wrapped.sendProblem(problem);
    }

    /** The server's request ids and the client's correlation ids. */
    static final class RequestIds {
        /** The longest correlation id taken from a client. */
        static final int MAX_CLIENT_ID = 64;

        private RequestIds() {
        }

        /** A new request id. */
        static String random() {
            return RequestContextFilter.randomId();
        }

        /**
         * The client's correlation id when there is exactly one and it is 1 to {@value #MAX_CLIENT_ID} characters of
         * letters, digits, '-', '_', '.' and ':', starting with a letter or digit; else null.
         */
        static @Nullable String accepted(@Nullable Enumeration<String> headers) {
            if (headers == null || !headers.hasMoreElements()) {
                return null;
            }
            String value = headers.nextElement();
            return headers.hasMoreElements() || !isAcceptable(value) ? null : value;
        }

        static boolean isAcceptable(@Nullable String id) {
            if (id == null || id.isEmpty() || id.length() > MAX_CLIENT_ID || !isAlphanumeric(id.charAt(0))) {
                return false;
            }
            for (int i = 1; i < id.length(); i++) {
                char c = id.charAt(i);
                if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.' && c != ':') {
                    return false;
                }
            }
            return true;
        }

        private static boolean isAlphanumeric(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
        }
    }

    /** Logs what {@link Failures} could not explain to the caller. */
    static void logUnexpected(Throwable e, HttpServletRequest request) {
        LOG.error("request {} {} failed (request id {})", request.getMethod(), Paths.within(request),
                request.getAttribute(Attributes.REQUEST_ID), e);
    }
}
