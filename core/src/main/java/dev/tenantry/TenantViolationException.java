package dev.tenantry;

/**
 * An operation would read, write or reach data outside the current tenant, and was refused before it changed
 * anything. The message names the operator, field, stage or document at fault.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class TenantViolationException extends TenantryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code message} names what was refused. */
    public TenantViolationException(String message) {
        super(message);
    }
}
