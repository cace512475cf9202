package dev.tenantry.ratelimit.internal;

import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Buckets held in process, in a {@link ConcurrentHashMap} keyed by the caller's {@link RateLimitKey}.
 *
 * <p>A bucket is one small object: its units, the time they were counted at, the limit they are counted under, and a
 * lock word. A decision takes the lock with one compare-and-set, counts with a few arithmetic operations (no division;
 * a one-bandwidth limit, the common case, is counted in a single long) and releases it with a plain release store, so
 * a decision touches one cache line of the bucket and allocates only the decision, which computes its header figures
 * when first asked. The lock is held for nanoseconds and never across a call, so a waiter spins (yielding now and
 * then, in case the holder was descheduled) instead of parking.
 *
 * <p>A bucket is removed only when it is full again, so removal never grants extra tokens: the remover marks it
 * removed under its lock first, so a thread that was waiting for it sees the mark and starts over with a fresh
 * bucket. Removal is incremental and paid by growth: each new bucket examines {@value #SWEEP_PER_INSERT} old ones
 * (one sweeper at a time), so the map stays near the number of buckets in use and no call pays for a sweep of all.
 */
public final class LocalStore implements BucketStore {

    /** Old buckets examined for removal per new bucket. */
    private static final int SWEEP_PER_INSERT = 2;
    /** Spins between yields while waiting for a bucket's lock. */
    private static final int SPINS_PER_YIELD = 64;

    private static final int FREE = 0;
    private static final int HELD = 1;
    /** The lock word of a removed bucket: never free again. */
    private static final int REMOVED = -1;

    /** A key's bucket. Every field but {@code lock} is guarded by {@code lock}. */
    static final class Bucket {
        volatile int lock;
        CompiledLimit limit;
        long last;
        /** Units of the first bandwidth. */
        long u0;
        /** Units of every bandwidth when the limit has several, else null. */
        long[] units;

        Bucket(CompiledLimit limit, long now) {
            set(limit, now, BucketMath.full(limit));
        }

        void set(CompiledLimit limit, long last, long[] units) {
            this.limit = limit;
            this.last = last;
            this.u0 = units[0];
            this.units = limit.single ? null : units;
        }

        long[] unitsCopy() {
            return units == null ? new long[] {u0} : units.clone();
        }
    }

    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(Bucket.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
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
        Bucket bucket = buckets.get(key);
        while (true) {
            if (bucket == null) {
                bucket = bucketFor(key, limit, now);
            }
            if (!lock(bucket)) {
                buckets.remove(key, bucket); // the remover may not have taken it out of the map yet
                bucket = null;
                // it was full at the remover's time, which may be later than ours: a new full bucket starts then
                now = Math.max(now, nanoTime.getAsLong());
                continue;
            }
            try {
                return decide(bucket, limit, permits, consume, now);
            } finally {
                LOCK.setRelease(bucket, FREE);
            }
        }
    }

    /** Counts under the bucket's lock. */
    private static RateLimitDecision decide(Bucket b, CompiledLimit limit, long permits, boolean consume, long now) {
        if (b.limit == limit && limit.single) { // the common case: one bandwidth, counted in a long
            long u = b.u0;
            if (now > b.last) {
                long elapsed = now - b.last;
                // below fillNanos, elapsed × perNano is under a full bucket: no overflow, and no division needed
                u = elapsed >= limit.fillNanos[0] ? limit.full[0]
                        : Math.min(limit.full[0], u + elapsed * limit.perNano[0]);
                b.last = now;
            }
            long need = permits * limit.unit[0];
            boolean allowed = u >= need;
            if (allowed && consume) {
                u -= need;
            }
            b.u0 = u;
            return new Decision(limit, u, null, permits, allowed);
        }
        long[] units = b.unitsCopy();
        if (b.limit != limit) { // another plan, or this plan reconfigured
            BucketMath.refill(b.limit, units, now - b.last);
            units = BucketMath.carryOver(b.limit, units, limit);
        } else {
            BucketMath.refill(limit, units, now - b.last);
        }
        boolean allowed = BucketMath.canTake(limit, units, permits);
        if (allowed && consume) {
            BucketMath.take(limit, units, permits);
        }
        b.set(limit, Math.max(b.last, now), units);
        return Decision.of(limit, units.clone(), permits, allowed);
    }

    /**
     * Takes the bucket's lock, or returns false if the bucket was removed. The first try is a compare-and-set; a waiter
     * then reads the lock word until it is free before trying again, so it does not pull the line away from the
     * holder while the holder counts.
     */
    private static boolean lock(Bucket b) {
        if (LOCK.compareAndSet(b, FREE, HELD)) {
            return true;
        }
        for (int spins = 1; ; spins++) {
            int state = b.lock;
            if (state == REMOVED) {
                return false;
            }
            if (state == FREE && LOCK.compareAndSet(b, FREE, HELD)) {
                return true;
            }
            if (spins % SPINS_PER_YIELD == 0) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** The bucket of {@code key}, created full if there is none (and then some old ones examined for removal). */
    private Bucket bucketFor(RateLimitKey key, CompiledLimit limit, long now) {
        Bucket fresh = new Bucket(limit, now);
        Bucket existing = buckets.putIfAbsent(key, fresh);
        if (existing != null) {
            return existing;
        }
        sweepSome(now, SWEEP_PER_INSERT, fresh);
        return fresh;
    }

    /**
     * Examines up to {@code max} entries and removes those that are full by {@code now}, except {@code keep}. A
     * bucket whose lock is held is in use, so it is passed over.
     */
    private void sweepSome(long now, int max, Bucket keep) {
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
                if (bucket == keep || !LOCK.compareAndSet(bucket, FREE, HELD)) {
                    continue;
                }
                if (isFull(bucket, now)) {
                    LOCK.setRelease(bucket, REMOVED);
                    buckets.remove(entry.getKey(), bucket);
                } else {
                    LOCK.setRelease(bucket, FREE);
                }
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** Whether the bucket has refilled every bandwidth by {@code now}; call under its lock. */
    private static boolean isFull(Bucket b, long now) {
        long[] units = b.unitsCopy();
        BucketMath.refill(b.limit, units, now - b.last);
        for (int i = 0; i < units.length; i++) {
            if (units[i] < b.limit.full[i]) {
                return false;
            }
        }
        return true;
    }

    /** Removes every bucket that is full again, then says how many are held (for tests and metrics). */
    public long size() {
        sweepSome(nanoTime.getAsLong(), buckets.size() + 1, null);
        return buckets.size();
    }
}
