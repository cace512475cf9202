package dev.tenantry.directory;

import dev.tenantry.TenantId;
import java.time.Instant;
import java.util.Map;

/**
 * What a purge removed: per registered logical collection, the documents deleted (or held by the dropped per-tenant
 * collection), counted once even when the purge was interrupted and resumed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenant the purged tenant
 * @param deleted documents removed per logical collection, in the order purged
 * @param resumed whether this run finished a purge an earlier run had started
 * @param finishedAt when the tenant record was removed
 * @since 0.1
 */
public record PurgeReport(TenantId tenant, Map<String, Long> deleted, boolean resumed, Instant finishedAt) {

    /** Copies the map, keeping its order. */
    public PurgeReport {
        deleted = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(deleted));
    }

    /** Documents removed in all. */
    public long total() {
        return deleted.values().stream().mapToLong(Long::longValue).sum();
    }
}
