package dev.tenantry.directory;

import dev.tenantry.TenantId;

/**
 * Told of each step of a purge as it completes and is recorded, to show progress. An exception thrown here stops the
 * purge after that step; the next purge of the tenant resumes from the following one.
 *
 * <p>Called on the thread that runs the purge, one step after the other; an implementation shared between purges
 * running at once must be thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface PurgeListener {

    /** Does nothing. */
    PurgeListener NONE = (tenant, collection, deleted, done, total) -> { };

    /**
     * Called after a collection was purged.
     *
     * @param tenant the tenant being purged
     * @param collection the logical collection
     * @param deleted documents removed from it
     * @param done collections purged so far, this one included
     * @param total collections to purge
     */
    void onStep(TenantId tenant, String collection, long deleted, int done, int total);
}
