package dev.tenantry.directory;

import dev.tenantry.TenantId;
import dev.tenantry.TenantryException;

/**
 * The directory holds no tenant of this id.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class TenantNotFoundException extends TenantryException {
    private static final long serialVersionUID = 1L;

    private final TenantId tenant;

    /** For {@code tenant}. */
    public TenantNotFoundException(TenantId tenant) {
        super("no tenant '" + tenant + "' in the tenant directory");
        this.tenant = tenant;
    }

    /** The tenant asked for. */
    public TenantId tenant() {
        return tenant;
    }
}
