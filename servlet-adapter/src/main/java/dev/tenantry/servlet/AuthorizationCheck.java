package dev.tenantry.servlet;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides whether the caller may perform an administrative {@link Operation} through Tenantry's endpoints. The
 * adapter depends on no authentication framework: the application answers from its own user model (roles on the
 * principal, {@link HttpServletRequest#isUserInRole}, a token's claims). For every operation but {@link
 * Operation#VIEW_HEALTH_DETAILS} the request's tenant scope is open while it is asked, so {@link
 * dev.tenantry.Tenants#current()} names the tenant the operation would touch.
 *
 * <p>Until one is configured every operation is denied ({@link #denyAll()}): admin endpoints answer 403. Callers
 * acting on their own data (their sessions, their own data export, their rate-limit state) are not asked.
 * Implementations must be thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface AuthorizationCheck {

    /**
     * What an administrative endpoint would do.
     *
     * <p>Immutable and thread-safe.
     */
    enum Operation {
        /** List, filter and verify the tenant's audit log. */
        READ_AUDIT_LOG,
        /** Download the tenant's audit log as JSON, NDJSON or CSV. */
        EXPORT_AUDIT_LOG,
        /** Request an export of the whole tenant's data, and see and download every export of the tenant. */
        EXPORT_TENANT_DATA,
        /** List and revoke other users' sessions. */
        MANAGE_SESSIONS,
        /** See each health check's detail (messages, timings) rather than the overall status only. */
        VIEW_HEALTH_DETAILS,
        /**
         * Open the admin console ({@link ConsoleSettings}); each page's data still needs its own operation.
         *
         * @since 0.1
         */
        USE_CONSOLE,
        /**
         * See the organization's record and schedule or cancel its deletion.
         *
         * @since 0.1
         */
        MANAGE_ORGANIZATION
    }

    /** Whether the caller of {@code request} may perform {@code operation}. */
    boolean permits(HttpServletRequest request, Operation operation);

    /** Denies every operation: the default. */
    static AuthorizationCheck denyAll() {
        return (request, operation) -> false;
    }

    /** Permits every operation to callers in {@code role} ({@link HttpServletRequest#isUserInRole}). */
    static AuthorizationCheck role(String role) {
        java.util.Objects.requireNonNull(role, "role");
        return (request, operation) -> request.isUserInRole(role);
    }
}
