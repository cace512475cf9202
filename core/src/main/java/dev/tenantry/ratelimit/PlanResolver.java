package dev.tenantry.ratelimit;

import dev.tenantry.TenantId;

/**
 * Maps a tenant to the name of its plan (FREE, PRO, ...). The limiter caches answers and forgets one on {@link
 * RateLimiter#invalidatePlan(TenantId)}; the tenant directory supplies a resolver and invalidates on plan changes.
 *
 * <p>Implementations must be thread-safe: a limiter asks from whichever thread makes a decision, possibly from several
 * at once (answers are cached, so it is not asked per decision).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface PlanResolver {

    /** The plan name of {@code tenant}. */
    String planOf(TenantId tenant);
}
