package dev.tenantry.ratelimit.internal;

import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimitDecision;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A decision over a bucket's units as they stood when it was made. Only {@link #allowed()} is known up front; the
 * figures for headers are computed when asked for, so a caller that only checks {@code allowed()} pays no division.
 * The units are never changed after the decision is built.
 */
final class Decision extends RateLimitDecision {

    private final CompiledLimit limit;
    private final long u0;
    /** Every bandwidth's units, or null when there is one bandwidth (then {@link #u0} holds it). */
    private final long @Nullable [] units;
    private final long permits;
    private final boolean allowed;

    Decision(CompiledLimit limit, long u0, long @Nullable [] units, long permits, boolean allowed) {
        this.limit = limit;
        this.u0 = u0;
        this.units = units;
        this.permits = permits;
        this.allowed = allowed;
    }

    /** A decision over {@code units}, which the caller hands over and no longer changes. */
    static Decision of(CompiledLimit limit, long[] units, long permits, boolean allowed) {
        return new Decision(limit, units[0], units.length == 1 ? null : units, permits, allowed);
    }

    private long units(int i) {
        return units == null ? u0 : units[i];
    }

    private int bandwidthCount() {
        return units == null ? 1 : units.length;
    }

    @Override
    protected int bindingBandwidth() {
        return binding();
    }

    @Override
    protected Duration bindingResetAfter() {
        int i = binding();
        return Duration.ofNanos(BucketMath.ceilDiv(limit.full[i] - units(i), limit.perNano[i]));
    }

    /**
     * The bandwidth that binds: when refused, the one that makes the caller wait longest for the permits (so {@link
     * #retryAfter()} is its wait); otherwise the one with the fewest whole tokens left; of equals, the smallest
     * capacity.
     */
    private int binding() {
        if (!allowed && bandwidthCount() > 1) {
            int longest = 0;
            long wait = -1;
            for (int i = 0; i < bandwidthCount(); i++) {
                long nanos = BucketMath.ceilDiv(permits * limit.unit[i] - units(i), limit.perNano[i]);
                if (nanos > wait || nanos == wait && limit.capacity[i] < limit.capacity[longest]) {
                    wait = nanos;
                    longest = i;
                }
            }
            return longest;
        }
        int binding = 0;
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < bandwidthCount(); i++) {
            long tokens = units(i) / limit.unit[i];
            if (tokens < fewest || tokens == fewest && limit.capacity[i] < limit.capacity[binding]) {
                fewest = tokens;
                binding = i;
            }
        }
        return binding;
    }

    @Override
    public boolean allowed() {
        return allowed;
    }

    @Override
    public long limit() {
        return limit.capacity[binding()];
    }

    @Override
    public long remaining() {
        int i = binding();
        return units(i) / limit.unit[i];
    }

    @Override
    public Duration resetAfter() {
        long nanos = 0;
        for (int i = 0; i < bandwidthCount(); i++) {
            nanos = Math.max(nanos, BucketMath.ceilDiv(limit.full[i] - units(i), limit.perNano[i]));
        }
        return Duration.ofNanos(nanos);
    }

    @Override
    public Duration retryAfter() {
        if (allowed) {
            return Duration.ZERO;
        }
        long nanos = 0;
        for (int i = 0; i < bandwidthCount(); i++) {
            nanos = Math.max(nanos, BucketMath.ceilDiv(permits * limit.unit[i] - units(i), limit.perNano[i]));
        }
        return Duration.ofNanos(nanos);
    }

    @Override
    public String policy() {
        return limit.name();
    }

    @Override
    public List<Bandwidth> bandwidths() {
        return limit.limit().bandwidths();
    }
}
