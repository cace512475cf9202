package dev.tenantry.audit;

import dev.tenantry.TenantryException;

/**
 * An audit entry could not be queued in time ({@link OverflowPolicy#BLOCK_WITH_TIMEOUT}) or the trail is closed; the
 * entry was not recorded, and the caller decides what to do with the action it describes.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class AuditOverflowException extends TenantryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public AuditOverflowException(String message) {
        super(message);
    }
}
