package dev.tenantry.migration;

import dev.tenantry.TenantryException;
import org.jspecify.annotations.Nullable;

/**
 * Base of the migration runner's exceptions; a {@link TenantryException} like every exception Tenantry throws.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class MigrationException extends TenantryException {

    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public MigrationException(String message) {
        super(message);
    }

    /** An exception with {@code message} and {@code cause}. */
    public MigrationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
