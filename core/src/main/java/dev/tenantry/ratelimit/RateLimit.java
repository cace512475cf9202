package dev.tenantry.ratelimit;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named set of bandwidths applied together: a request passes only if every bandwidth has the tokens. The name is
 * the policy name decisions and headers carry (usually the plan's: FREE, PRO, ENTERPRISE).
 *
 * <p>Immutable and thread-safe.
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
     * @throws NullPointerException if the name, the list or one of its bandwidths is null (the message says which)
     * @throws IllegalArgumentException if the name breaks its rule or there are no bandwidths
     */
    public RateLimit {
        Objects.requireNonNull(name, "rate limit name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rate limit name must be 1-64 letters, digits, '_', '-' or '.', was '"
                    + name + "'");
        }
        Objects.requireNonNull(bandwidths, "bandwidths of rate limit '" + name + "'");
        if (bandwidths.isEmpty()) {
            throw new IllegalArgumentException("rate limit '" + name + "' needs at least one bandwidth");
        }
        for (int i = 0; i < bandwidths.size(); i++) {
            if (bandwidths.get(i) == null) {
                throw new NullPointerException("bandwidth " + (i + 1) + " of " + bandwidths.size()
                        + " of rate limit '" + name + "' is null");
            }
        }
        bandwidths = List.copyOf(bandwidths);
    }

    /**
     * A limit of the given bandwidths.
     *
     * @throws NullPointerException if the name, the array or one of its bandwidths is null
     * @throws IllegalArgumentException if the name breaks its rule or there are no bandwidths
     */
    public static RateLimit of(String name, Bandwidth... bandwidths) {
        Objects.requireNonNull(bandwidths, "bandwidths of rate limit '" + name + "'");
        return new RateLimit(name, java.util.Arrays.asList(bandwidths));
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
