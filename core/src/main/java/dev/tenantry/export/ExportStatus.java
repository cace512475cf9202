package dev.tenantry.export;

/**
 * Where a data export stands: {@code PENDING → RUNNING → COMPLETED | FAILED}, and {@code COMPLETED → EXPIRED} once its
 * download is no longer offered.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum ExportStatus {
    /** Requested, not started. */
    PENDING,
    /** Being written. */
    RUNNING,
    /** Written in full; its file (if stored) can be downloaded until it expires. */
    COMPLETED,
    /** Stopped by an error, which the record keeps; no output is marked complete. */
    FAILED,
    /** Completed once; its stored file has been removed. */
    EXPIRED
}
