package dev.tenantry.migration.batch;

import java.util.List;

/**
 * What a batched step did. A step resumed from a checkpoint counts every run since it started: its counts are saved
 * with each checkpoint; only the failures it names are this run's.
 *
 * <p>Immutable and thread-safe.
 *
 * @param step the step's name
 * @param read documents read
 * @param batches batches written
 * @param inserted documents inserted
 * @param modified documents modified
 * @param upserted documents upserted
 * @param deleted documents deleted
 * @param failures the write errors of single items (at most the first 1,000 of this run), which did not stop the
 *     step
 * @param failed how many items failed in all
 * @param resumed whether the step started from a checkpoint
 * @since 0.1
 */
public record BatchReport(String step, long read, long batches, long inserted, long modified, long upserted,
                          long deleted, List<WriteFailure> failures, long failed, boolean resumed) {

    /** Copies the failures. */
    public BatchReport {
        failures = List.copyOf(failures);
    }

    /**
     * One item that could not be written.
     *
     * <p>Immutable and thread-safe.
     *
     * @param id the {@code _id} of the source document it came from, as JSON
     * @param code the server's error code (11000 for a duplicate key)
     * @param message the server's message
     */
    public record WriteFailure(String id, int code, String message) {
    }
}
