package dev.tenantry.migration;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One migration as the history collection sees it.
 *
 * @param id the migration's id
 * @param version its version; migrations run in ascending numeric version order
 * @param description what it does
 * @param state where it stands
 * @param fingerprintChanged whether it ran with a different fingerprint than the code has now
 * @param startedAt when its last run started, or null if it never ran
 * @param endedAt when its last run ended, or null if it never ended
 * @param counts the counts its last run recorded
 * @param error the error of its last run, or null
 * @param rollbackError the error of the rollback after that, or null
 * @since 0.1
 */
public record MigrationStatus(
        String id,
        long version,
        String description,
        MigrationState state,
        boolean fingerprintChanged,
        @Nullable Instant startedAt,
        @Nullable Instant endedAt,
        Map<String, Long> counts,
        @Nullable String error,
        @Nullable String rollbackError) {

    /** Copies {@code counts}. */
    public MigrationStatus {
        counts = Map.copyOf(counts);
    }
}
