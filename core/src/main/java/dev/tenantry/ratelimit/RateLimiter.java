package dev.tenantry.ratelimit;

import dev.tenantry.TenantId;
import dev.tenantry.internal.Arguments;
import dev.tenantry.ratelimit.internal.LocalStore;
import dev.tenantry.ratelimit.internal.MongoStore;
import dev.tenantry.ratelimit.internal.RateLimiterImpl;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Token-bucket rate limiting by plan: each tenant's plan names a {@link RateLimit} (one or more bandwidths), and each
 * {@link RateLimitKey} gets its own bucket under that limit.
 *
 * <p>Time comes from the injected clock. Thread-safe; racing decisions for one key are counted one after another,
 * never granting a token twice.
 *
 * @since 0.1
 */
public interface RateLimiter {

    /** Starts building a limiter. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Takes {@code permits} from the key's bucket if every bandwidth has them.
     *
     * @return the decision, allowed or not, with what rate-limit headers need
     * @throws IllegalArgumentException if {@code permits} is below 1 or above the plan's smallest capacity
     * @throws IllegalStateException if the tenant's plan is not configured
     */
    RateLimitDecision tryAcquire(RateLimitKey key, long permits);

    /** Takes one permit; see {@link #tryAcquire(RateLimitKey, long)}. */
    default RateLimitDecision tryAcquire(RateLimitKey key) {
        return tryAcquire(key, 1);
    }

    /**
     * The key's state without taking anything; {@code allowed} says whether one permit would be granted now.
     *
     * @throws IllegalStateException if the tenant's plan is not configured
     */
    RateLimitDecision status(RateLimitKey key);

    /** Forgets the cached plan of {@code tenant}, so its next decision uses its current plan. */
    void invalidatePlan(TenantId tenant);

    /** The names of the plans this limiter knows; a tenant on any other plan cannot be decided for. */
    Set<String> plans();

    /**
     * Builds a {@link RateLimiter}. Setters validate at once; {@link #build()} checks the combination.
     *
     * <p>Not thread-safe: configure a builder on one thread, then build.
     */
    final class Builder {
        /** How long a resolved plan is trusted before it is resolved again, unless invalidated sooner. */
        public static final Duration DEFAULT_PLAN_CACHE = Duration.ofMinutes(1);

        private final Map<String, RateLimit> plans = new LinkedHashMap<>();
        private @Nullable PlanResolver resolver;
        private Clock clock = Clock.systemUTC();
        private boolean clockSet;
        private Duration planCache = DEFAULT_PLAN_CACHE;
        private java.util.function.Function<Builder, dev.tenantry.ratelimit.internal.BucketStore> store =
                Builder::inProcessStore;

        private Builder() {
        }

        /**
         * Defines plan {@code name} as the given bandwidths.
         *
         * @throws NullPointerException if the name or a bandwidth is null (the message says which)
         * @throws IllegalArgumentException if the name breaks its rule, the plan is already defined or has no
         *     bandwidths
         */
        public Builder plan(String name, Bandwidth... bandwidths) {
            RateLimit limit = RateLimit.of(name, bandwidths);
            if (plans.putIfAbsent(name, limit) != null) {
                throw new IllegalArgumentException("plan '" + name + "' is already defined");
            }
            return this;
        }

        /**
         * Every tenant is on plan {@code name} (a single-plan application); {@link #build()} checks it is defined.
         */
        public Builder everyTenantOn(String name) {
            Objects.requireNonNull(name, "plan name");
            return planResolver(new RateLimiterImpl.FixedPlan(name));
        }

