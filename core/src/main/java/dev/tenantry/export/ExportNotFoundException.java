package dev.tenantry.export;

import dev.tenantry.TenantryException;

/**
 * The current tenant has no export of this id (another tenant's exports are not visible).
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class ExportNotFoundException extends TenantryException {
    private static final long serialVersionUID = 1L;

    /** For {@code exportId}. */
    public ExportNotFoundException(String exportId) {
        super("no data export '" + exportId + "' for the current tenant");
    }
}
