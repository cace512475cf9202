package dev.tenantry.migration;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Another runner holds the migration lock and did not release it in time.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public final class MigrationLockedException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final String owner;
    private final @Nullable Instant expiresAt;

    MigrationLockedException(String owner, @Nullable Instant expiresAt) {
        super("migrations are locked by " + owner + " until " + expiresAt
                + " (its lease is refreshed while it runs); wait for it to finish, or set waitForLock");
        this.owner = owner;
        this.expiresAt = expiresAt;
    }

    /** The runner that holds the lock. */
    public String owner() {
        return owner;
    }

    /** When its lease expires unless refreshed, or null if unknown. */
    public @Nullable Instant expiresAt() {
        return expiresAt;
    }
}
