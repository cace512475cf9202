package dev.tenantry.audit;

/**
 * Counters of an audit trail, for health checks and metrics.
 *
 * @param queued entries waiting in the asynchronous queue now
 * @param written entries acknowledged by MongoDB since start
 * @param failedAttempts write attempts that failed and were retried since start
 * @param dropped entries dropped under {@link OverflowPolicy#DROP} since start
 * @since 0.1
 */
public record AuditStats(long queued, long written, long failedAttempts, long dropped) {
}
