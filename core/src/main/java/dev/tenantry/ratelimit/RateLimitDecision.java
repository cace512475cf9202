package dev.tenantry.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answer to a rate-limit check, with what HTTP headers need.
 *
 * <p>Decisions made by Tenantry's stores compute the figures other than {@link #allowed()} when they are first asked
 * for, so a caller that only checks {@code allowed()} pays for nothing else. Two decisions are equal when every
 * figure, the policy and its bandwidths are. Use {@link #of} to build one (in tests, or for a fallback answer).
 *
 * <p>Immutable and thread-safe: figures computed when asked for are derived from fixed state, never cached in place.
 *
 * @since 0.1
 */
public abstract class RateLimitDecision {

    /** For Tenantry's stores; not meant to be extended by applications. */
    protected RateLimitDecision() {
    }

    /**
     * A decision of the given figures.
     *
     * @param allowed whether the permits were granted
     * @param limit the capacity of the bandwidth that binds most tightly now
     * @param remaining tokens left in that bandwidth after this decision
     * @param resetAfter time until every bandwidth is full again
     * @param retryAfter when denied, time until the asked permits would be granted; zero when allowed
     * @param policy the policy (plan) name
     * @param bandwidths the bandwidths of the policy
     * @return the decision
     */
    public static RateLimitDecision of(boolean allowed, long limit, long remaining, Duration resetAfter,
                                       Duration retryAfter, String policy, List<Bandwidth> bandwidths) {
        return new Fixed(allowed, limit, remaining, resetAfter, retryAfter, policy, bandwidths);
    }

    /** Whether the permits were granted (always false for a status read that found too few). */
    public abstract boolean allowed();

    /** The capacity of the bandwidth that binds most tightly now. */
    public abstract long limit();

    /** Tokens left in that bandwidth after this decision. */
    public abstract long remaining();

    /** Time until every bandwidth is full again. */
    public abstract Duration resetAfter();

    /** When denied, time until the asked permits would be granted; zero when allowed. */
    public abstract Duration retryAfter();

    /** The policy (plan) name. */
    public abstract String policy();

    /** The bandwidths of the policy. */
    public abstract List<Bandwidth> bandwidths();

    /** {@code retryAfter} in whole seconds, rounded up, as a {@code Retry-After} header carries it. */
    public final long retryAfterSeconds() {
        return ceilSeconds(retryAfter());
    }

    /** {@code resetAfter} in whole seconds, rounded up. */
    public final long resetAfterSeconds() {
        return ceilSeconds(resetAfter());
    }

    private static long ceilSeconds(Duration d) {
        return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    }

    /**
     * The index in {@link #bandwidths()} of the bandwidth that binds most tightly now, the one {@link #limit()} and
     * {@link #remaining()} describe. This default finds the first bandwidth of capacity {@link #limit()}.
     */
    protected int bindingBandwidth() {
        List<Bandwidth> bandwidths = bandwidths();
        for (int i = 0; i < bandwidths.size(); i++) {
            if (bandwidths.get(i).capacity() == limit()) {
                return i;
            }
        }
        return 0;
    }

    /** Time until the {@linkplain #bindingBandwidth() binding bandwidth} is full again; this default: all of them. */
    protected Duration bindingResetAfter() {
        return resetAfter();
    }

    /**
     * The policy item name of bandwidth {@code i} in the IETF fields: the policy's name for a one-bandwidth policy,
     * else the name, a dash and the bandwidth's place from 1 ({@code "PRO-1"}, {@code "PRO-2"}), so that each
     * item has its own name and the {@code RateLimit} field can say which it describes.
     */
    private static String itemName(String policy, int i, int count) {
        return count == 1 ? policy : policy + "-" + (i + 1);
    }

    /**
     * The IETF {@code RateLimit-Policy} value: {@code "<item>";q=<capacity>;w=<seconds>} per bandwidth, each item
     * named as {@link #rateLimitHeader()} says. A plan's value never changes, so it is built once per plan (for up to
     * {@value #MAX_CACHED_POLICIES} plans) rather than on every request.
     */
    public final String policyHeader() {
        String policy = policy();
        List<Bandwidth> bandwidths = bandwidths();
        PolicyKey key = new PolicyKey(policy, bandwidths);
        String cached = POLICY_HEADERS.get(key);
        if (cached != null) {
            return cached;
        }
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < bandwidths.size(); i++) {
            String item = bandwidths.get(i).policyItem();
            header.append(i == 0 ? "" : ", ").append('"').append(itemName(policy, i, bandwidths.size()))
                    .append("\";q=").append(bandwidths.get(i).capacity()).append(";w=")
                    .append(item, item.indexOf("w=") + 2, item.length());
        }
        String value = header.toString();
        if (POLICY_HEADERS.size() < MAX_CACHED_POLICIES) {
            POLICY_HEADERS.putIfAbsent(key, value);
        }
        return value;
    }

    private static final int MAX_CACHED_POLICIES = 1024;
    private static final ConcurrentHashMap<PolicyKey, String> POLICY_HEADERS = new ConcurrentHashMap<>();

    private record PolicyKey(String policy, List<Bandwidth> bandwidths) {
    }

    /**
     * The IETF {@code RateLimit} value for the bandwidth that binds most tightly now: {@code
     * "<item>";r=<remaining>;t=<}{@link #bindingResetSeconds()}{@code >}. The item is named after the policy, with
     * {@code -1}, {@code -2}... after it when the policy has several bandwidths, as in {@link #policyHeader()}.
     */
    public final String rateLimitHeader() {
        return "\"" + bindingName() + "\";r=" + remaining() + ";t=" + bindingResetSeconds();
    }

    /**
     * The name of the {@code RateLimit-Policy} item that binds most tightly now: the one {@link #limit()}, {@link
     * #remaining()} and {@link #rateLimitHeader()} describe. When the decision refused, that is the bandwidth whose
     * wait {@link #retryAfter()} is.
     *
     * @since 0.1
     */
    public final String bindingName() {
        return itemName(policy(), bindingBandwidth(), bandwidths().size());
    }

    /**
     * The {@code t} of {@link #rateLimitHeader()}, in whole seconds rounded up: when allowed, the time until the
     * binding bandwidth is full again; when refused, the time until it grants what was asked, which is {@link
     * #retryAfterSeconds()} (at least 1), so the {@code RateLimit} field and {@code Retry-After} say the same.
     *
     * @since 0.1
     */
    public final long bindingResetSeconds() {
        return allowed() ? ceilSeconds(bindingResetAfter()) : Math.max(1, retryAfterSeconds());
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof RateLimitDecision d && allowed() == d.allowed() && limit() == d.limit()
                && remaining() == d.remaining() && resetAfter().equals(d.resetAfter())
                && retryAfter().equals(d.retryAfter()) && policy().equals(d.policy())
                && bandwidths().equals(d.bandwidths());
    }

    @Override
    public final int hashCode() {
        return Objects.hash(allowed(), limit(), remaining(), resetAfter(), retryAfter(), policy(), bandwidths());
    }

    @Override
    public final String toString() {
        return "RateLimitDecision[allowed=" + allowed() + ", limit=" + limit() + ", remaining=" + remaining()
                + ", resetAfter=" + resetAfter() + ", retryAfter=" + retryAfter() + ", policy=" + policy() + "]";
    }

    /** A decision of figures given up front. */
    private static final class Fixed extends RateLimitDecision {
        private final boolean allowed;
        private final long limit;
        private final long remaining;
        private final Duration resetAfter;
        private final Duration retryAfter;
        private final String policy;
        private final List<Bandwidth> bandwidths;

        Fixed(boolean allowed, long limit, long remaining, Duration resetAfter, Duration retryAfter, String policy,
              List<Bandwidth> bandwidths) {
            this.allowed = allowed;
            this.limit = limit;
            this.remaining = remaining;
            this.resetAfter = Objects.requireNonNull(resetAfter, "resetAfter");
            this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
            this.policy = Objects.requireNonNull(policy, "policy");
            this.bandwidths = List.copyOf(bandwidths);
        }

        @Override
        public boolean allowed() {
            return allowed;
        }

        @Override
        public long limit() {
            return limit;
        }

        @Override
        public long remaining() {
            return remaining;
        }

        @Override
        public Duration resetAfter() {
            return resetAfter;
        }

        @Override
        public Duration retryAfter() {
            return retryAfter;
        }

        @Override
        public String policy() {
            return policy;
        }

        @Override
        public List<Bandwidth> bandwidths() {
            return bandwidths;
        }
    }
}
