package dev.tenantry.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The answer to a rate-limit check, with what HTTP headers need.
 *
 * @param allowed whether the permits were granted (always false for a status read that found too few)
 * @param limit the capacity of the bandwidth that binds most tightly now
 * @param remaining tokens left in that bandwidth after this decision
 * @param resetAfter time until every bandwidth is full again
 * @param retryAfter when denied, time until the asked permits would be granted; zero when allowed
 * @param policy the policy (plan) name
 * @param bandwidths the bandwidths of the policy
 * @since 0.1
 */
public record RateLimitDecision(boolean allowed, long limit, long remaining, Duration resetAfter, Duration retryAfter,
                                String policy, List<Bandwidth> bandwidths) {

    /** Copies the list. */
    public RateLimitDecision {
        bandwidths = List.copyOf(bandwidths);
    }

    /** {@code retryAfter} in whole seconds, rounded up, as a {@code Retry-After} header carries it. */
    public long retryAfterSeconds() {
        return (retryAfter.toNanos() + 999_999_999L) / 1_000_000_000L;
    }

    /** {@code resetAfter} in whole seconds, rounded up. */
    public long resetAfterSeconds() {
        return (resetAfter.toNanos() + 999_999_999L) / 1_000_000_000L;
    }

    /** The IETF {@code RateLimit-Policy} value: {@code "<policy>";q=<capacity>;w=<seconds>} per bandwidth. */
    public String policyHeader() {
        return bandwidths.stream().map(b -> "\"" + policy + "\";q=" + b.capacity() + ";w="
                + b.policyItem().substring(b.policyItem().indexOf("w=") + 2)).collect(Collectors.joining(", "));
    }

    /** The IETF {@code RateLimit} value: {@code "<policy>";r=<remaining>;t=<seconds until reset>}. */
    public String rateLimitHeader() {
        return "\"" + policy + "\";r=" + remaining + ";t=" + resetAfterSeconds();
    }
}
