package dev.tenantry.servlet.internal;

/** The request attributes the filters set; {@link dev.tenantry.servlet.TenantryServlet} reads them for applications. */
public final class Attributes {

    /** The request's {@link dev.tenantry.TenantId}. */
    public static final String TENANT = "dev.tenantry.servlet.tenant";
    /** The request id the server assigned (a {@code String}). */
    public static final String REQUEST_ID = "dev.tenantry.servlet.requestId";
    /** The correlation id the client sent, when it was accepted (a {@code String}). */
    public static final String CLIENT_REQUEST_ID = "dev.tenantry.servlet.clientRequestId";
    /** A failed authentication the application reported (an {@link AuthFailure}). */
    public static final String AUTH_FAILURE = "dev.tenantry.servlet.authFailure";
    /** The limits in force for the request, once the limit filter ran (a {@link RateLimitFilter}). */
    public static final String LIMITS = "dev.tenantry.servlet.limits";
    /** The actor (a {@code String}), absent for anonymous requests. */
    public static final String ACTOR = "dev.tenantry.servlet.actor";
    /** The client's address (a {@code String}). */
    public static final String CLIENT_IP = "dev.tenantry.servlet.clientIp";
    /** The request's {@link dev.tenantry.audit.AuditContext}. */
    public static final String AUDIT_CONTEXT = "dev.tenantry.servlet.auditContext";
    /** The {@link Scope} the tenant filter runs the request in, reopened for its async dispatches. */
    public static final String TENANT_SCOPE = "dev.tenantry.servlet.tenantScope";
    /** The rate-limit decision taken for the request. */
    public static final String RATE_LIMIT = "dev.tenantry.servlet.rateLimit";

    private Attributes() {
    }
}
