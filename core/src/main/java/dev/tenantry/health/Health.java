package dev.tenantry.health;

import dev.tenantry.internal.Arguments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 *         .readiness("audit", HealthChecks.queue(auditTrail::stats, 10_000))
 *         .build();
 * HealthReport ready = health.readiness();   // ready.httpStatus() is 200, or 503 when unhealthy
 * }</pre>
 *
 * <p>Each call runs its group's checks in parallel on a small pool of daemon threads ({@code tenantry-health-N}) and
 * rolls their statuses up to the worst. A check that throws is {@link HealthStatus#UNHEALTHY} with the exception's
 * message. A check never runs twice at once: a call that finds a check already being evaluated (for a concurrent
 * call) waits for that evaluation and reports its result, so concurrent callers share it and none is reported
 * unhealthy because another is evaluating. An evaluation that does not answer within the check's timeout, counted
 * from when it started, is reported unhealthy ("timed out after ...") to every call waiting for it, and is
 * interrupted; every call returns on time either way. A check that ignores the interrupt keeps its one thread, and
 * calls made while it hangs are told at once that it timed out and for how long it has been running, so a hung
 * dependency never ties up more than one thread per check however often health is polled.
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
        for (Runnable never : pool.shutdownNow()) { // evaluations that never got a thread: their callers are told
            ((Run) never).finish(unhealthy("cancelled: health registry closed", 0, Map.of()));
        }
    }

    private HealthReport run(List<Entry> entries) {
        if (pool.isShutdown()) {
            throw new IllegalStateException("health registry is closed");
        }
        Instant checkedAt = clock.instant();
        List<Run> runs = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            runs.add(entry.join(pool));
        }
        Map<String, CheckReport> checks = new LinkedHashMap<>();
        HealthStatus status = HealthStatus.HEALTHY;
        for (Run run : runs) {
            CheckReport report = run.await();
            run.entry.observe(report);
            checks.put(run.entry.name, report);
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

    /** A registered check with its evaluation in progress, if any. */
    private static final class Entry {
        final String name;
        final HealthCheck check;
        final Duration timeout;
        /** The evaluation of this check in progress (or waiting for a thread), even after it timed out. */
        final AtomicReference<@Nullable Run> running = new AtomicReference<>();
        final AtomicReference<@Nullable HealthStatus> last = new AtomicReference<>();

        Entry(String name, HealthCheck check, Duration timeout) {
            this.name = name;
            this.check = check;
            this.timeout = timeout;
        }

        /** The evaluation in progress, shared, or a new one started on {@code pool}. */
        Run join(ThreadPoolExecutor pool) {
            while (true) {
                Run current = running.get();
                if (current != null) {
                    return current;
                }
                Run fresh = new Run(this);
                if (running.compareAndSet(null, fresh)) {
                    try {
                        pool.execute(fresh);
                    } catch (RejectedExecutionException e) {
                        fresh.finish(unhealthy("cancelled: health registry closed", 0, Map.of()));
                        throw new IllegalStateException("health registry is closed", e);
                    }
                    return fresh;
                }
            }
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
     * One evaluation of a check, shared by every call that waits for it. It frees its entry when the check returns,
     * before its result is published (so a caller may start the next evaluation as soon as it has the result).
     */
    private static final class Run implements Runnable {
        private final Entry entry;
        final long startedNanos = System.nanoTime();
        final long deadlineNanos;
        private final CompletableFuture<CheckReport> result = new CompletableFuture<>();
        private @Nullable Thread runner;
        private volatile boolean cancelled;

        Run(Entry entry) {
            this.entry = entry;
            this.deadlineNanos = startedNanos + entry.timeout.toNanos();
        }

        @Override
        public void run() {
            CheckReport report;
            synchronized (this) {
                runner = Thread.currentThread();
            }
            long started = System.nanoTime();
            try {
                report = cancelled ? unhealthy("timed out after " + millis(entry.timeout) + " ms", 0, Map.of())
                        : entry.invoke();
            } catch (Throwable e) { // an Error from the check: reported like any failure, as a FutureTask would
                report = failed(e, millisSince(started));
            } finally {
                synchronized (this) {
                    runner = null;
                }
                Thread.interrupted(); // an interrupt meant for this run must not reach the pool's next task
            }
            finish(report);
        }

        void finish(CheckReport report) {
            entry.running.compareAndSet(this, null);
            result.complete(report);
        }

        /** Interrupts the check once its time is up (it may ignore it and keep its thread). */
        synchronized void cancel() {
            if (!cancelled) {
                cancelled = true;
                if (runner != null) {
                    runner.interrupt(); // only while it runs this evaluation: run() clears it under the same lock
                }
            }
        }

        /** The report for a call waiting for this evaluation: its result, or a timeout at its deadline. */
        CheckReport await() {
            long left = deadlineNanos - System.nanoTime();
            try {
                if (left > 0) {
                    return result.get(left, TimeUnit.NANOSECONDS);
                }
                CheckReport done = result.getNow(null);
                return done != null ? done : timedOut();
            } catch (TimeoutException e) {
                CheckReport late = result.getNow(null);
                return late != null ? late : timedOut();
            } catch (ExecutionException e) {
                return failed(e.getCause() != null ? e.getCause() : e, entry.timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unhealthy("interrupted while waiting for the check", 0, Map.of());
            }
        }

        private CheckReport timedOut() {
            cancel();
            long running = millisSince(startedNanos);
            String message = "timed out after " + millis(entry.timeout) + " ms";
            if (running > entry.timeout.toMillis() + 1) { // a call that came after the deadline: it still hangs
                return unhealthy(message, entry.timeout.toMillis(), Map.of("runningForMillis", running));
            }
            return unhealthy(message, entry.timeout.toMillis(), Map.of());
        }

        private static long millis(Duration timeout) {
            return timeout.toMillis();
        }
    }

    /** A check as registered. */
    private record Registration(String name, HealthCheck check, @Nullable Duration timeout, boolean liveness) {
    }

    /**
     * Builds a {@link Health} registry. Setters validate at once and name the bad value. Check names are unique
     * across both groups.
     *
     * <p>Not thread-safe: configure a builder on one thread, then build.
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
         * @throws IllegalArgumentException if the name is blank, longer than 128 characters or taken
         */
        public Builder liveness(String name, HealthCheck check) {
            return add(name, check, null, true);
        }

        /**
         * Adds a liveness check with its own timeout.
         *
         * @throws IllegalArgumentException if the name is blank or taken, or the timeout is shorter than 1 ms or
         *     longer than 100 years
         */
        public Builder liveness(String name, Duration timeout, HealthCheck check) {
            return add(name, check, positive(timeout), true);
        }

        /**
         * Adds a readiness check: about an outside system the application needs, such as MongoDB.
         *
         * @throws IllegalArgumentException if the name is blank, longer than 128 characters or taken
         */
        public Builder readiness(String name, HealthCheck check) {
            return add(name, check, null, false);
        }

        /**
         * Adds a readiness check with its own timeout.
         *
         * @throws IllegalArgumentException if the name is blank or taken, or the timeout is shorter than 1 ms or
         *     longer than 100 years
         */
        public Builder readiness(String name, Duration timeout, HealthCheck check) {
            return add(name, check, positive(timeout), false);
        }

        /**
         * How long each check may take (default {@link #DEFAULT_TIMEOUT}) unless registered with its own.
         *
         * @throws IllegalArgumentException if the timeout is shorter than 1 ms or longer than 100 years
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
            Arguments.text("health check name", name, 128);
            if (registrations.containsKey(name)) {
                throw new IllegalArgumentException("health check name already registered: " + name);
            }
            registrations.put(name, new Registration(name, check, timeout, liveness));
            return this;
        }

        private static Duration positive(Duration timeout) {
            return Arguments.atLeast("health check timeout", timeout, Duration.ofMillis(1));
        }
    }
}
