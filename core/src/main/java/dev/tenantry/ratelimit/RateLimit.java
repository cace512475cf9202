package dev.tenantry.ratelimit;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named set of bandwidths applied together: a request passes only if every bandwidth has the tokens. The name is
 * the policy name decisions and headers carry (usually the plan's: FREE, PRO, ENTERPRISE).
 *
 * @param name the policy name: letters, digits, {@code _ - .}, 1-64 characters
 * @param bandwidths one or more bandwidths
 * @since 0.1
 */
public record RateLimit(String name, List<Bandwidth> bandwidths) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * Validates the limit.
     *
     * @throws IllegalArgumentException if the name breaks its rule or there are no bandwidths
     */
    public RateLimit {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rate limit name must be 1-64 letters, digits, '_', '-' or '.', was '"
                    + name + "'");
        }
        Objects.requireNonNull(bandwidths, "bandwidths");
        if (bandwidths.isEmpty()) {
            throw new IllegalArgumentException("rate limit '" + name + "' needs at least one bandwidth");
        }
        bandwidths = List.copyOf(bandwidths);
    }

    /** A limit of the given bandwidths. */
    public static RateLimit of(String name, Bandwidth... bandwidths) {
        return new RateLimit(name, List.of(bandwidths));
    }

    /** The smallest capacity: the most permits one call may ask for. */
    public long maxPermits() {
        long min = Long.MAX_VALUE;
        for (Bandwidth b : bandwidths) {
            min = Math.min(min, b.capacity());
        }
        return min;
    }
}
