package dev.tenantry.directory;

import dev.tenantry.TenantId;
import dev.tenantry.TenantryException;

/**
 * A tenant of this id is already in the directory.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class TenantExistsException extends TenantryException {
    private static final long serialVersionUID = 1L;

    private final TenantId tenant;

    /** For {@code tenant}. */
    public TenantExistsException(TenantId tenant) {
        super("tenant '" + tenant + "' already exists in the tenant directory");
        this.tenant = tenant;
    }

    /** The tenant. */
    public TenantId tenant() {
        return tenant;
    }
}
