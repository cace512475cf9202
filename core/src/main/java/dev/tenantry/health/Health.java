package dev.tenantry.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry of named health checks, in two groups: <em>liveness</em> (the process itself; must not depend on MongoDB
 * or anything else outside, or an outage would get every instance restarted) and <em>readiness</em> (the external
 * systems the application needs to serve traffic, such as MongoDB).
 *
 * <pre>{@code
 * Health health = Health.builder()
 *         .liveness("process", CheckResult::healthy)
 *         .readiness("mongodb", HealthChecks.mongoPing(database))
 *         .readiness("audit", HealthChecks.auditTrail(auditTrail, 10_000))
 *         .build();
 * HealthReport ready = health.readiness();   // ready.httpStatus() is 200, or 503 when unhealthy
 * }</pre>
 *
 * <p>Each call runs its group's checks in parallel on a small pool of daemon threads ({@code tenantry-health-N}) and
 * rolls their statuses up to the worst. A check that throws is {@link HealthStatus#UNHEALTHY} with the exception's
 * message. A check that does not answer within its timeout is unhealthy ("timed out after ...") and is interrupted;
 * the call returns on time either way. While a check's earlier run is still going (it ignored the interrupt), it is
 * not started again but reported unhealthy ("still running from an earlier call"), so a hung dependency never ties
 * up more than one thread per check however often health is polled.
 *
 * <p>Thread-safe. Close it to stop the pool.
 *
 * @since 0.1
 */
public final class Health implements AutoCloseable {

    /** How long a check may take unless {@link Builder#timeout} or its registration says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(Health.class);
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final List<Entry> liveness;
    private final List<Entry> readiness;
    private final List<Entry> all;
    private final Clock clock;
    private final ThreadPoolExecutor pool;

    private Health(Builder builder) {
        List<Entry> live = new ArrayList<>();
        List<Entry> ready = new ArrayList<>();
        List<Entry> every = new ArrayList<>();
        for (Registration r : builder.registrations.values()) {
            Entry entry = new Entry(r.name, r.check, r.timeout != null ? r.timeout : builder.timeout);
            (r.liveness ? live : ready).add(entry);
            every.add(entry);
        }
        this.liveness = List.copyOf(live);
        this.readiness = List.copyOf(ready);
        this.all = List.copyOf(every);
        this.clock = builder.clock;
        // One thread per check at most: a check never runs twice at once, so no task waits behind another.
        int threads = Math.max(1, all.size());
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tenantry-health-" + THREAD_NUMBER.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Starts building a registry. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the liveness checks: healthy when there are none.
     *
     * @throws IllegalStateException if this registry is closed
     */
    public HealthReport liveness() {
        return run(liveness);
    }

    /**
     * Runs the readiness checks: healthy when there are none.
     *
     * @throws IllegalStateException if this registry is closed
     */
    public HealthReport readiness() {
        return run(readiness);
    }

    /**
     * Runs every check, liveness and readiness.
     *
     * @throws IllegalStateException if this registry is closed
     */
    public HealthReport report() {
        return run(all);
    }

    /** Stops the pool, interrupting checks still running. Later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    private HealthReport run(List<Entry> entries) {
        if (pool.isShutdown()) {
            throw new IllegalStateException("health registry is closed");
        }
        Instant checkedAt = clock.instant();
        List<Pending> pending = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            pending.add(entry.start(pool));
        }
        Map<String, CheckReport> checks = new LinkedHashMap<>();
        HealthStatus status = HealthStatus.HEALTHY;
        for (Pending p : pending) {
            CheckReport report = p.await();
            p.entry.observe(report);
            checks.put(p.entry.name, report);
            status = status.worse(report.status());
        }
        return new HealthReport(status, checkedAt, checks);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static CheckReport unhealthy(String message, long durationMillis, Map<String, Object> detail) {
        return new CheckReport(HealthStatus.UNHEALTHY, message, durationMillis, detail);
    }

    private static CheckReport failed(Throwable e, long durationMillis) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        return unhealthy(message, durationMillis, Map.of("error", e.getClass().getName()));
    }

    /** A registered check with its run state. */
    private static final class Entry {
        final String name;
        final HealthCheck check;
        final Duration timeout;
        /** The run of this check that occupies a pool thread (or waits for one), even after it was cancelled. */
        final AtomicReference<@Nullable Task> running = new AtomicReference<>();
        final AtomicReference<@Nullable HealthStatus> last = new AtomicReference<>();

        Entry(String name, HealthCheck check, Duration timeout) {
            this.name = name;
            this.check = check;
            this.timeout = timeout;
        }

        Pending start(ThreadPoolExecutor pool) {
            Task task = new Task(this);
            if (!running.compareAndSet(null, task)) {
                Task earlier = running.get();
                long since = earlier != null ? millisSince(earlier.submittedNanos) : 0;
                return new Pending(this, unhealthy("still running from an earlier call", 0,
                        Map.of("runningForMillis", since)));
            }
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                running.compareAndSet(task, null);
                throw new IllegalStateException("health registry is closed", e);
            }
            return new Pending(this, task, task.submittedNanos + timeout.toNanos());
        }

        CheckReport invoke() {
            long started = System.nanoTime();
            CheckResult result;
            try {
                result = check.check();
                if (result == null) {
                    return unhealthy("the check returned no result", millisSince(started), Map.of());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unhealthy("interrupted", millisSince(started), Map.of());
            } catch (Exception e) {
                return failed(e, millisSince(started));
            }
            return new CheckReport(result.status(), result.message(), millisSince(started), result.detail());
        }

        void observe(CheckReport report) {
            HealthStatus before = last.getAndSet(report.status());
            if (before == report.status() || (before == null && report.status() == HealthStatus.HEALTHY)) {
                return;
            }
            if (report.status() == HealthStatus.HEALTHY) {
                LOG.info("health check {} is healthy again", name);
            } else {
                LOG.warn("health check {} is {}: {}", name, report.status().wireName(), report.message());
            }
        }
    }

    /**
     * A run of a check. It frees its entry when the check returns, before its result is published (so a caller may
     * run the check again as soon as it has the result), or when the pool is done with it if it never ran.
     */
    private static final class Task extends FutureTask<CheckReport> {
        private final Entry entry;
        final long submittedNanos = System.nanoTime();

        Task(Entry entry) {
            super(entry::invoke);
            this.entry = entry;
        }

        @Override
        public void run() {
            try {
                super.run();
            } finally {
                free();
            }
        }

        @Override
        protected void set(CheckReport report) {
            free();
            super.set(report);
        }

        @Override
        protected void setException(Throwable t) {
            free();
            super.setException(t);
        }

        private void free() {
            entry.running.compareAndSet(this, null);
        }
    }

    /** A check of the current call: already answered, or running until a deadline. */
    private static final class Pending {
        final Entry entry;
        private final @Nullable CheckReport answered;
        private final @Nullable Task task;
        private final long deadlineNanos;

        Pending(Entry entry, CheckReport answered) {
            this.entry = entry;
            this.answered = answered;
            this.task = null;
            this.deadlineNanos = 0;
        }

        Pending(Entry entry, Task task, long deadlineNanos) {
            this.entry = entry;
            this.answered = null;
            this.task = task;
            this.deadlineNanos = deadlineNanos;
        }

        CheckReport await() {
            if (answered != null) {
                return answered;
            }
            Task t = Objects.requireNonNull(task);
            try {
                return t.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (!t.cancel(true) && t.isDone()) {
                    return now(t); // it answered just as time ran out
                }
                return unhealthy("timed out after " + describe(entry.timeout), entry.timeout.toMillis(), Map.of());
            } catch (ExecutionException e) {
                return failed(e.getCause() != null ? e.getCause() : e, entry.timeout.toMillis());
            } catch (CancellationException e) {
                return unhealthy("cancelled: health registry closed", 0, Map.of());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                t.cancel(true);
                return unhealthy("interrupted while waiting for the check", 0, Map.of());
            }
        }

        private CheckReport now(Task t) {
            try {
                return t.get(0, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                return failed(e.getCause() != null ? e.getCause() : e, entry.timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unhealthy("interrupted while waiting for the check", 0, Map.of());
            } catch (TimeoutException | CancellationException e) {
                return unhealthy("timed out after " + describe(entry.timeout), entry.timeout.toMillis(), Map.of());
            }
        }

        private static String describe(Duration timeout) {
            return timeout.toMillis() + " ms";
        }
    }

    /** A check as registered. */
    private record Registration(String name, HealthCheck check, @Nullable Duration timeout, boolean liveness) {
    }

    /**
     * Builds a {@link Health} registry. Setters validate at once and name the bad value. Check names are unique
     * across both groups.
     */
    public static final class Builder {
        private final Map<String, Registration> registrations = new LinkedHashMap<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Adds a liveness check: about the process itself, never about MongoDB or other outside systems.
         *
         * @throws IllegalArgumentException if the name is blank or taken
         */
        public Builder liveness(String name, HealthCheck check) {
            return add(name, check, null, true);
        }

        /**
         * Adds a liveness check with its own timeout.
         *
         * @throws IllegalArgumentException if the name is blank or taken, or the timeout is not positive
         */
        public Builder liveness(String name, Duration timeout, HealthCheck check) {
            return add(name, check, positive(timeout), true);
        }

        /**
         * Adds a readiness check: about an outside system the application needs, such as MongoDB.
         *
         * @throws IllegalArgumentException if the name is blank or taken
         */
        public Builder readiness(String name, HealthCheck check) {
            return add(name, check, null, false);
        }

        /**
         * Adds a readiness check with its own timeout.
         *
         * @throws IllegalArgumentException if the name is blank or taken, or the timeout is not positive
         */
        public Builder readiness(String name, Duration timeout, HealthCheck check) {
            return add(name, check, positive(timeout), false);
        }

        /**
         * How long each check may take (default {@link #DEFAULT_TIMEOUT}) unless registered with its own.
         *
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout);
            return this;
        }

        /** The clock reports are stamped with (default: system UTC). Durations are measured with a monotonic clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the registry. */
        public Health build() {
            return new Health(this);
        }

        private Builder add(String name, HealthCheck check, @Nullable Duration timeout, boolean liveness) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(check, "check");
            if (name.isBlank()) {
                throw new IllegalArgumentException("health check name must not be blank");
            }
            if (registrations.containsKey(name)) {
                throw new IllegalArgumentException("health check name already registered: " + name);
            }
            registrations.put(name, new Registration(name, check, timeout, liveness));
            return this;
        }

        private static Duration positive(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("health check timeout must be positive, was " + timeout);
            }
            return timeout;
        }
    }
}
