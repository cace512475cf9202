package dev.tenantry;

/**
 * Told of every entry into system scope, before the work runs; the audit trail plugs in here.
 *
 * <p>A listener that throws stops the entry: the system-scope work does not run and the exception reaches the
 * caller, so cross-tenant access never happens unrecorded. Listeners run on the entering thread and must be
 * thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface SystemScopeListener {

    /**
     * Called once per entry into system scope: each call of {@link Tenants#runAsSystem}/{@link Tenants#callAsSystem},
     * and each run of work bound in system scope on another thread or after its scope closed
     * ({@link SystemAccess#propagated()}).
     */
    void onSystemScope(SystemAccess access);
}
