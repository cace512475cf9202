package dev.tenantry;

/**
 * Tenant-scoped work was attempted where no tenant is set: Tenantry fails closed rather than guess.
 *
 * <p>Open a scope with {@link Tenants#run} or {@link Tenants#call}, or carry the caller's scope into other threads
 * with {@link Tenants#propagating(java.util.concurrent.Executor)}, {@link Tenants#bind(Runnable)} and its siblings, or
 * {@link ScopedFuture}.
 *
 * @since 0.1
 */
public class MissingTenantException extends TenantryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says where a tenant was needed. */
    public MissingTenantException(String message) {
        super(message);
    }
}
