package dev.tenantry.migration;

/**
 * Where a migration stands in the history collection.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum MigrationState {
    /** Never run (no history document). */
    PENDING,
    /** Started and not finished: a runner is at work on it, or died while it was. Run again by the next runner. */
    RUNNING,
    /** Executed and verified. */
    EXECUTED,
    /** Failed and could not be rolled back because it has no rollback step. Run again by the next {@code migrate()}. */
    FAILED,
    /** Failed and its rollback succeeded. Run again by the next {@code migrate()}. */
    ROLLED_BACK,
    /** Failed and its rollback failed too: the data needs a human before this migration can run again. */
    ROLLBACK_FAILED
}
