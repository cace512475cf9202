package dev.tenantry.ratelimit.internal;

import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;

/** Where buckets live: in process or in MongoDB. Implementations are thread-safe. */
public interface BucketStore {

    /**
     * Refills the bucket of {@code key} to now (by the store's own time source) and, if {@code consume}, takes {@code
     * permits} when every bandwidth has them; returns the decision.
     */
    RateLimitDecision apply(RateLimitKey key, CompiledLimit limit, long permits, boolean consume);
}
