package dev.tenantry.audit;

/**
 * What an asynchronous audit trail does when its queue is full. Nothing is ever lost silently: the default blocks,
 * and dropping must be chosen and is counted.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum OverflowPolicy {
    /** The recording thread waits for room (the default): slower, never lossy. */
    BLOCK,
    /** The recording thread waits up to the configured timeout, then {@link AuditOverflowException} is thrown. */
    BLOCK_WITH_TIMEOUT,
    /** The entry is dropped and counted in {@link AuditStats#dropped()}; opt-in only. */
    DROP
}
