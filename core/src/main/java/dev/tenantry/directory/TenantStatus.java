package dev.tenantry.directory;

/**
 * Where a tenant stands. Only {@link #ACTIVE} tenants may open a tenant scope for ordinary work.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum TenantStatus {
    /** In use. */
    ACTIVE,
    /** Kept, but no ordinary work runs for it until it is reactivated. */
    SUSPENDED,
    /** Its deletion is scheduled: its data is kept, restorable, until {@code deleteScheduledAt}, then purged. */
    DELETION_SCHEDULED
}
