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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

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

    private final String[] names;
    private final String[] values;
    private final String[] secureNames;
    private final String[] secureValues;

    /** A filter sending the headers {@code config} names. */
    public SecurityHeadersFilter(TenantryWebConfig config) {
        Map<String, String> headers = new LinkedHashMap<>(config.securityHeaders());
        this.names = headers.keySet().toArray(String[]::new);
        this.values = headers.values().toArray(String[]::new);
        config.strictTransportSecurity().ifPresent(hsts -> headers.put("Strict-Transport-Security", hsts));
        this.secureNames = headers.keySet().toArray(String[]::new);
        this.secureValues = headers.values().toArray(String[]::new);
        if (secureNames.length > Long.SIZE) {
            throw new IllegalArgumentException("at most " + Long.SIZE + " security headers, got " + secureNames.length);
        }
    }

    /** Whether there is anything to send. */
    public boolean isEmpty() {
        return secureNames.length == 0;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        boolean secure = secureNames.length != names.length && request.isSecure();
        DefaultingResponse wrapped = secure ? new DefaultingResponse(response, secureNames, secureValues)
                : new DefaultingResponse(response, names, values);
        wrapped.applyDefaults();
        chain.doFilter(request, wrapped);
    }

    /**
     * A response that keeps track of which default headers the application has taken over. Defaults are few (at
     * most 64), so they are found by a case-insensitive scan and tracked in one bit each: nothing is allocated per
     * header. A response is used by one thread at a time, as the Servlet specification requires.
     */
    static final class DefaultingResponse extends HttpServletResponseWrapper {
        private final String[] names;
        private final String[] values;
        /** Bit i: default i was set by this filter and the application has not touched it since. */
        private long ours;

        DefaultingResponse(HttpServletResponse response, String[] names, String[] values) {
            super(response);
            this.names = names;
            this.values = values;
        }

        void applyDefaults() {
            HttpServletResponse response = (HttpServletResponse) getResponse();
            // One look at what is set already (usually nothing) rather than a containsHeader per default.
            Collection<String> existing = response.getHeaderNames();
            boolean none = existing.isEmpty();
            for (int i = 0; i < names.length; i++) {
                if (none || !containsIgnoreCase(existing, names[i])) {
                    // Absent, so adding is setting; a container's setHeader looks through every field set so far
                    // for one to replace, addHeader just appends.
                    response.addHeader(names[i], values[i]);
                    ours |= 1L << i;
                }
            }
        }

        private static boolean containsIgnoreCase(Collection<String> names, String name) {
            for (String n : names) {
                if (n.equalsIgnoreCase(name)) {
                    return true;
                }
            }
            return false;
        }

        /** Clears the default named {@code name}; true if this filter had set it and it was still ours. */
        private boolean release(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equalsIgnoreCase(name)) {
                    boolean wasOurs = (ours & (1L << i)) != 0;
                    ours &= ~(1L << i);
                    return wasOurs;
                }
            }
            return false;
        }

        @Override
        public void setHeader(String name, String value) {
            release(name);
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            if (release(name)) {
                super.setHeader(name, value);
            } else {
                super.addHeader(name, value);
            }
        }

        @Override
        public void reset() {
            super.reset();
            ours = 0;
            applyDefaults();
        }
    }
}
