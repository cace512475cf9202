package dev.tenantry.benchmarks.web;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.CrossOriginOpenerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.CrossOriginResourcePolicyHeaderWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.PermissionsPolicyHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;

/**
 * What a team assembles without Tenantry for the same endpoint and the same response headers, as each library's
 * documentation shows it: Spring Security's {@link HeaderWriterFilter} with a writer per security header Tenantry
 * sends by default; a rate-limit filter on Bucket4j, one bucket per tenant in a map, consumed with {@code
 * tryConsumeAndReturnRemaining} (Bucket4j's servlet filter example), answering the IETF {@code RateLimit} fields; and
 * a filter that takes the tenant from {@code X-Tenant-ID}, sets a thread-local for the request and a request id.
 */
final class Assembly {

    /** The tenant of the request being served, as the assembly's tenant filter sets it. */
    static final ThreadLocal<String> TENANT = new ThreadLocal<>();

    private Assembly() {
    }

    /** Adds the assembly's three filters to {@code context}, in the order a team would map them. */
    static void install(ServletContextHandler context, long capacity, Duration period) {
        context.addFilter(new FilterHolder(headerWriterFilter()), "/*", null);
        context.addFilter(new FilterHolder(new TenantFilter()), "/*", null);
        context.addFilter(new FilterHolder(new Bucket4jFilter(capacity, period)), "/*", null);
    }

    /** Spring Security's header writer filter with the writers of Tenantry's default security headers. */
    static HeaderWriterFilter headerWriterFilter() {
        CrossOriginOpenerPolicyHeaderWriter coop = new CrossOriginOpenerPolicyHeaderWriter();
        coop.setPolicy(CrossOriginOpenerPolicyHeaderWriter.CrossOriginOpenerPolicy.SAME_ORIGIN);
        CrossOriginResourcePolicyHeaderWriter corp = new CrossOriginResourcePolicyHeaderWriter();
        corp.setPolicy(CrossOriginResourcePolicyHeaderWriter.CrossOriginResourcePolicy.SAME_ORIGIN);
        List<HeaderWriter> writers = List.of(
                new XContentTypeOptionsHeaderWriter(),
                new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY),
                new ReferrerPolicyHeaderWriter(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER),
                coop,
                corp,
                new StaticHeadersWriter("X-Permitted-Cross-Domain-Policies", "none"),
                new PermissionsPolicyHeaderWriter("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                        + "magnetometer=(), microphone=(), payment=(), usb=()"),
                new ContentSecurityPolicyHeaderWriter("default-src 'none'; frame-ancestors 'none'"),
                new HstsHeaderWriter()); // over HTTPS only, as Tenantry's
        return new HeaderWriterFilter(writers);
    }

    /** Takes the tenant from {@code X-Tenant-ID} into a thread-local for the request, and gives it a request id. */
    static final class TenantFilter implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            String tenant = request.getHeader("X-Tenant-ID");
            if (tenant == null || tenant.isBlank()) {
                response.sendError(400, "X-Tenant-ID required");
                return;
            }
            response.setHeader("X-Request-ID", UUID.randomUUID().toString());
            TENANT.set(tenant);
            try {
                chain.doFilter(request, response);
            } finally {
                TENANT.remove();
            }
        }
    }

    /** Bucket4j's servlet filter example, keyed by tenant, answering the IETF rate-limit fields. */
    static final class Bucket4jFilter implements Filter {
        private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
        private final long capacity;
        private final Duration period;
        private final String policy;

        Bucket4jFilter(long capacity, Duration period) {
            this.capacity = capacity;
            this.period = period;
            this.policy = "\"BENCH\";q=" + capacity + ";w=" + Math.max(1, period.toSeconds());
        }

        private Bucket newBucket(String tenant) {
            return Bucket.builder().addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, period)).build();
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            HttpServletResponse response = (HttpServletResponse) res;
            Bucket bucket = buckets.computeIfAbsent(TENANT.get(), this::newBucket);
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            response.setHeader("RateLimit-Policy", policy);
            if (probe.isConsumed()) {
                response.setHeader("RateLimit", "\"BENCH\";r=" + probe.getRemainingTokens() + ";t="
                        + ceilSeconds(probe.getNanosToWaitForReset()));
                chain.doFilter(req, res);
            } else {
                long wait = Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
                response.setHeader("RateLimit", "\"BENCH\";r=0;t=" + wait);
                response.setHeader("Retry-After", Long.toString(wait));
                response.sendError(429, "Too many requests");
            }
        }

        private static long ceilSeconds(long nanos) {
            return (nanos + 999_999_999L) / 1_000_000_000L;
        }
    }
}
