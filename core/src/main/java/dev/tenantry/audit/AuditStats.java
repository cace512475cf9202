package dev.tenantry.audit;

import dev.tenantry.health.QueueStats;

/**
 * Counters of an audit trail, for health checks and metrics: a {@link QueueStats}, so {@code
 * HealthChecks.queue(auditTrail::stats, maxQueued)} watches the trail.
 *
 * <p>Immutable and thread-safe.
 *
 * @param queued entries waiting in the asynchronous queue now
 * @param written entries acknowledged by MongoDB since start
 * @param failedAttempts write attempts that failed since start (transient failures are retried)
 * @param dropped entries dropped under {@link OverflowPolicy#DROP} since start
 * @param deadLettered entries that could not be written to the log since start, and were kept in the dead-letter place
 *     instead: entries MongoDB refused for good, and entries still queued when a close deadline passed
 * @since 0.1
 */
public record AuditStats(long queued, long written, long failedAttempts, long dropped, long deadLettered)
        implements QueueStats {
}
