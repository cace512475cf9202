package dev.tenantry.migration.backup;

import java.util.List;
import java.util.Map;

/**
 * What a restore did.
 *
 * <p>Immutable and thread-safe.
 *
 * @param database the database restored
 * @param restored documents put back per collection
 * @param dropped collections dropped because they were created after the backup
 * @since 0.1
 */
public record RestoreReport(String database, Map<String, Long> restored, List<String> dropped) {

    /** Copies the collections. */
    public RestoreReport {
        restored = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(restored));
        dropped = List.copyOf(dropped);
    }
}
