package dev.tenantry.migration;

/**
 * This runner no longer holds the migration lock: its lease expired or another runner took it over. Thrown by
 * {@link MigrationContext#checkLease()}; a migration must stop writing when it sees this.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public final class LeaseLostException extends MigrationException {

    private static final long serialVersionUID = 1L;

    LeaseLostException(String message) {
        super(message);
    }
}
