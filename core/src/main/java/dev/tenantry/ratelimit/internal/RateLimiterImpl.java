package dev.tenantry.ratelimit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantry.TenantId;
import dev.tenantry.ratelimit.PlanResolver;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The limiter: resolves the plan (cached), checks the request, asks the store. */
public final class RateLimiterImpl implements RateLimiter {

    private final Map<String, CompiledLimit> plans;
    private final PlanResolver resolver;
    private final Clock clock;
    private final Cache<TenantId, String> planOf;
    private final BucketStore store;
    /** The one limit every tenant is on, when the plan does not depend on the tenant; else null. */
    private final @Nullable CompiledLimit fixed;

    /** A resolver that puts every tenant on one plan: no per-call lookup is needed. */
    public record FixedPlan(String plan) implements PlanResolver {
        @Override
        public String planOf(TenantId tenant) {
            return plan;
        }
    }

    /** Built by {@link RateLimiter.Builder}. */
    public RateLimiterImpl(RateLimiter.Settings settings, BucketStore store) {
        this.plans = new java.util.HashMap<>();
        settings.plans().forEach((name, limit) -> this.plans.put(name, new CompiledLimit(limit)));
        this.resolver = settings.planResolver();
        this.clock = settings.clock();
        this.store = store;
        // Maintenance on the calling thread: handing it to the common pool wakes a thread per call at high rates.
        this.planOf = Caffeine.newBuilder().expireAfterWrite(settings.planCache()).maximumSize(100_000)
                .executor(Runnable::run).build();
        this.fixed = resolver instanceof FixedPlan ? this.plans.get(((FixedPlan) resolver).plan()) : null;
    }

    /** Epoch nanoseconds of {@code clock}: comparable across app servers, unlike {@code System.nanoTime}. */
    public static long nanos(Clock clock) {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }

    private CompiledLimit limitOf(TenantId tenant) {
        if (fixed != null) {
            return fixed;
        }
        String plan = planOf.get(tenant, resolver::planOf);
        CompiledLimit limit = plan == null ? null : plans.get(plan);
        if (limit == null) {
            throw new IllegalStateException("tenant '" + tenant + "' is on plan '" + plan + "', which is not "
                    + "configured; configured plans: " + plans.keySet());
        }
        return limit;
    }

    @Override
    public RateLimitDecision tryAcquire(RateLimitKey key, long permits) {
        Objects.requireNonNull(key, "key");
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        CompiledLimit limit = limitOf(key.tenant());
        if (permits > limit.maxPermits) {
            throw new IllegalArgumentException("asked for " + permits + " permits, more than plan '" + limit.name()
                    + "' can ever grant at once (" + limit.maxPermits + ")");
        }
        return store.apply(key, limit, permits, true);
    }

    @Override
    public RateLimitDecision status(RateLimitKey key) {
        Objects.requireNonNull(key, "key");
        return store.apply(key, limitOf(key.tenant()), 1, false);
    }

    @Override
    public java.util.Set<String> plans() {
        return java.util.Set.copyOf(plans.keySet());
    }

    @Override
    public void invalidatePlan(TenantId tenant) {
        planOf.invalidate(Objects.requireNonNull(tenant, "tenant"));
    }
}
