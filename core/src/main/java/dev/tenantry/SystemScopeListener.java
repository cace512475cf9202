package dev.tenantry;

/**
 * Told of system-scope entries that touch a {@link dev.tenantry.collection.TenantDatabase}'s data, before they do; the
 * audit trail plugs in here ({@code TenantDatabase.addSystemScopeListener(audit.systemScopeListener())}).
 *
 * <p>A listener belongs to the databases it is registered with, never to the JVM: system-scope work of another
 * application, on its own database, does not reach it. Each entry ({@link SystemAccess}; each call of {@link
 * Tenants#runAsSystem}/{@link Tenants#callAsSystem}, and each run of work bound in system scope on another thread or
 * after its scope closed) is reported once per database, the first time it touches that database's data. A listener
 * that throws stops that work: the operation sends nothing and the exception reaches the caller, so cross-tenant
 * access through Tenantry never happens unrecorded (work that bypasses Tenantry with the raw driver is not seen).
 * Listeners run on the working thread and must be thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface SystemScopeListener {

    /** Called once per entry into system scope and database, before the entry first touches the database's data. */
    void onSystemScope(SystemAccess access);
}
