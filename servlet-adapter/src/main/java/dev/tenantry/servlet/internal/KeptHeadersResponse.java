package dev.tenantry.servlet.internal;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response that sets headers now and sets them again after the application calls {@code reset()}, which would
 * otherwise drop them: the request id and the rate-limit fields describe the request, whatever body it gets.
 */
final class KeptHeadersResponse extends HttpServletResponseWrapper {

    private final Map<String, String> kept;

    private KeptHeadersResponse(HttpServletResponse response, Map<String, String> kept) {
        super(response);
        this.kept = kept;
    }

    /** Sets {@code headers} on {@code response} and returns it wrapped so they survive {@code reset()}. */
    static HttpServletResponse keep(HttpServletResponse response, Map<String, String> headers) {
        Map<String, String> kept = new LinkedHashMap<>(headers);
        kept.forEach(response::setHeader);
        return new KeptHeadersResponse(response, kept);
    }

    @Override
    public void reset() {
        super.reset();
        kept.forEach(this::setHeader);
    }
}
