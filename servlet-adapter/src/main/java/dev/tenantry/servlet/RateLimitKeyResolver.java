package dev.tenantry.servlet;

import dev.tenantry.TenantId;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.servlet.internal.Keys;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Chooses the rate-limit bucket a signed-in caller's request draws from. Every key lies within the request's tenant,
 * so tenants never share tokens; the limit itself is the tenant's plan's, from the {@link
 * dev.tenantry.ratelimit.RateLimiter}'s plan resolver. Anonymous requests and failed authentications never come here:
 * they draw from buckets of their own ({@link TenantryWebConfig.Builder#anonymousLimiter}, {@link
 * TenantryWebConfig.Builder#failedAuthenticationLimiter}). Implementations must be thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RateLimitKeyResolver {

    /**
     * The bucket for {@code request} of {@code tenant}.
     *
     * @throws IllegalArgumentException if the request cannot be keyed (the request then fails)
     */
    RateLimitKey keyFor(HttpServletRequest request, TenantId tenant);

    /** One bucket per tenant: the tenant's plan limits the tenant as a whole (the default). */
    static RateLimitKeyResolver perTenant() {
        return (request, tenant) -> RateLimitKey.tenant(tenant);
    }

    /**
     * One bucket per signed-in user of a tenant ({@link TenantryServlet#actorOf}); a request without an actor (only
     * possible when the resolver is called outside Tenantry's filters) gets one per client address instead.
     */
    static RateLimitKeyResolver perUser() {
        return (request, tenant) -> {
            String actor = TenantryServlet.actorOf(request).orElse(null);
            return actor != null ? RateLimitKey.user(tenant, Keys.fit(actor))
                    : RateLimitKey.ip(tenant, Keys.fit(TenantryServlet.clientIpOf(request)));
        };
    }

    /** One bucket per client address of a tenant ({@link TenantryServlet#clientIpOf}). */
    static RateLimitKeyResolver perIp() {
        return (request, tenant) -> RateLimitKey.ip(tenant, Keys.fit(TenantryServlet.clientIpOf(request)));
    }
}
