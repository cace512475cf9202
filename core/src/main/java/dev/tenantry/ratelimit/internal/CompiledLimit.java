package dev.tenantry.ratelimit.internal;

import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimit;

/**
 * A {@link RateLimit} prepared for exact counting, once: per bandwidth, the counting units of one token, the units
 * that arrive per nanosecond, and the units of a full bucket. For a bandwidth of {@code r} tokens per {@code p} ns,
 * one token is {@code p / gcd(p, r)} units and {@code r / gcd(p, r)} units arrive per ns, so every refill is an
 * integer and none drifts.
 */
public final class CompiledLimit {

    final RateLimit limit;
    final long[] unit;
    final long[] perNano;
    final long[] full;
    /** Tokens of a full bucket, per bandwidth. */
    final long[] capacity;
    /** Nanoseconds from empty to full, per bandwidth: a longer idle refills all, a shorter one cannot overflow. */
    final long[] fillNanos;
    final long fullFromEmptyNanos;
    /** Whether there is one bandwidth, the common case that {@link LocalStore} counts lock-free in one long. */
    final boolean single;
    /**
     * For one bandwidth, the nanoseconds a {@link LocalStore} bucket may count from its base before it is rebased:
     * their refill, at most {@value #MAX_ELAPSED_UNITS} units, plus a full bucket stays far inside a long.
     */
    final long maxElapsedNanos;
    /** The most permits one request may ask for: the smallest capacity. */
    final long maxPermits;

    /** The most refill units a lock-free bucket counts from its base (2^61). */
    static final long MAX_ELAPSED_UNITS = 1L << 61;

    /** Prepares {@code limit}. */
    public CompiledLimit(RateLimit limit) {
        this.limit = limit;
        int n = limit.bandwidths().size();
        unit = new long[n];
        perNano = new long[n];
        full = new long[n];
        capacity = new long[n];
        fillNanos = new long[n];
        single = n == 1;
        long slowest = 0;
        for (int i = 0; i < n; i++) {
            Bandwidth b = limit.bandwidths().get(i);
            unit[i] = b.countingUnit();
            perNano[i] = b.refillTokens() / (b.periodNanos() / unit[i]);
            full[i] = b.capacity() * unit[i];
            capacity[i] = b.capacity();
            fillNanos[i] = BucketMath.ceilDiv(full[i], perNano[i]);
            slowest = Math.max(slowest, fillNanos[i]);
        }
        fullFromEmptyNanos = slowest;
        maxElapsedNanos = MAX_ELAPSED_UNITS / perNano[0];
        maxPermits = limit.maxPermits();
    }

    /** The limit. */
    public RateLimit limit() {
        return limit;
    }

    /** The counting-unit size of each bandwidth, as stored with a bucket so it can be read after a change. */
    long[] unitSizes() {
        return unit.clone();
    }

    /** Units refilled per nanosecond, per bandwidth (stored with a bucket, like the sizes). */
    long[] rates() {
        return perNano.clone();
    }

    /** Units of a full bucket, per bandwidth (stored with a bucket, like the sizes). */
    long[] fullUnits() {
        return full.clone();
    }

    /**
     * Whether a bucket stored under {@code name} with these unit sizes, rates and full sizes is counted exactly as
     * this limit counts (a plan reconfigured under the same name is not).
     */
    boolean sameCounting(String name, long[] unitSizes, long[] rates, long[] fullUnits) {
        return name.equals(limit.name()) && java.util.Arrays.equals(unit, unitSizes)
                && java.util.Arrays.equals(perNano, rates) && java.util.Arrays.equals(full, fullUnits);
    }

    /** The policy name. */
    public String name() {
        return limit.name();
    }
}
