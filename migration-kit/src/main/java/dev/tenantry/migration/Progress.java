package dev.tenantry.migration;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of one step of a migration, logged as done / total, rate per second and ETA, at most about once a
 * second and once when the step completes. Thread-safe.
 *
 * @since 0.1
 */
public final class Progress {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private static final long LOG_EVERY_NANOS = 1_000_000_000L;

    private final String step;
    private final long total;
    private final LongSupplier nanoTime;
    private final Consumer<String> sink;
    private final ProgressListener listener;
    private final long startNanos;
    private long done;
    private long lastLogNanos;
    private boolean completeLogged;

    /** Progress of {@code total} items of {@code step}, logged through SLF4J. */
    public static Progress of(String step, long total) {
        return of(step, total, ProgressListener.NONE);
    }

    /** Progress of {@code total} items of {@code step}, logged through SLF4J and reported to {@code listener}. */
    public static Progress of(String step, long total, ProgressListener listener) {
        return new Progress(step, total, System::nanoTime, LOG::info, listener);
    }

    Progress(String step, long total, LongSupplier nanoTime, Consumer<String> sink) {
        this(step, total, nanoTime, sink, ProgressListener.NONE);
    }

    Progress(String step, long total, LongSupplier nanoTime, Consumer<String> sink, ProgressListener listener) {
        this.step = Objects.requireNonNull(step, "step");
        this.total = total;
        this.nanoTime = nanoTime;
        this.sink = sink;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.startNanos = nanoTime.getAsLong();
        this.lastLogNanos = startNanos;
    }

    /** Records {@code n} more items done, logging if a second passed since the last line or the step completed. */
    public void advance(long n) {
        String line = null;
        long doneNow;
        double rate;
        synchronized (this) {
            done += n;
            doneNow = done;
            long now = nanoTime.getAsLong();
            rate = rate(now);
            boolean complete = total > 0 && done >= total;
            if ((complete && !completeLogged) || now - lastLogNanos >= LOG_EVERY_NANOS) {
                lastLogNanos = now;
                completeLogged |= complete;
                line = line(now);
            }
        }
        if (line != null) {
            sink.accept(line);
        }
        listener.progressed(step, doneNow, total, rate);
    }

    /** The step's name. */
    public String step() {
        return step;
    }

    /** Items done so far. */
    public synchronized long done() {
        return done;
    }

    /** Items in the step. */
    public long total() {
        return total;
    }

    private double rate(long now) {
        double seconds = (now - startNanos) / 1e9;
        return seconds > 0 ? done / seconds : 0;
    }

    private String line(long now) {
        double rate = rate(now);
        String eta;
        if (done >= total) {
            eta = "done";
        } else if (rate > 0) {
            eta = "ETA " + formatSeconds((total - done) / rate);
        } else {
            eta = "ETA unknown";
        }
        return String.format(Locale.ROOT, "%s: %d / %d (%.1f%%), %.1f/s, %s", step, done, total,
                total > 0 ? 100.0 * done / total : 100.0, rate, eta);
    }

    private static String formatSeconds(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
