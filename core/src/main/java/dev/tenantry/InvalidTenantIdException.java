package dev.tenantry;

/**
 * A string that is not a valid {@link TenantId}, or a tenant id that cannot be used where it was to be used (its own
 * database would be one MongoDB reserves); the message names the rule it broke.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class InvalidTenantIdException extends TenantryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code message} names the rule broken. */
    public InvalidTenantIdException(String message) {
        super(message);
    }
}
