package dev.tenantry.ratelimit.internal;

import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Buckets held in process, in a {@link ConcurrentHashMap} keyed by the caller's {@link RateLimitKey}.
 *
 * <p>A one-bandwidth bucket, the common case, is lock-free and its whole state is one long ({@link OneBandwidth}): a
 * decision that finds room takes its tokens with one fetch-and-add, which never fails and never retries however many
 * threads share the key; a refused one only reads. A request that finds the bucket full again decides with a
 * compare-and-set. A bucket of several bandwidths ({@link Locked}) counts under a spin lock held for
 * nanoseconds, never across a call. Either way a decision allocates only itself, and computes its header figures when
 * first asked.
 *
 * <p>A bucket is removed only when it is full again, so removal never grants extra tokens: the remover marks it
 * removed first, so a thread that held it sees the mark and starts over with a fresh, full bucket. A lock-free bucket
 * whose plan changed is replaced by one for the new plan carrying its tokens over; threads that held the old one wait
 * for its successor. Removal is incremental and paid by growth: each new bucket examines {@value #SWEEP_PER_INSERT}
 * old ones (one sweeper at a time), so the map stays near the number of buckets in use and no call pays for a sweep
 * of all.
 *
 * <p>The time source must not go backwards (a wall clock is wrapped in {@link #monotonic(LongSupplier)}).
 */
public final class LocalStore implements BucketStore {

    /** Old buckets examined for removal per new bucket. */
    private static final int SWEEP_PER_INSERT = 2;
    /** Spins between yields while waiting for a lock or a successor. */
    private static final int SPINS_PER_YIELD = 64;

    /** A bucket of the store: {@link OneBandwidth} or {@link Locked}. */
    abstract static sealed class Bucket permits OneBandwidth, Locked {
        /** Whether the bucket was removed as full (anyone may start a fresh one), not replaced. */
        abstract boolean removed();
    }

    /**
     * A one-bandwidth bucket, lock-free. Its state is {@link #fullAt}: the refill, in counting units since
     * {@link #base}, at which it is full again. With {@code e} units refilled since the base it holds
     * {@code full - max(0, fullAt - e)} units, and taking {@code need} units moves {@code fullAt} to
     * {@code max(fullAt, e) + need}. While the bucket is not full ({@code fullAt >= e}) that is an add, so a request
     * that reads a state with room for it adds with a fetch-and-add, and checks what it added to; a refused request
     * only reads. If a racing request took the tokens between the read and the add, nanoseconds apart, or the bucket
     * was retired, the add is taken back and the request decides with a compare-and-set. For those nanoseconds a
     * racing request sees the add as tokens taken, so it may be refused where it could have been admitted; it can be
     * under-charged only if its clock reading is also ahead of the other's by more than its own request refills in,
     * and then by at most the refill of that gap. (Adding first, before any
     * read, measured about 8% faster on two threads, but then every refused request writes twice, and an add made to
     * a bucket that was full again, visible until taken back, could let a racing request be charged from a stale
     * state.) A negative
     * {@code fullAt} marks the bucket retired: {@link #REMOVED} when it was full, {@link #REPLACED} when a successor
     * takes over.
     *
     * <p>Adds of a request stay at most {@link #MAX_FAST_NEED} units, larger ones take the compare-and-set path, and
     * the base is moved on (the bucket replaced) before {@link CompiledLimit#maxElapsedNanos}: so the long never
     * overflows, and adds racing a retirement never bring a retired mark back above zero.
     */
    static final class OneBandwidth extends Bucket {
        /** The mark of a bucket removed as full; adds racing the removal keep it below {@link #REPLACED}. */
        static final long REMOVED = Long.MIN_VALUE;
        /** The mark of a bucket replaced by a successor (a plan change, or a new base). */
        static final long REPLACED = Long.MIN_VALUE / 2;
        /** The largest add done by fetch-and-add (2^40 units; a token of one per second is 10^9 units). */
        static final long MAX_FAST_NEED = 1L << 40;

        final CompiledLimit limit;
        /** The time the units are counted from. */
        final long base;
        volatile long fullAt;

        OneBandwidth(CompiledLimit limit, long base, long fullAt) {
            this.limit = limit;
            this.base = base;
            this.fullAt = fullAt;
        }

        @Override
        boolean removed() {
            return fullAt < REPLACED;
        }

        /** The units held at {@code now} by the state {@code mark}, a live one; no overflow at any elapsed time. */
        long unitsAt(long mark, long now) {
            long elapsed = Math.max(0, now - base);
            long perNano = limit.perNano[0];
            if (elapsed >= BucketMath.ceilDiv(mark, perNano)) {
                return limit.full[0];
            }
            // elapsed × perNano < mark + perNano here: no overflow
            return Math.max(0, limit.full[0] - (mark - elapsed * perNano));
        }

        /**
         * Decides at {@code now}, which must be within {@link CompiledLimit#maxElapsedNanos} of the base; returns null
         * if the bucket was retired.
         */
        @Nullable RateLimitDecision decide(long permits, boolean consume, long now) {
            long e = Math.max(0, now - base) * limit.perNano[0];
            long full = limit.full[0];
            long need = permits * limit.unit[0];
            long mark = fullAt;
            if (mark < 0) {
                return null;
            }
            if (!consume) {
                long units = full - Math.max(0, mark - e);
                return decision(units, permits, units >= need);
            }
            if (mark >= e && mark + need - e <= full && need <= MAX_FAST_NEED) {
                long before = (long) FULL_AT.getAndAdd(this, need);
                if (before >= e && before + need - e <= full) {
                    return decision(full - (before + need - e), permits, true);
                }
                // retired, full again by now, or emptied by a racing request: take it back and decide exactly
                FULL_AT.getAndAdd(this, -need);
            }
            while (true) {
                mark = fullAt;
                if (mark < 0) {
                    return null;
                }
                long from = Math.max(mark, e);
                if (from + need - e > full) {
                    return decision(full - (from - e), permits, false);
                }
                if (FULL_AT.compareAndSet(this, mark, from + need)) {
                    return decision(full - (from + need - e), permits, true);
                }
            }
        }

        private Decision decision(long units, long permits, boolean allowed) {
            // units below zero only for a thread whose clock reading lags another's by nanoseconds
            return new Decision(limit, Math.max(0, units), null, permits, allowed);
        }
    }

    /** A bucket of several bandwidths, counted under a lock word. Every field but {@code lock} is guarded by it. */
    static final class Locked extends Bucket {
        static final int FREE = 0;
        static final int HELD = 1;
        /** The lock word of a removed bucket: never free again. */
        static final int REMOVED = -1;

        volatile int lock;
        CompiledLimit limit;
        long last;
        long[] units;

        Locked(CompiledLimit limit, long last, long[] units) {
            this.limit = limit;
            this.last = last;
            this.units = units;
        }

        @Override
        boolean removed() {
            return lock == REMOVED;
        }

        /** Decides under the lock; returns null if the bucket was removed. */
        @Nullable RateLimitDecision decide(CompiledLimit limit, long permits, boolean consume, long now) {
            if (!lock()) {
                return null;
            }
            try {
                long[] counted = units.clone();
                if (this.limit != limit) { // another plan, or this plan reconfigured
                    BucketMath.refill(this.limit, counted, now - last);
                    counted = BucketMath.carryOver(this.limit, counted, limit);
                } else {
                    BucketMath.refill(limit, counted, now - last);
                }
                boolean allowed = BucketMath.canTake(limit, counted, permits);
                if (allowed && consume) {
                    BucketMath.take(limit, counted, permits);
                }
                this.limit = limit;
                this.last = Math.max(last, now);
                this.units = counted;
                return Decision.of(limit, counted.clone(), permits, allowed);
            } finally {
                LOCK.setRelease(this, FREE);
            }
        }

        /**
         * Takes the lock, or returns false if the bucket was removed. The first try is a compare-and-set; a waiter then
         * reads the lock word until it is free before trying again, so it does not pull the line away from the holder.
         */
        boolean lock() {
            if (LOCK.compareAndSet(this, FREE, HELD)) {
                return true;
            }
            for (int spins = 1; ; spins++) {
                int state = lock;
                if (state == REMOVED) {
                    return false;
                }
                if (state == FREE && LOCK.compareAndSet(this, FREE, HELD)) {
                    return true;
                }
                pause(spins);
            }
        }

        /** Whether every bandwidth has refilled by {@code now}; call under the lock. */
        boolean isFull(long now) {
            long[] counted = units.clone();
            BucketMath.refill(limit, counted, now - last);
            for (int i = 0; i < counted.length; i++) {
                if (counted[i] < limit.full[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final VarHandle FULL_AT;
    private static final VarHandle LOCK;

    static {
        try {
            FULL_AT = MethodHandles.lookup().findVarHandle(OneBandwidth.class, "fullAt", long.class);
            LOCK = MethodHandles.lookup().findVarHandle(Locked.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentHashMap<RateLimitKey, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private @Nullable Iterator<Map.Entry<RateLimitKey, Bucket>> sweep; // guarded by sweeping

    /**
     * A store timed by {@code nanoTime}, which must never go backwards: {@code System::nanoTime}, or a wall clock
     * wrapped in {@link #monotonic(LongSupplier)}.
     */
    public LocalStore(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * {@code time}, never going backwards: a reading below the highest seen so far gives the highest instead, so a
     * clock stepped back refills nothing until it has caught up (and takes no tokens back).
     */
    public static LongSupplier monotonic(LongSupplier time) {
        AtomicLong highest = new AtomicLong(Long.MIN_VALUE);
        return () -> highest.accumulateAndGet(time.getAsLong(), Math::max);
    }

    @Override
    public RateLimitDecision apply(RateLimitKey key, CompiledLimit limit, long permits, boolean consume) {
        long now = nanoTime.getAsLong();
        @Nullable Bucket bucket = buckets.get(key);
        while (true) {
            if (bucket == null) {
                bucket = bucketFor(key, limit, now);
            }
            @Nullable RateLimitDecision decision;
            if (bucket instanceof OneBandwidth one) {
                if (one.limit != limit || now - one.base > limit.maxElapsedNanos) {
                    Bucket next = replace(key, one, limit, now);
                    if (next != null) {
                        bucket = next;
                        continue;
                    }
                    decision = null;
                } else {
                    decision = one.decide(permits, consume, now);
                }
            } else {
                decision = ((Locked) bucket).decide(limit, permits, consume, now);
            }
            if (decision != null) {
                return decision;
            }
            bucket = afterRetired(key, bucket);
            // a removed bucket was full at the remover's time, which may be later than ours: a fresh one starts then
            now = Math.max(now, nanoTime.getAsLong());
        }
    }

    /**
     * The bucket to use instead of the retired {@code old}: its successor, or null (start a fresh one) once a removed
     * bucket is out of the map. Waits, spinning, while a replaced bucket's successor is being put in.
     */
    private @Nullable Bucket afterRetired(RateLimitKey key, Bucket old) {
        for (int spins = 1; ; spins++) {
            Bucket current = buckets.get(key);
            if (current != old) {
                return current;
            }
            if (old.removed()) {
                buckets.remove(key, old); // the remover may not have taken it out of the map yet
                return null;
            }
            pause(spins);
        }
    }

    /**
     * Replaces a lock-free bucket by one counted under {@code limit} from {@code now}, carrying its tokens over (a
     * plan change keeps at most what the old plan's state allows; see {@link BucketMath#carryOver}). Returns the
     * successor, or null if another thread retired the bucket first.
     */
    private @Nullable Bucket replace(RateLimitKey key, OneBandwidth old, CompiledLimit limit, long now) {
        long mark;
        do {
            mark = old.fullAt;
            if (mark < 0) {
                return null;
            }
        } while (!FULL_AT.compareAndSet(old, mark, OneBandwidth.REPLACED));
        @Nullable Bucket next = null;
        try {
            long[] units = {old.unitsAt(mark, now)};
            if (old.limit != limit) {
                units = BucketMath.carryOver(old.limit, units, limit);
            }
            next = newBucket(limit, now, units);
        } finally {
            if (next == null || !buckets.replace(key, old, next)) {
                // never leave waiters spinning on a bucket nobody will replace
                buckets.remove(key, old);
                next = null;
            }
        }
        return next;
    }

    /** A bucket counted under {@code limit} from {@code now}, holding {@code units}. */
    private static Bucket newBucket(CompiledLimit limit, long now, long[] units) {
        return limit.single ? new OneBandwidth(limit, now, limit.full[0] - units[0]) : new Locked(limit, now, units);
    }

    /** The bucket of {@code key}, created full if there is none (and then some old ones examined for removal). */
    private Bucket bucketFor(RateLimitKey key, CompiledLimit limit, long now) {
        Bucket fresh = newBucket(limit, now, BucketMath.full(limit));
        Bucket existing = buckets.putIfAbsent(key, fresh);
        if (existing != null) {
            return existing;
        }
        sweepSome(now, SWEEP_PER_INSERT, fresh);
        return fresh;
    }

    /**
     * Examines up to {@code max} entries and removes those that are full by {@code now}, except {@code keep}. A
     * locked bucket whose lock is held is in use, so it is passed over.
     */
    private void sweepSome(long now, int max, @Nullable Bucket keep) {
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
                if (bucket != keep && removeIfFull(bucket, now)) {
                    buckets.remove(entry.getKey(), bucket);
                }
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** Marks {@code bucket} removed if it is full by {@code now} and not in use; returns whether it did. */
    private static boolean removeIfFull(Bucket bucket, long now) {
        if (bucket instanceof OneBandwidth one) {
            long mark = one.fullAt;
            return mark >= 0 && one.unitsAt(mark, now) == one.limit.full[0]
                    && FULL_AT.compareAndSet(one, mark, OneBandwidth.REMOVED);
        }
        Locked locked = (Locked) bucket;
        if (!LOCK.compareAndSet(locked, Locked.FREE, Locked.HELD)) {
            return false;
        }
        boolean full = locked.isFull(now);
        LOCK.setRelease(locked, full ? Locked.REMOVED : Locked.FREE);
        return full;
    }

    /** Spins once while waiting, yielding now and then in case the thread waited for was descheduled. */
    private static void pause(int spins) {
        if (spins % SPINS_PER_YIELD == 0) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    /** Removes every bucket that is full again, then says how many are held (for tests and metrics). */
    public long size() {
        sweepSome(nanoTime.getAsLong(), buckets.size() + 1, null);
        return buckets.size();
    }
}
