package dev.tenantry.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * One token bucket rule: at most {@code capacity} tokens, refilled greedily (continuously) at {@code refillTokens}
 * per {@code period}. A burst limit and a sustained rate are two bandwidths of one {@link RateLimit}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param capacity the most tokens the bucket holds; a full bucket allows a burst this big
 * @param refillTokens tokens added per {@code period}, spread evenly over it
 * @param period the refill period, at least a millisecond
 * @since 0.1
 */
public record Bandwidth(long capacity, long refillTokens, Duration period) {

    /** Largest capacity × period (in ns) accepted, so token arithmetic stays exact in a long. */
    static final long MAX_SCALED = Long.MAX_VALUE / 4;

    /**
     * Validates the bandwidth.
     *
     * @throws IllegalArgumentException if capacity or refill is not positive, the period is shorter than 1 ms, or
     *     capacity × period is too large to count exactly
     */
    public Bandwidth {
        Objects.requireNonNull(period, "period");
        if (capacity < 1) {
            throw new IllegalArgumentException("bandwidth capacity must be at least 1, was " + capacity);
        }
        if (refillTokens < 1) {
            throw new IllegalArgumentException("bandwidth refill must be at least 1 token, was " + refillTokens);
        }
        if (period.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("bandwidth period must be at least 1 ms, was " + period);
        }
        try {
            long unit = tokenUnit(period.toNanos(), refillTokens);
            if (Math.multiplyExact(capacity, unit) > MAX_SCALED) {
                throw new ArithmeticException();
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("bandwidth of " + capacity + " tokens refilled " + refillTokens
                    + " per " + period + " is too fine-grained to count exactly; use a shorter period or round the "
                    + "rate");
        }
    }

    /** {@code capacity} tokens per {@code period}, refilled continuously: the classic rate limit. */
    public static Bandwidth of(long capacity, Duration period) {
        return new Bandwidth(capacity, capacity, period);
    }

    /** A bucket of {@code capacity} refilled at {@code refillTokens} per {@code period}. */
    public static Bandwidth of(long capacity, long refillTokens, Duration period) {
        return new Bandwidth(capacity, refillTokens, period);
    }

    /** The period in nanoseconds. */
    public long periodNanos() {
        return period.toNanos();
    }

    /**
     * How many counting units one token is. Tokens are counted exactly, as integers of units: one token is {@code
     * periodNanos / g} units and {@code refillTokens / g} units arrive per nanosecond, with {@code g = gcd(periodNanos,
     * refillTokens)}.
     */
    public long countingUnit() {
        return tokenUnit(period.toNanos(), refillTokens);
    }

    private static long tokenUnit(long periodNanos, long refillTokens) {
        return periodNanos / gcd(periodNanos, refillTokens);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** {@code capacity;w=<seconds>}, as an IETF {@code RateLimit-Policy} item describes it. */
    public String policyItem() {
        long seconds = Math.max(1, (long) Math.ceil(period.toNanos() * (double) capacity / refillTokens / 1e9));
        return capacity + ";w=" + seconds;
    }
}
