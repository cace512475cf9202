package dev.tenantry.migration;

/**
 * Told of every advance of a step's {@link Progress}, for progress bars and metrics. Called on the thread that
 * advanced, outside any lock; implementations must be quick and thread-safe. Progress is logged whether or not a
 * listener is installed.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that does nothing. */
    ProgressListener NONE = (step, done, total, ratePerSecond) -> { };

    /**
     * Reports that {@code done} of {@code total} items of {@code step} are done, at {@code ratePerSecond} since the
     * step started.
     */
    void progressed(String step, long done, long total, double ratePerSecond);
}
