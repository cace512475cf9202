package dev.tenantry;

/**
 * The root of every exception Tenantry throws; subclasses say what went wrong and what to do about it.
 *
 * <p>Driver exceptions pass through unwrapped unless Tenantry adds meaning to them.
 *
 * @since 0.1
 */
public class TenantryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public TenantryException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public TenantryException(String message, Throwable cause) {
        super(message, cause);
    }
}
