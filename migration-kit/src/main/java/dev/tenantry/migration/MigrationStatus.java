package dev.tenantry.migration;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One migration as the history collection sees it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the migration's id
 * @param version its version; migrations run in ascending numeric version order
 * @param description what it does
 * @param state where it stands
 * @param fingerprintChanged whether it ran with a different fingerprint than the code has now
 * @param startedAt when its last run started, or null if it never ran
 * @param endedAt when its last run ended, or null if it never ended
 * @param counts the counts it recorded: totals across the runs since it last started afresh (a run that resumes an
 *     interrupted or failed one adds to them; one after a rollback starts again from zero)
 * @param runs how many runs those counts cover (0 if it never ran)
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
        int runs,
        @Nullable String error,
        @Nullable String rollbackError) {

    /** Copies {@code counts}. */
    public MigrationStatus {
        counts = Map.copyOf(counts);
    }
}
