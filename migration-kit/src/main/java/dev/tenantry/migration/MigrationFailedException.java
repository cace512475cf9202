package dev.tenantry.migration;

import org.jspecify.annotations.Nullable;

/**
 * A migration failed. Its error is the {@linkplain #getCause() cause}; if its rollback failed too, that error is
 * {@linkplain #rollbackError() kept} as well, as a {@linkplain #getSuppressed() suppressed} exception.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public final class MigrationFailedException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final String migrationId;
    private final MigrationState state;

    MigrationFailedException(String migrationId, long version, MigrationState state, Throwable error,
            @Nullable Throwable rollbackError) {
        super("migration " + migrationId + " (version " + version + ") failed: " + error
                + (rollbackError == null ? "" : "; its rollback failed too: " + rollbackError)
                + "; recorded as " + state, error);
        this.migrationId = migrationId;
        this.state = state;
        if (rollbackError != null) {
            addSuppressed(rollbackError);
        }
    }

    MigrationFailedException(String migrationId, MigrationState state, String message) {
        super(message);
        this.migrationId = migrationId;
        this.state = state;
    }

    /** The id of the failed migration. */
    public String migrationId() {
        return migrationId;
    }

    /** How it was recorded: {@link MigrationState#FAILED}, {@link MigrationState#ROLLED_BACK} or {@link MigrationState#ROLLBACK_FAILED}. */
    public MigrationState state() {
        return state;
    }

    /** The error of the rollback, or null if the rollback succeeded or was not possible. */
    public @Nullable Throwable rollbackError() {
        Throwable[] suppressed = getSuppressed();
        return suppressed.length == 0 ? null : suppressed[0];
    }
}
