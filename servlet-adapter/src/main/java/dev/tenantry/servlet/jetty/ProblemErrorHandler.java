package dev.tenantry.servlet.jetty;

import dev.tenantry.servlet.ProblemDetails;
import dev.tenantry.servlet.TenantryWebConfig;
import dev.tenantry.servlet.internal.Problems;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * A Jetty 12 error handler that answers every error Jetty raises itself as the RFC 9457 problem of its status, with
 * the configured security headers and {@code Cache-Control: no-store}: a malformed request line or header (400),
 * header fields too large (431), a request target too long (414), an ambiguous or otherwise bad path, and anything
 * a context hands to its error handler. Never HTML, never the container's message (which may quote the request).
 *
 * <p>Tenantry's filters make every error inside a servlet context a problem already; errors raised before a context
 * is reached bypass every filter. Set it on the server, and on each servlet context for errors the context raises
 * before its filters run:
 *
 * <pre>{@code
 * server.setErrorHandler(new ProblemErrorHandler(config));
 * context.setErrorHandler(new ProblemErrorHandler(config));
 * }</pre>
 *
 * Thread-safe.
 *
 * @since 0.1
 */
public class ProblemErrorHandler extends ErrorHandler {

    private final Map<String, String> headers;

    /** A handler sending the security headers {@code config} names (not HSTS, which needs to know the scheme). */
    public ProblemErrorHandler(TenantryWebConfig config) {
        Objects.requireNonNull(config, "config");
        this.headers = new LinkedHashMap<>(config.securityHeaders());
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, @Nullable String message,
                                    @Nullable Throwable cause, Callback callback) {
        ProblemDetails problem = problemFor(code);
        HttpFields.Mutable fields = response.getHeaders();
        addHeaders(fields);
        Object requestId = request.getAttribute("dev.tenantry.servlet.requestId");
        byte[] body = problem.toJson(requestId instanceof String id ? id : null);
        fields.put(HttpHeader.CONTENT_TYPE, ProblemDetails.MEDIA_TYPE);
        fields.put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private void addHeaders(HttpFields.Mutable fields) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (!fields.contains(header.getKey())) {
                fields.add(new HttpField(header.getKey(), header.getValue()));
            }
        }
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    private static ProblemDetails problemFor(int status) {
        return Problems.forStatus(status >= 400 && status <= 599 ? status : 500);
    }
}
