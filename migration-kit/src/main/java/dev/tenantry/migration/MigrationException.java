package dev.tenantry.migration;

import org.jspecify.annotations.Nullable;

/**
 * Base of the migration runner's exceptions.
 *
 * @since 0.1
 */
public class MigrationException extends RuntimeException {

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
