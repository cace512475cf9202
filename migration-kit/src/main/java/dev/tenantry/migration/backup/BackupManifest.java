package dev.tenantry.migration.backup;

import java.util.List;
import java.util.Map;

/**
 * What a backup holds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param database the database backed up
 * @param collections documents written per backed-up collection
 * @param existing every collection the database held at backup time
 * @since 0.1
 */
public record BackupManifest(String database, Map<String, Long> collections, List<String> existing) {

    /** Copies the collections. */
    public BackupManifest {
        collections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(collections));
        existing = List.copyOf(existing);
    }
}
