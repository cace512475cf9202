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

    /** 400: a destructive change was not confirmed with the organization's name. */
    public static ProblemDetails confirmationMismatch() {
        return ProblemDetails.of(400, "confirmation-mismatch", "Confirmation does not match",
                "confirm with the organization's name, exactly as its organization page shows it");
    }

        /** 409 for something in the wrong state. */
    public static ProblemDetails conflict(String detail) {
        return ProblemDetails.of(409, "conflict", "Conflict", detail);
    }

    /**
     * 429: the caller, or the tenant, already has as many data exports pending or running as allowed; {@code detail}
     * says which limit. No {@code Retry-After}: a slot frees when an export ends, not after a known time.
     */
    public static ProblemDetails exportLimit(String detail) {
        return ProblemDetails.of(429, "export-limit", "Too many data exports in progress", detail);
    }

    /** 413. */
    public static ProblemDetails tooLarge(int maxBytes) {
        return ProblemDetails.of(413, "payload-too-large", "Payload too large",
                "the request body must be at most " + maxBytes + " bytes");
    }

    /** 409 for a write that would duplicate a value that must be unique; {@code clash} names it, if known. */
    public static ProblemDetails duplicate(@org.jspecify.annotations.Nullable String clash) {
        return ProblemDetails.of(409, "conflict", "Conflict", clash == null
                ? "another record already holds a value that must be unique"
                : "another record already holds " + clash + ", which must be unique");
    }

    /** 401: the request must authenticate; {@code detail} says how or why. */
    public static ProblemDetails unauthorized(String detail) {
        return ProblemDetails.of(401, "unauthorized", "Authentication required", detail);
    }

    /** 429 for too many failed authentications from one address or for one user. */
    public static ProblemDetails tooManyFailures(long retryAfterSeconds) {
        return ProblemDetails.of(429, "too-many-failed-authentications", "Too many failed authentications",
                "too many failed authentications from this address or for this user; retry in " + retryAfterSeconds
                        + (retryAfterSeconds == 1 ? " second" : " seconds"));
    }

    /** 400: the tenant resolvers found different tenants in one request. */
    public static ProblemDetails conflictingTenants() {
        return ProblemDetails.of(400, "conflicting-tenant", "Conflicting tenants",
                "the request names more than one tenant (say, a header and the host name disagree); name one");
    }

    /** 501: {@code TRACE} is not served, since it would echo credentials. */
    public static ProblemDetails traceRefused() {
        return ProblemDetails.of(501, "method-not-implemented", "Method not implemented",
                "TRACE is not served by this server");
    }

    /** 500 for anything unexpected: nothing of what went wrong, which the server's log has with the request id. */
    public static ProblemDetails internalError() {
        return ProblemDetails.of(500, "internal-error", "Internal server error",
                "the server could not complete the request; quote the request id when reporting it");
    }

    /**
     * The problem of an error status the container or the application raised without saying more: a fixed detail per
     * status, never the text that came with it.
     */
    public static ProblemDetails forStatus(int status) {
        return switch (status) {
            case 400 -> badRequest("the request is malformed");
            case 401 -> unauthorized("this request needs authentication");
            case 403 -> forbidden("this request is not permitted");
            case 404 -> notFound("nothing is served at this path");
            case 405 -> ProblemDetails.of(405, "method-not-allowed", "Method not allowed",
                    "this resource does not accept this method");
            case 406 -> ProblemDetails.of(406, "not-acceptable", "Not acceptable",
                    "no representation matches the request's Accept header");
            case 408 -> ProblemDetails.of(408, "request-timeout", "Request timeout", "the request took too long");
            case 409 -> conflict("the request conflicts with the current state");
            case 411 -> ProblemDetails.of(411, "length-required", "Length required", "send a Content-Length");
            case 413 -> ProblemDetails.of(413, "payload-too-large", "Payload too large",
                    "the request body is too large");
            case 414 -> ProblemDetails.of(414, "uri-too-long", "URI too long", "the request target is too long");
            case 415 -> unsupportedMediaType();
            case 429 -> ProblemDetails.of(429, "rate-limited", "Too many requests", "too many requests; retry later");
            case 431 -> ProblemDetails.of(431, "headers-too-large", "Request header fields too large",
                    "the request's header fields are too large");
            case 500 -> internalError();
            case 501 -> ProblemDetails.of(501, "not-implemented", "Not implemented",
                    "the server does not support this request");
            case 503 -> ProblemDetails.of(503, "unavailable", "Service unavailable",
                    "the service is unavailable; retry later");
            default -> ProblemDetails.of(status, "http-" + status, status < 500 ? "Client error" : "Server error",
                    "the request failed with status " + status);
        };
    }

    /** 415. */
    public static ProblemDetails unsupportedMediaType() {
        return ProblemDetails.of(415, "unsupported-media-type", "Unsupported media type",
                "send the request body as application/json");
    }
}
