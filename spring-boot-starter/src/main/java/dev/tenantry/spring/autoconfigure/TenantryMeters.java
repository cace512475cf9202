package dev.tenantry.spring.autoconfigure;

import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditStats;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Tenantry's Micrometer meters. None is tagged by tenant: tenants are unbounded, series must not be. Stateless but
 * for the meters it caches; thread-safe.
 */
final class TenantryMeters {

    private TenantryMeters() {
    }

    /**
     * The audit trail's counters: {@code tenantry.audit.queued} (gauge), {@code tenantry.audit.written}, {@code
     * .failed} (write attempts), {@code .dropped} and {@code .dead.lettered} (function counters).
     */
    static MeterBinder audit(AuditTrail trail) {
        return registry -> {
            Gauge.builder("tenantry.audit.queued", trail, t -> t.stats().queued())
                    .description("audit entries waiting in the asynchronous queue").register(registry);
            counter(registry, trail, "tenantry.audit.written", "audit entries written", s -> s.written());
            counter(registry, trail, "tenantry.audit.failed", "audit write attempts that failed (retried)",
                    s -> s.failedAttempts());
            counter(registry, trail, "tenantry.audit.dropped", "audit entries dropped by the overflow policy",
                    s -> s.dropped());
            counter(registry, trail, "tenantry.audit.dead.lettered",
                    "audit entries that could not be written and were moved to the dead-letter place",
                    s -> s.deadLettered());
        };
    }

    private static void counter(MeterRegistry registry, AuditTrail trail, String name, String description,
                                ToDoubleFunction<AuditStats> value) {
        FunctionCounter.builder(name, trail, t -> value.applyAsDouble(t.stats())).description(description)
                .register(registry);
    }

    /** {@code limiter}, counting each decision in {@code tenantry.ratelimit.decisions} by plan and outcome. */
    static RateLimiter metered(RateLimiter limiter, ObjectProvider<MeterRegistry> registry) {
        return new Metered(limiter, registry);
    }

    /** A limiter that counts its decisions; the registry is looked up at the first one. */
    private static final class Metered implements RateLimiter {
        private final RateLimiter delegate;
        private final ObjectProvider<MeterRegistry> registry;
        private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

        Metered(RateLimiter delegate, ObjectProvider<MeterRegistry> registry) {
            this.delegate = delegate;
            this.registry = registry;
        }

        @Override
        public RateLimitDecision tryAcquire(RateLimitKey key, long permits) {
            RateLimitDecision decision = delegate.tryAcquire(key, permits);
            String outcome = decision.allowed() ? "allowed" : "refused";
            Counter counter = counters.computeIfAbsent(decision.policy() + '\0' + outcome, k -> {
                MeterRegistry meters = registry.getIfAvailable();
                return meters == null ? null : Counter.builder("tenantry.ratelimit.decisions")
                        .description("rate-limit decisions").tag("plan", decision.policy()).tag("outcome", outcome)
                        .register(meters);
            });
            if (counter != null) {
                counter.increment();
            }
            return decision;
        }

        @Override
        public RateLimitDecision status(RateLimitKey key) {
            return delegate.status(key);
        }

        @Override
        public void invalidatePlan(TenantId tenant) {
            delegate.invalidatePlan(tenant);
        }

        @Override
        public Set<String> plans() {
            return delegate.plans();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
