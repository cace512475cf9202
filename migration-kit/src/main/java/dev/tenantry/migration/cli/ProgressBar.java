package dev.tenantry.migration.cli;

import dev.tenantry.migration.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Shows migration progress as a one-line bar,
 * {@code [#########...........] 45% 4,500/10,000 1,234/s ETA 4s copy users}.
 *
 * <p>On a terminal the bar is redrawn in place with a carriage return, at most {@value #TERMINAL_REDRAWS_PER_SECOND}
 * times a second, and ends its line when the step completes. Elsewhere (CI logs, pipes) it prints plain lines, at most
 * one every {@link #PLAIN_INTERVAL_NANOS 5 seconds} per step and one when the step completes. A new step (another
 * name, or the same name counting again from below after it completed) starts a new line; a count lower than one
 * already shown, reported late by another thread, is ignored. Thread-safe: steps may advance from several threads.
 */
final class ProgressBar implements ProgressListener {

    static final int TERMINAL_REDRAWS_PER_SECOND = 10;
    static final long TERMINAL_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1) / TERMINAL_REDRAWS_PER_SECOND;
    static final long PLAIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final int WIDTH = 20;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoTime;

    private @Nullable String step;
    private long lastDone;
    private long lastDrawNanos;
    private boolean drawn;
    private boolean completed;
    private boolean lineOpen;
    private int lastLength;

    ProgressBar(PrintWriter out, boolean terminal, LongSupplier nanoTime) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public synchronized void progressed(String step, long done, long total, double ratePerSecond) {
        long now = nanoTime.getAsLong();
        if (!step.equals(this.step) || (completed && done < lastDone)) {
            finish();
            this.step = step;
            this.lastDone = 0;
            this.drawn = false;
            this.completed = false;
            this.lastDrawNanos = now;
        }
        if (done < lastDone) {
            return; // an older count reported late by another thread
        }
        lastDone = done;
        boolean complete = total > 0 && done >= total;
        if (completed) {
            return; // shown complete already; later advances of the same step add nothing worth a line
        }
        boolean due;
        if (complete) {
            due = true;
        } else if (terminal) {
            due = !drawn || now - lastDrawNanos >= TERMINAL_INTERVAL_NANOS;
        } else {
            due = now - lastDrawNanos >= PLAIN_INTERVAL_NANOS;
        }
        if (!due) {
            return;
        }
        drawn = true;
        completed = complete;
        lastDrawNanos = now;
        String line = render(step, done, total, ratePerSecond);
        if (terminal) {
            out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            lineOpen = true;
            if (complete) {
                finish();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends a bar left open on a terminal, so that what is printed next starts on a line of its own. */
    synchronized void finish() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
            lastLength = 0;
        }
    }

    /** The bar for {@code done} of {@code total} items of {@code step}; without a bar when the total is unknown. */
    static String render(String step, long done, long total, double ratePerSecond) {
        String rate = rate(ratePerSecond);
        if (total <= 0) {
            return String.format(Locale.ROOT, "%,d %s %s", done, rate, step);
        }
        long shown = Math.min(done, total);
        int filled = (int) (WIDTH * shown / total);
        long percent = 100 * shown / total;
        String eta;
        if (done >= total) {
            eta = "done";
        } else if (ratePerSecond > 0) {
            eta = "ETA " + eta((total - done) / ratePerSecond);
        } else {
            eta = "ETA ?";
        }
        return String.format(Locale.ROOT, "[%s%s] %d%% %,d/%,d %s %s %s", "#".repeat(filled),
                ".".repeat(WIDTH - filled), percent, done, total, rate, eta, step);
    }

    private static String rate(double perSecond) {
        return perSecond >= 10 || perSecond == 0
                ? String.format(Locale.ROOT, "%,.0f/s", perSecond)
                : String.format(Locale.ROOT, "%.1f/s", perSecond);
    }

    private static String eta(double seconds) {
        long s = (long) Math.ceil(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
