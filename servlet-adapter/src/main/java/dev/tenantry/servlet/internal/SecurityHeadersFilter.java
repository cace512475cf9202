package dev.tenantry.servlet.internal;

import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Sets the security headers on every response, before anything else runs, so Tenantry's own refusals (400, 404,
 * 429) and the application's errors carry them too; {@code Strict-Transport-Security} only on secure requests.
 *
 * <p>A header the application sets itself always wins: one set before this filter runs is left alone, one set later
 * with {@code setHeader} replaces the default, and one added later with {@code addHeader} replaces the default rather
 * than joining it as a second value. After {@code reset()} the defaults are set again. The filter also runs on error
 * dispatches, so error pages made by the container carry the headers as well.
 */
public final class SecurityHeadersFilter implements Filter {

    private final Map<String, String> headers;
    private final @Nullable String hsts;

    /** A filter sending the headers {@code config} names. */
    public SecurityHeadersFilter(TenantryWebConfig config) {
        this.headers = new LinkedHashMap<>(config.securityHeaders());
        this.hsts = config.strictTransportSecurity().orElse(null);
    }

    /** Whether there is anything to send. */
    public boolean isEmpty() {
        return headers.isEmpty() && hsts == null;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        Map<String, String> defaults = headers;
        if (hsts != null && request.isSecure()) {
            defaults = new LinkedHashMap<>(headers);
            defaults.put("Strict-Transport-Security", hsts);
        }
        DefaultingResponse wrapped = new DefaultingResponse(response, defaults);
        wrapped.applyDefaults();
        chain.doFilter(request, wrapped);
    }

    /** A response that keeps track of which default headers the application has taken over. */
    static final class DefaultingResponse extends HttpServletResponseWrapper {
        private final Map<String, String> defaults;
        /** Lower-case names of defaults this filter set and the application has not touched since. */
        private final Set<String> ours = ConcurrentHashMap.newKeySet();

        DefaultingResponse(HttpServletResponse response, Map<String, String> defaults) {
            super(response);
            this.defaults = defaults;
        }

        void applyDefaults() {
            HttpServletResponse response = (HttpServletResponse) getResponse();
            for (Map.Entry<String, String> header : defaults.entrySet()) {
                if (!response.containsHeader(header.getKey())) {
                    response.setHeader(header.getKey(), header.getValue());
                    ours.add(header.getKey().toLowerCase(Locale.ROOT));
                }
            }
        }

        @Override
        public void setHeader(String name, String value) {
            ours.remove(name.toLowerCase(Locale.ROOT));
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            if (ours.remove(name.toLowerCase(Locale.ROOT))) {
                super.setHeader(name, value);
            } else {
                super.addHeader(name, value);
            }
        }

        @Override
        public void reset() {
            super.reset();
            ours.clear();
            applyDefaults();
        }
    }
}
