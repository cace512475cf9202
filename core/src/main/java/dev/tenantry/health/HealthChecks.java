package dev.tenantry.health;

import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.internal.Arguments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bson.Document;

/**
 * The built-in checks: MongoDB, a background write queue (the audit trail's) and the shared rate-limit store. Register
 * the first and the last as readiness checks; the queue's check degrades rather than fails, so it can go either way.
 *
 * <p>A holder of static factories; the checks it returns are thread-safe.
 *
 * @since 0.1
 */
public final class HealthChecks {

    /**
     * The driver-side timeout (client-side operation timeout) of the MongoDB commands these checks run, unless one is
     * given: shorter than {@link Health#DEFAULT_TIMEOUT}, so a server that is down is reported with the driver's own
     * error rather than as a check that timed out.
     */
    public static final Duration DEFAULT_MONGO_TIMEOUT = Duration.ofSeconds(1);

    private HealthChecks() {
    }

    /** {@link #mongoPing(MongoDatabase, Duration)} with {@link #DEFAULT_MONGO_TIMEOUT}. */
    public static HealthCheck mongoPing(MongoDatabase database) {
        return mongoPing(database, DEFAULT_MONGO_TIMEOUT);
    }

    /**
     * Runs {@code {ping: 1}} against {@code database}, bounded by {@code timeout} in the driver: healthy with the
     * round trip in the detail ({@code pingMillis}, fractional), unhealthy with the driver's error when MongoDB
     * cannot be reached in time.
     *
     * @throws IllegalArgumentException if the timeout is shorter than 1 ms or longer than 100 years
     */
    public static HealthCheck mongoPing(MongoDatabase database, Duration timeout) {
        MongoDatabase timed = withTimeout(database, timeout);
        String name = database.getName();
        return () -> {
            try {
                double millis = ping(timed);
                return CheckResult.healthy().withDetail("database", name).withDetail("pingMillis", millis);
            } catch (MongoException e) {
                return unreachable(e).withDetail("database", name);
            }
        };
    }

    /**
     * Watches a background write queue's counters, read from {@code stats} at each call: degraded when more than
     * {@code maxQueued} entries wait, when write attempts failed since the previous call of this check (or since it
     * was made), when entries were ever dropped, or when entries were ever moved to the dead-letter place (they are
     * kept there, not where they belong: someone should look). The detail has the five counters and the failures
     * since the previous call. A failure never makes it unhealthy: a queue that retries keeps what it accepted. For an
     * audit trail: {@code HealthChecks.queue(auditTrail::stats, 10_000)}.
     *
     * @param stats reads the counters; called once now and once per check
     * @throws IllegalArgumentException if {@code maxQueued} is negative
     */
    public static HealthCheck queue(Supplier<? extends QueueStats> stats, long maxQueued) {
        Objects.requireNonNull(stats, "stats");
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must not be negative, was " + maxQueued);
        }
        AtomicLong previousFailures = new AtomicLong(stats.get().failedAttempts());
        return () -> {
            QueueStats now = stats.get();
            long newFailures = Math.max(0, now.failedAttempts() - previousFailures.getAndSet(now.failedAttempts()));
            List<String> problems = new ArrayList<>();
            if (now.queued() > maxQueued) {
                problems.add(now.queued() + " entries queued, more than " + maxQueued);
            }
            if (newFailures > 0) {
                problems.add(newFailures + " write attempts failed since the last check");
            }
            if (now.dropped() > 0) {
                problems.add(now.dropped() + " entries dropped");
            }
            if (now.deadLettered() > 0) {
                problems.add(now.deadLettered() + " entries could not be written and are in the dead-letter place");
            }
            CheckResult result = problems.isEmpty() ? CheckResult.healthy()
                    : CheckResult.degraded(String.join("; ", problems));
            return result.withDetail("queued", now.queued()).withDetail("written", now.written())
                    .withDetail("failedAttempts", now.failedAttempts()).withDetail("dropped", now.dropped())
                    .withDetail("deadLettered", now.deadLettered())
                    .withDetail("failedSinceLastCheck", newFailures).withDetail("maxQueued", maxQueued);
        };
    }

    /** {@link #rateLimitStore(MongoDatabase, String, Duration)} with {@link #DEFAULT_MONGO_TIMEOUT}. */
    public static HealthCheck rateLimitStore(MongoDatabase database, String collection) {
        return rateLimitStore(database, collection, DEFAULT_MONGO_TIMEOUT);
    }

    /**
     * Checks the shared rate-limit store (the {@code database} and {@code collection} given to {@code
     * RateLimiter.Builder.shared}): pings its database and counts its collection's documents (estimated, from
     * metadata), each bounded by {@code timeout} in the driver. Healthy with {@code pingMillis} and {@code buckets}
     * in the detail; unhealthy with the driver's error when either fails.
     *
     * @throws IllegalArgumentException if the collection name is not 1-64 letters, digits, '_' or '-' starting with
     *     a letter or '_', or the timeout is shorter than 1 ms or longer than 100 years
     */
    public static HealthCheck rateLimitStore(MongoDatabase database, String collection, Duration timeout) {
        Arguments.name("rate-limit store collection name", collection);
        MongoDatabase timed = withTimeout(database, timeout);
        String name = database.getName() + "." + collection;
        return () -> {
            try {
                double millis = ping(timed);
                long buckets = timed.getCollection(collection).estimatedDocumentCount();
                return CheckResult.healthy().withDetail("collection", name).withDetail("pingMillis", millis)
                        .withDetail("buckets", buckets);
            } catch (MongoException e) {
                return unreachable(e).withDetail("collection", name);
            }
        };
    }

    private static MongoDatabase withTimeout(MongoDatabase database, Duration timeout) {
        Objects.requireNonNull(database, "database");
        Arguments.atLeast("MongoDB health check timeout", timeout, Duration.ofMillis(1));
        return database.withTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Pings and returns the round trip in milliseconds, to the microsecond. */
    private static double ping(MongoDatabase database) {
        long start = System.nanoTime();
        database.runCommand(new Document("ping", 1));
        return Math.round((System.nanoTime() - start) / 1_000.0) / 1_000.0;
    }

    private static CheckResult unreachable(MongoException e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        return CheckResult.unhealthy(message).withDetail("error", e.getClass().getName());
    }
}
