package dev.tenantry.audit;

/**
 * How the audited action ended.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum AuditOutcome {
    /** It did what was asked. */
    SUCCESS,
    /** It was attempted and failed. */
    FAILURE,
    /** It was refused (authorization, a tenant rule, a rate limit); the entry says why. */
    DENIED
}
