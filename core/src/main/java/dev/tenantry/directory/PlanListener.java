package dev.tenantry.directory;

import dev.tenantry.TenantId;

/**
 * Told by a {@link TenantDirectory} after each change it makes to a tenant, whose plan may have changed: what keeps a
 * user of plans (a rate limiter caching them) in step with the directory. Registered with {@link
 * TenantDirectory#addPlanListener}; for a rate limiter, {@code directory.addPlanListener(limiter.plans(),
 * limiter::invalidatePlan)}.
 *
 * <p>Runs on the changing thread after the change is stored; an exception from it reaches the caller, but the change
 * is already stored. Implementations must be thread-safe: changes made on several threads are told concurrently.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface PlanListener {

    /** Called after a change to {@code tenant} (created, re-planned, renamed, suspended, purged, ...). */
    void planMayHaveChanged(TenantId tenant);
}
