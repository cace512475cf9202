package dev.tenantry.spring.autoconfigure;

import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditStats;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExport;
import dev.tenantry.export.DataExports;
import dev.tenantry.ExportFormat;
import dev.tenantry.export.ExportScope;
import dev.tenantry.export.ExportSink;
import dev.tenantry.export.ExportStatus;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
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

    /** Counts the directory's purges in {@code tenantry.directory.purges}. */
    static MeterBinder purges(TenantDirectory directory) {
        return registry -> {
            Counter purges = Counter.builder("tenantry.directory.purges")
                    .description("tenants whose data the directory purged").register(registry);
            directory.addChangeListener((before, after) -> {
                if (before != null && after == null) {
                    purges.increment();
                }
            });
        };
    }

    /**
     * {@code exports}, counting each run in {@code tenantry.exports.runs} by the status it ended in (a run that throws
     * as {@code FAILED}).
     */
    static DataExports metered(DataExports exports, ObjectProvider<MeterRegistry> registry) {
        return new MeteredExports(exports, registry);
    }

    /** Exports that count their runs; the registry is looked up at the first one. */
    private static final class MeteredExports implements DataExports {
        private final DataExports delegate;
        private final ObjectProvider<MeterRegistry> registry;

        MeteredExports(DataExports delegate, ObjectProvider<MeterRegistry> registry) {
            this.delegate = delegate;
            this.registry = registry;
        }

        private void count(ExportStatus status) {
            MeterRegistry meters = registry.getIfAvailable();
            if (meters != null) {
                meters.counter("tenantry.exports.runs", "status", status.name()).increment();
            }
        }

        @Override
        public DataExport request(ExportScope scope, ExportFormat format, String requestedBy) {
            return delegate.request(scope, format, requestedBy);
        }

        @Override
        public DataExport run(String exportId, ExportSink sink) {
            DataExport done;
            try {
                done = delegate.run(exportId, sink);
            } catch (RuntimeException e) {
                count(ExportStatus.FAILED);
                throw e;
            }
            count(done.status());
            return done;
        }

        @Override
        public Optional<DataExport> find(String exportId) {
            return delegate.find(exportId);
        }

        @Override
        public List<DataExport> history(int limit) {
            return delegate.history(limit);
        }

        @Override
        public List<DataExport> history(String requestedBy, int limit) {
            return delegate.history(requestedBy, limit);
        }

        @Override
        public void download(String exportId, OutputStream out) {
            delegate.download(exportId, out);
        }

        @Override
        public int expireDue() {
            return delegate.expireDue();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
