package dev.tenantry.servlet.internal;

import dev.tenantry.directory.TenantStatus;
import dev.tenantry.servlet.ProblemDetails;

/** The problems the filters and endpoints answer with. Details never name another tenant. */
public final class Problems {

    private Problems() {
    }

    /** 400: the request names no tenant where one is required. */
    public static ProblemDetails missingTenant() {
        return ProblemDetails.of(400, "missing-tenant", "Tenant required",
                "this request must say which tenant it is for");
    }

    /** 400: what the request names is not a tenant id; {@code why} is the rule it broke. */
    public static ProblemDetails invalidTenant(String why) {
        return ProblemDetails.of(400, "invalid-tenant", "Invalid tenant id", why);
    }

    /** 404: no tenant the caller may use matches (unknown, or not the caller's: indistinguishable on purpose). */
    public static ProblemDetails unknownTenant() {
        return ProblemDetails.of(404, "unknown-tenant", "Unknown tenant", "no tenant matches this request");
    }

    /** 403: the tenant exists but may not be worked on. */
    public static ProblemDetails inactiveTenant(TenantStatus status) {
        String why = status == TenantStatus.SUSPENDED ? "this tenant is suspended"
                : status == TenantStatus.DELETION_SCHEDULED ? "this tenant is scheduled for deletion"
                : "this tenant is not active";
        return ProblemDetails.of(403, "tenant-inactive", "Tenant not active", why);
    }

    /** 429 with the wait in seconds. */
    public static ProblemDetails rateLimited(long retryAfterSeconds, String policy) {
        return ProblemDetails.of(429, "rate-limited", "Too many requests", "the rate limit of plan " + policy
                + " is used up; retry in " + retryAfterSeconds + (retryAfterSeconds == 1 ? " second" : " seconds"));
    }

    /** 400 for bad input. */
    public static ProblemDetails badRequest(String detail) {
        return ProblemDetails.of(400, "bad-request", "Bad request", detail);
    }

    /** 403 for an operation the caller may not perform. */
    public static ProblemDetails forbidden(String detail) {
        return ProblemDetails.of(403, "forbidden", "Forbidden", detail);
    }

    /** 404 for something that is not there (or not the caller's). */
    public static ProblemDetails notFound(String detail) {
        return ProblemDetails.of(404, "not-found", "Not found", detail);
    }

    /** 405. */
    public static ProblemDetails methodNotAllowed(String method) {
        return ProblemDetails.of(405, "method-not-allowed", "Method not allowed",
                "this endpoint does not accept " + method);
    }

    /** 409 for something in the wrong state. */
    public static ProblemDetails conflict(String detail) {
        return ProblemDetails.of(409, "conflict", "Conflict", detail);
    }

    /** 413. */
    public static ProblemDetails tooLarge(int maxBytes) {
        return ProblemDetails.of(413, "payload-too-large", "Payload too large",
                "the request body must be at most " + maxBytes + " bytes");
    }

    /** 415. */
    public static ProblemDetails unsupportedMediaType() {
        return ProblemDetails.of(415, "unsupported-media-type", "Unsupported media type",
                "send the request body as application/json");
    }
}
