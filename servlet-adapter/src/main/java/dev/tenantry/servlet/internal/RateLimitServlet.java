package dev.tenantry.servlet.internal;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.servlet.RateLimitKeyResolver;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's rate-limit state: the plan, the limit, what remains and when the bucket is full, and the plan's
 * bandwidths. The state is what the rate-limit filter decided for this very request, when it limited it; otherwise
 * it is read without taking a permit.
 */
public final class RateLimitServlet extends EndpointServlet {
    private static final long serialVersionUID = 1L;

    private final transient RateLimiter limiter;
    private final transient RateLimitKeyResolver keys;
    private final boolean legacyHeaders;

    /** Serving {@code limiter}'s state as {@code config} says. */
    public RateLimitServlet(RateLimiter limiter, TenantryWebConfig config) {
        super(config.rateLimitPath(), config.authorization());
        this.limiter = limiter;
        this.keys = config.rateLimitKey();
        this.legacyHeaders = config.legacyRateLimitHeaders();
    }

    @Override
    void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!rest.isEmpty()) {
            throw noSuchPath();
        }
        if (!method.equals("GET")) {
            throw notAllowed(response, method, "GET");
        }
        TenantId tenant = Tenants.current();
        RateLimitKey key = keys.keyFor(request, tenant);
        RateLimitDecision decision = request.getAttribute(Attributes.RATE_LIMIT) instanceof RateLimitDecision d
                ? d : limiter.status(key);
        String[] headers = RateLimitFilter.headers(decision, legacyHeaders);
        for (int i = 0; i < headers.length; i += 2) {
            response.setHeader(headers[i], headers[i + 1]);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", tenant.value());
        body.put("key", Map.of("kind", key.kind(), "value", key.value()));
        body.put("policy", decision.policy());
        body.put("limit", decision.limit());
        body.put("remaining", decision.remaining());
        body.put("resetSeconds", decision.resetAfterSeconds());
        List<Map<String, Object>> bandwidths = new ArrayList<>();
        for (Bandwidth b : decision.bandwidths()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("capacity", b.capacity());
            item.put("refillTokens", b.refillTokens());
            item.put("periodSeconds", b.period().toMillis() / 1000.0);
            bandwidths.add(item);
        }
        body.put("bandwidths", bandwidths);
        Json.write(response, 200, body);
    }
}
