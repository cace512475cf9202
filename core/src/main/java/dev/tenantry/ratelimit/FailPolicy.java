package dev.tenantry.ratelimit;

/**
 * What a shared (MongoDB-backed) limiter decides when MongoDB cannot be reached in time.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum FailPolicy {
    /** Let requests through: availability first; limits are not enforced during the outage. */
    OPEN,
    /** Refuse requests: limits first; the service refuses work it cannot account for. */
    CLOSED
}
