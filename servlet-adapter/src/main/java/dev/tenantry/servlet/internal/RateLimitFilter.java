package dev.tenantry.servlet.internal;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.servlet.RateLimitKeyResolver;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Takes one permit per request that has a tenant from the tenant's plan, and says so in the IETF {@code
 * RateLimit-Policy} and {@code RateLimit} fields (draft-ietf-httpapi-ratelimit-headers) on every limited response,
 * plus {@code X-RateLimit-*} when configured. A request over the limit gets 429 with {@code Retry-After} in whole
 * seconds rounded up (never 0, so a client that obeys it is not refused again at once) and a problem details body.
 * Runs inside the tenant filter; only the original dispatch of a request is counted.
 */
public final class RateLimitFilter implements Filter {

    /** The IETF policy field. */
    public static final String POLICY_HEADER = "RateLimit-Policy";
    /** The IETF state field. */
    public static final String STATE_HEADER = "RateLimit";

    private final RateLimiter limiter;
    private final RateLimitKeyResolver keys;
    private final List<String> exempt;
    private final boolean legacyHeaders;

    /** A filter limiting with {@code limiter} as {@code config} says. */
    public RateLimitFilter(RateLimiter limiter, TenantryWebConfig config) {
        this.limiter = limiter;
        this.keys = config.rateLimitKey();
        this.exempt = config.rateLimitExemptPaths();
        this.legacyHeaders = config.legacyRateLimitHeaders();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(req, res);
            return;
        }
        Optional<TenantId> tenant = Tenants.currentIfPresent();
        if (tenant.isEmpty() || Paths.matchesAny(exempt, Paths.within(request))) {
            chain.doFilter(request, response);
            return;
        }
        RateLimitDecision decision = limiter.tryAcquire(keys.keyFor(request, tenant.get()));
        request.setAttribute(Attributes.RATE_LIMIT, decision);
        HttpServletResponse limited = KeptHeadersResponse.keep(response, headers(decision, legacyHeaders));
        if (!decision.allowed()) {
            long retryAfter = Math.max(1, decision.retryAfterSeconds());
            response.setHeader("Retry-After", Long.toString(retryAfter));
            Problems.rateLimited(retryAfter, decision.policy()).send(request, response);
            return;
        }
        chain.doFilter(request, limited);
    }

    /** The rate-limit fields of {@code decision}, in order, as name, value, name, value, .... */
    static String[] headers(RateLimitDecision decision, boolean legacy) {
        if (!legacy) {
            return new String[] {POLICY_HEADER, decision.policyHeader(), STATE_HEADER, decision.rateLimitHeader()};
        }
        return new String[] {POLICY_HEADER, decision.policyHeader(), STATE_HEADER, decision.rateLimitHeader(),
            "X-RateLimit-Limit", Long.toString(decision.limit()),
            "X-RateLimit-Remaining", Long.toString(decision.remaining()),
            "X-RateLimit-Reset", Long.toString(decision.resetAfterSeconds())};
    }
}
