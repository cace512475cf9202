package dev.tenantry.directory;

import org.jspecify.annotations.Nullable;

/**
 * Told of every change the directory makes, after it is stored: e.g. to invalidate a rate limiter's cached plan with
 * {@code (before, after) -> limiter.invalidatePlan(after.id())}. Runs on the changing thread; an exception from it
 * reaches the caller, but the change is already stored.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TenantChangeListener {

    /**
     * Called after a change.
     *
     * @param before the record before (null when created)
     * @param after the record after (null when purged)
     */
    void onChange(@Nullable TenantRecord before, @Nullable TenantRecord after);
}
