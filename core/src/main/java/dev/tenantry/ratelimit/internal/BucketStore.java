package dev.tenantry.ratelimit.internal;

import dev.tenantry.ratelimit.RateLimitDecision;

/** Where buckets live: in process or in MongoDB. Implementations are thread-safe. */
public interface BucketStore {

    /**
     * Refills the bucket of {@code key} to {@code nowNanos} and, if {@code consume}, takes {@code permits} when every
     * bandwidth has them; returns the decision.
     */
    RateLimitDecision apply(String key, CompiledLimit limit, long permits, boolean consume, long nowNanos);
}