        /** How tenants map to plans. */
        public Builder planResolver(PlanResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * How long a resolved plan is cached (default one minute; invalidation is immediate).
         *
         * @throws IllegalArgumentException if negative or longer than 100 years
         */
        public Builder planCache(Duration ttl) {
            this.planCache = Arguments.notNegative("plan cache time", ttl);
            return this;
        }

        /** The clock decisions are made with (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.clockSet = true;
            return this;
        }

        /** Keeps buckets in process (the default): fast, but each app instance limits on its own. */
        public Builder inProcess() {
            this.store = Builder::inProcessStore;
            return this;
        }

        private static dev.tenantry.ratelimit.internal.BucketStore inProcessStore(Builder b) {
            // In process, no other server reads the time: the monotonic System.nanoTime serves unless a clock was set,
            // and a clock that was set is kept from going backwards.
            return new LocalStore(b.clockSet ? LocalStore.monotonic(() -> RateLimiterImpl.nanos(b.clock))
                    : System::nanoTime);
        }

        /**
         * Shares buckets between app instances through {@code collection} in {@code database}: every instance enforces
         * one limit. When MongoDB cannot answer within {@code timeout}, {@code failPolicy} decides.
         *
         * <p>A decision never takes longer than {@code timeout} (plus its local work): every round trip is bounded by
         * what is left of it, and no lock is held across one.
         *
         * @throws IllegalArgumentException if the collection name is not 1-64 letters, digits, '_' or '-' starting
         *     with a letter or '_', or the timeout is shorter than 1 ms or longer than 100 years
         */
        public Builder shared(com.mongodb.client.MongoDatabase database, String collection, FailPolicy failPolicy,
                              Duration timeout) {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(failPolicy, "failPolicy");
            return shared(database, collection, failPolicy, timeout, MongoStore.Mode.DETECT);
        }

        /** As {@link #shared(com.mongodb.client.MongoDatabase, String, FailPolicy, Duration)}, in a given mode. */
        Builder shared(com.mongodb.client.MongoDatabase database, String collection, FailPolicy failPolicy,
                       Duration timeout, MongoStore.Mode mode) {
            Arguments.name("rate-limit collection name", collection);
            Arguments.atLeast("shared store timeout", timeout, Duration.ofMillis(1));
            this.store = b -> new MongoStore(database, collection, failPolicy, timeout,
                    () -> RateLimiterImpl.nanos(b.clock), mode);
            return this;
        }

        /** Shares buckets through {@value #DEFAULT_COLLECTION}, failing closed after 500 ms. */
        public Builder shared(com.mongodb.client.MongoDatabase database) {
            return shared(database, DEFAULT_COLLECTION, FailPolicy.CLOSED, Duration.ofMillis(500));
        }

        /** The collection shared buckets live in unless named otherwise. */
        public static final String DEFAULT_COLLECTION = "RateLimitBuckets";

        /**
         * The settings this builder holds, checked as a whole; {@link #build()} builds the limiter from exactly these
         * (and the bucket store chosen with {@link #inProcess()} or {@link #shared}).
         *
         * @throws IllegalStateException if no plan or no resolver is configured, or {@link #everyTenantOn} names a plan
         *     that is not defined
         */
        public Settings settings() {
            if (plans.isEmpty()) {
                throw new IllegalStateException("define at least one plan with plan(name, bandwidths...)");
            }
            PlanResolver resolver = this.resolver;
            if (resolver == null) {
                throw new IllegalStateException("say how tenants map to plans: planResolver(...) or everyTenantOn(plan)");
            }
            if (resolver instanceof RateLimiterImpl.FixedPlan fixed && !plans.containsKey(fixed.plan())) {
                throw new IllegalStateException("everyTenantOn('" + fixed.plan() + "') names a plan that is not "
                        + "defined; defined plans: " + plans.keySet());
            }
            return new Settings(Map.copyOf(plans), resolver, clock, planCache);
        }

        /**
         * Builds the limiter from its {@linkplain #settings() settings} and bucket store.
         *
         * @throws IllegalStateException if no plan or no resolver is configured, or {@link #everyTenantOn} names a plan
         *     that is not defined
         */
        public RateLimiter build() {
            return new RateLimiterImpl(settings(), store.apply(this));
        }
    }

    /**
     * The settings of a {@link RateLimiter}, as its {@link Builder} validated them; the limiter is built from one of
     * these whole, with the bucket store the builder chose.
     *
     * <p>Immutable and thread-safe (the resolver and clock are the application's own objects).
     *
     * @since 0.1
     */
    final class Settings {
        private final Map<String, RateLimit> plans;
        private final PlanResolver planResolver;
        private final Clock clock;
        private final Duration planCache;

        private Settings(Map<String, RateLimit> plans, PlanResolver planResolver, Clock clock, Duration planCache) {
            this.plans = plans;
            this.planResolver = planResolver;
            this.clock = clock;
            this.planCache = planCache;
        }

        /** The plans by name. */
        public Map<String, RateLimit> plans() {
            return plans;
        }

        /** How tenants map to plans. */
        public PlanResolver planResolver() {
            return planResolver;
        }

        /** The clock decisions are made with. */
        public Clock clock() {
            return clock;
        }

        /** How long a resolved plan is cached. */
        public Duration planCache() {
            return planCache;
        }
    }
}
