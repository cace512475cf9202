package dev.tenantry.servlet.internal;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's rate-limit state: the bucket the caller draws from (the anonymous bucket of the client address for a
 * caller who is not signed in), the plan, and the figures of the bandwidth that binds, which are the very figures of
 * the response's {@code RateLimit} field: {@code binding} is its item name, {@code remaining} its {@code r} and {@code
 * resetSeconds} its {@code t}; {@code retryAfterSeconds} when a permit would be refused now; and the plan's
 * bandwidths. The state is what the rate-limit filter decided for this very request, when it limited it; otherwise it
 * is read without taking a permit.
 */
public final class RateLimitServlet extends EndpointServlet {
    private static final long serialVersionUID = 1L;

    private final boolean legacyHeaders;

    /** Serving the rate-limit state as {@code config} says. */
    public RateLimitServlet(TenantryWebConfig config) {
        super(config.rateLimitPath(), config);
        this.legacyHeaders = config.legacyRateLimitHeaders();
    }

    @Override
    void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!rest.isEmpty()) {
            throw noSuchPath();
        }
        if (!method.equals("GET")) {
            throw notAllowed(response, method, "GET", "HEAD");
        }
        params(request, java.util.Set.of());
        TenantId tenant = Tenants.current();
        RateLimitFilter.KeyedLimiter bucket = request.getAttribute(Attributes.LIMITS) instanceof RateLimitFilter f
                ? f.bucketOf(request, tenant) : null;
        if (bucket == null) {
            throw noSuchPath();
        }
        RateLimitKey key = bucket.key();
        RateLimitDecision decision = request.getAttribute(Attributes.RATE_LIMIT) instanceof RateLimitDecision d
                ? d : bucket.limiter().status(key);
        String[] headers = RateLimitFilter.headers(decision, legacyHeaders);
        for (int i = 0; i < headers.length; i += 2) {
            response.setHeader(headers[i], headers[i + 1]);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", tenant.value());
        body.put("key", Map.of("kind", key.kind(), "value", key.value()));
        body.put("policy", decision.policy());
        body.put("binding", decision.bindingName());
        body.put("limit", decision.limit());
        body.put("remaining", decision.remaining());
        body.put("resetSeconds", decision.bindingResetSeconds());
        if (!decision.allowed()) {
            body.put("retryAfterSeconds", decision.bindingResetSeconds());
        }
        List<Map<String, Object>> bandwidths = new ArrayList<>();
        List<Bandwidth> all = decision.bandwidths();
        for (int i = 0; i < all.size(); i++) {
            Bandwidth b = all.get(i);
            Map<String, Object> item = new LinkedHashMap<>();
            // named as in RateLimit-Policy; the binding one is the one with the fewest tokens left
            String name = all.size() == 1 ? decision.policy() : decision.policy() + "-" + (i + 1);
            item.put("name", name);
            item.put("binding", name.equals(decision.bindingName()));
            item.put("capacity", b.capacity());
            item.put("refillTokens", b.refillTokens());
            item.put("periodSeconds", b.period().toMillis() / 1000.0);
            bandwidths.add(item);
        }
        body.put("bandwidths", bandwidths);
        Json.write(response, 200, body);
    }
}
