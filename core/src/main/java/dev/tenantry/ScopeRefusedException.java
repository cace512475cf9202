package dev.tenantry;

import org.jspecify.annotations.Nullable;

/**
 * Work for a tenant refused by a {@link TenantScopeGuard}, saying why; the operation sent nothing. The guards Tenantry
 * ships throw more specific exceptions (the tenant directory's throws {@link
 * dev.tenantry.directory.TenantStatusException}); an application's own guard throws this one.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class ScopeRefusedException extends TenantryException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message says why the work was refused. */
    public ScopeRefusedException(String message) {
        super(message);
    }

    /** Creates an exception whose message says why the work was refused, with the failure that led to it. */
    public ScopeRefusedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
