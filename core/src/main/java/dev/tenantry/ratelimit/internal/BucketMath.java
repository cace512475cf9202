package dev.tenantry.ratelimit.internal;

import dev.tenantry.ratelimit.RateLimitDecision;

/**
 * Exact token-bucket arithmetic over a {@link CompiledLimit}: tokens are integers of counting units, refills are
 * {@code elapsedNanos × unitsPerNano}, all in longs whose range {@link dev.tenantry.ratelimit.Bandwidth} validation
 * guarantees. No floating point, no drift, however often or seldom a bucket is touched.
 */
public final class BucketMath {

    private BucketMath() {
    }

    /** The units of a full bucket, per bandwidth. */
    public static long[] full(CompiledLimit limit) {
        return limit.full.clone();
    }

    /** Adds what {@code elapsedNanos} refills, up to capacity; a clock that went backwards refills nothing. */
    public static void refill(CompiledLimit limit, long[] units, long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return;
        }
        for (int i = 0; i < units.length; i++) {
            // below fillNanos, elapsed × perNano is under a full bucket: no overflow, and no division needed
            units[i] = elapsedNanos >= limit.fillNanos[i] ? limit.full[i]
                    : Math.min(limit.full[i], units[i] + elapsedNanos * limit.perNano[i]);
        }
    }

    /** As {@link #refill(CompiledLimit, long[], long)}, for buckets counted with the given full sizes and rates. */
    public static void refill(long[] full, long[] perNano, long[] units, long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return;
        }
        for (int i = 0; i < units.length; i++) {
            long deficit = full[i] - units[i];
            if (deficit <= 0) {
                continue;
            }
            long needed = ceilDiv(deficit, perNano[i]);
            // elapsed < needed keeps elapsed × perNano below the deficit: no overflow
            units[i] = elapsedNanos >= needed ? full[i] : units[i] + elapsedNanos * perNano[i];
        }
    }

    /** Whether every bandwidth holds {@code permits} tokens. */
    public static boolean canTake(CompiledLimit limit, long[] units, long permits) {
        for (int i = 0; i < units.length; i++) {
            if (units[i] < permits * limit.unit[i]) {
                return false;
            }
        }
        return true;
    }

    /** Takes {@code permits} from every bandwidth; call only after {@link #canTake}. */
    public static void take(CompiledLimit limit, long[] units, long permits) {
        for (int i = 0; i < units.length; i++) {
            units[i] -= permits * limit.unit[i];
        }
    }

    /**
     * The state carried into another limit (a plan change): the tokens left under the old limit's tightest
     * bandwidth, capped at each new bandwidth's capacity, so changing plans never hands out a fresh burst.
     */
    public static long[] carryOver(CompiledLimit from, long[] units, CompiledLimit to) {
        return carryOver(from.unit, units, to);
    }

    /** As {@link #carryOver(CompiledLimit, long[], CompiledLimit)}, from units of the given sizes. */
    public static long[] carryOver(long[] fromUnitSizes, long[] units, CompiledLimit to) {
        long left = Long.MAX_VALUE;
        for (int i = 0; i < units.length && i < fromUnitSizes.length; i++) {
            left = Math.min(left, units[i] / fromUnitSizes[i]);
        }
        if (left == Long.MAX_VALUE) {
            left = 0;
        }
        long[] out = new long[to.full.length];
        for (int i = 0; i < out.length; i++) {
            // capped in tokens first: a plan of huge capacity would overflow left × unit
            out[i] = Math.min(left, to.capacity[i]) * to.unit[i];
        }
        return out;
    }

    /**
     * The decision for {@code units}, after {@code permits} were taken ({@code allowed}) or refused. The decision keeps
     * the array: the caller must not change it afterwards.
     */
    public static RateLimitDecision decide(CompiledLimit limit, long[] units, long permits, boolean allowed) {
        return Decision.of(limit, units, permits, allowed);
    }

    static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
