package dev.tenantry.health;

/**
 * The counters of a background write queue that {@link HealthChecks#queue} watches: what health needs to ask a
 * queue, and no more. The audit trail's {@code AuditStats} is one, so {@code HealthChecks.queue(auditTrail::stats,
 * 10_000)} watches an audit trail.
 *
 * <p>Implementations are values read at one moment; each counter is zero or more.
 *
 * <p>Implementations are immutable snapshots, thread-safe.
 *
 * @since 0.1
 */
public interface QueueStats {

    /** Entries waiting in the queue now. */
    long queued();

    /** Entries written since start. */
    long written();

    /** Write attempts that failed since start (a queue that retries counts each attempt). */
    long failedAttempts();

    /** Entries dropped since start because the queue was full. */
    long dropped();

    /** Entries that could not be written since start and were kept somewhere else instead (a dead-letter place). */
    long deadLettered();
}
