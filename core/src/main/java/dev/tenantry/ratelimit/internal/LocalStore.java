package dev.tenantry.ratelimit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tenantry.ratelimit.RateLimitDecision;
import java.util.function.LongSupplier;

/**
 * Buckets held in process, in a Caffeine cache. A bucket is evicted only after it has been idle as long as it takes
 * to refill from empty, so an evicted bucket was full and eviction never grants extra tokens. Each decision updates
 * its bucket inside the map's atomic compute, so it is exact under contention and cannot race with eviction.
 */
public final class LocalStore implements BucketStore {

    /** A bucket: scaled tokens per bandwidth, when they were last refilled, and the limit they are counted for. */
    static final class Bucket {
        CompiledLimit limit;
        long[] scaled;
        long lastNanos;

        Bucket(CompiledLimit limit, long nowNanos) {
            this.limit = limit;
            this.scaled = BucketMath.full(limit);
            this.lastNanos = nowNanos;
        }
    }

    private final Cache<String, Bucket> buckets;

    private final java.util.concurrent.atomic.AtomicLong ticker = new java.util.concurrent.atomic.AtomicLong(
            Long.MIN_VALUE);

    /**
     * A store whose expiry runs on {@code nanoTime} (the limiter's clock), made monotonic: a wall clock stepped back
     * must not make a bucket look idle for longer than it was, or eviction would hand out a full bucket early.
     */
    public LocalStore(LongSupplier nanoTime) {
        this.buckets = Caffeine.newBuilder()
                .ticker(() -> ticker.accumulateAndGet(nanoTime.getAsLong(), Math::max))
                .expireAfter(new Expiry<String, Bucket>() {
                    @Override
                    public long expireAfterCreate(String key, Bucket bucket, long currentTime) {
                        return bucket.limit.fullFromEmptyNanos;
                    }

                    @Override
                    public long expireAfterUpdate(String key, Bucket bucket, long currentTime,
                                                  long currentDuration) {
                        return bucket.limit.fullFromEmptyNanos;
                    }

                    @Override
                    public long expireAfterRead(String key, Bucket bucket, long currentTime,
                                                long currentDuration) {
                        return bucket.limit.fullFromEmptyNanos;
                    }
                })
                .build();
    }

    @Override
    public RateLimitDecision apply(String key, CompiledLimit limit, long permits, boolean consume, long nowNanos) {
        RateLimitDecision[] decision = new RateLimitDecision[1];
        buckets.asMap().compute(key, (k, bucket) -> {
            Bucket b = bucket != null ? bucket : new Bucket(limit, nowNanos);
            if (b.limit != limit) { // another plan, or this plan reconfigured
                BucketMath.refill(b.limit, b.scaled, nowNanos - b.lastNanos);
                b.scaled = BucketMath.carryOver(b.limit, b.scaled, limit);
                b.limit = limit;
                b.lastNanos = Math.max(b.lastNanos, nowNanos);
            }
            if (nowNanos > b.lastNanos) {
                BucketMath.refill(limit, b.scaled, nowNanos - b.lastNanos);
                b.lastNanos = nowNanos;
            }
            boolean allowed = BucketMath.canTake(limit, b.scaled, permits);
            if (allowed && consume) {
                BucketMath.take(limit, b.scaled, permits);
            }
            decision[0] = BucketMath.decide(limit, b.scaled, permits, allowed);
            return b;
        });
        return decision[0];
    }

    /** How many buckets are held (for tests and metrics). */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
