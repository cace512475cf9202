package dev.tenantry.directory;

import dev.tenantry.TenantId;
import dev.tenantry.TenantryException;

/**
 * The tenant's status does not allow what was asked: opening a scope for a suspended tenant or one scheduled for
 * deletion, suspending a tenant that is not active, purging one whose deletion is not due, and so on.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class TenantStatusException extends TenantryException {
    private static final long serialVersionUID = 1L;

    private final TenantId tenant;
    private final TenantStatus status;

    /** For {@code tenant} in {@code status}, with a message that says what was refused and why. */
    public TenantStatusException(TenantId tenant, TenantStatus status, String message) {
        super(message);
        this.tenant = tenant;
        this.status = status;
    }

    /** The tenant. */
    public TenantId tenant() {
        return tenant;
    }

    /** Its status when refused. */
    public TenantStatus status() {
        return status;
    }
}
