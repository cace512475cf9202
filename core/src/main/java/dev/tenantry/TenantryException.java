package dev.tenantry;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Tenantry throws, in every module; catch it to handle them all. It is abstract: each
 * subclass says what went wrong and what to do about it (a {@link TenantScopeGuard} of the application's own refuses
 * with {@link ScopeRefusedException}).
 *
 * <p>Driver exceptions pass through unwrapped unless Tenantry adds meaning to them.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public abstract class TenantryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    protected TenantryException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause (null when there is none). */
    protected TenantryException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /** The message it was created with: never null, since every constructor takes one. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage(), "message");
    }
}
