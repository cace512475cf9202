package dev.tenantry.ratelimit.internal;

import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Buckets held in process, in a {@link ConcurrentHashMap} keyed by the caller's {@link RateLimitKey}.
 *
 * <p>Each decision locks only its bucket, reads the time once and allocates nothing but the decision. A bucket is
 * removed only once it has been idle as long as it takes to refill from empty, so a removed bucket was full and
 * removal never grants extra tokens; it is marked dead under its lock first, so a thread that still holds it retries
 * with a fresh one instead of counting against a bucket no longer in the map. Removal is incremental: now and then a
 * caller examines a few entries (one caller at a time), so no call pays for a sweep of every bucket.
 */
public final class LocalStore implements BucketStore {

    /** One in {@value} decisions examines {@link #SWEEP_BATCH} entries for removal. */
    private static final int SWEEP_ODDS = 64;
    private static final int SWEEP_BATCH = 16;

    /** A bucket: units per bandwidth, when last refilled, the limit they are counted under. Guarded by itself. */
    static final class Bucket {
        CompiledLimit limit;
        long[] units;
        long lastNanos;
        boolean dead;

        Bucket(CompiledLimit limit, long nowNanos) {
            this.limit = limit;
            this.units = BucketMath.full(limit);
            this.lastNanos = nowNanos;
        }
    }

    private final ConcurrentHashMap<RateLimitKey, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private Iterator<Map.Entry<RateLimitKey, Bucket>> sweep; // guarded by sweeping

    /** A store timed by {@code nanoTime}: {@code System::nanoTime}, or the limiter's injected clock. */
    public LocalStore(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public RateLimitDecision apply(RateLimitKey key, CompiledLimit limit, long permits, boolean consume) {
        long now = nanoTime.getAsLong();
        if (ThreadLocalRandom.current().nextInt(SWEEP_ODDS) == 0) {
            sweepSome(now, SWEEP_BATCH);
        }
        while (true) {
            Bucket bucket = buckets.get(key);
            if (bucket == null) {
                Bucket fresh = new Bucket(limit, now);
                bucket = buckets.putIfAbsent(key, fresh);
                if (bucket == null) {
                    bucket = fresh;
                }
            }
            synchronized (bucket) {
                if (bucket.dead) {
                    continue; // removed while we waited for it: use the fresh one
                }
                return decide(bucket, limit, permits, consume, now);
            }
        }
    }

    private static RateLimitDecision decide(Bucket b, CompiledLimit limit, long permits, boolean consume, long now) {
        if (b.limit != limit) { // another plan, or this plan reconfigured
            BucketMath.refill(b.limit, b.units, now - b.lastNanos);
            b.units = BucketMath.carryOver(b.limit, b.units, limit);
            b.limit = limit;
            b.lastNanos = Math.max(b.lastNanos, now);
        }
        if (now > b.lastNanos) {
            BucketMath.refill(limit, b.units, now - b.lastNanos);
            b.lastNanos = now;
        }
        boolean allowed = BucketMath.canTake(limit, b.units, permits);
        if (allowed && consume) {
            BucketMath.take(limit, b.units, permits);
        }
        return BucketMath.decide(limit, b.units, permits, allowed);
    }

    /** Examines up to {@code max} entries and removes those idle long enough to be full again. */
    private void sweepSome(long now, int max) {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            for (int i = 0; i < max; i++) {
                if (sweep == null || !sweep.hasNext()) {
                    sweep = buckets.entrySet().iterator();
                    if (!sweep.hasNext()) {
                        return;
                    }
                }
                Map.Entry<RateLimitKey, Bucket> entry = sweep.next();
                Bucket bucket = entry.getValue();
                synchronized (bucket) {
                    if (!bucket.dead && now - bucket.lastNanos >= bucket.limit.fullFromEmptyNanos) {
                        bucket.dead = true;
                        buckets.remove(entry.getKey(), bucket);
                    }
                }
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** Removes every bucket idle long enough to be full, then says how many are held (for tests and metrics). */
    public long size() {
        sweepSome(nanoTime.getAsLong(), buckets.size() + SWEEP_BATCH);
        return buckets.size();
    }
}
