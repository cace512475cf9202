package dev.tenantry.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Waits in tests for something another thread or process brings about (a background writer catching up, a health
 * check turning unhealthy, an HTTP endpoint showing a result), with a deadline that only a broken build reaches.
 *
 * <pre>{@code
 * Await.until("the queue is written", () -> trail.stats().queued() == 0);
 * JsonNode entry = Await.value("the login is audited", () -> firstEntryOrNull());
 * }</pre>
 *
 * <p>The condition is asked again at once for the first millisecond (a cheap condition is seen within microseconds),
 * then after pauses growing to {@value #MAX_PAUSE_MILLIS} ms, so a condition that does I/O does not keep a core busy. For
 * events a test can hold a latch or barrier for, use that instead.
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class Await {

    /** How long {@link #until(String, BooleanSupplier)} and {@link #value} wait before they fail. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** The longest pause between two looks at the condition. */
    public static final long MAX_PAUSE_MILLIS = 10;

    private static final long SPIN_NANOS = 1_000_000;
    private static final long FIRST_PAUSE_NANOS = 50_000;

    private Await() {
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @param what what is waited for, for the failure message ("timed out waiting until " + what)
     * @throws AssertionError if it does not hold within {@link #DEFAULT_TIMEOUT}, or the thread is interrupted (its
     *     interrupt status is kept)
     */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @throws AssertionError if it does not hold within {@code timeout}, or the thread is interrupted (its interrupt
     *     status is kept)
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        Objects.requireNonNull(condition, "condition");
        value(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * Returns once {@code latch} is counted down, for work that signals it is done (or holds a worker until the test
     * lets it go).
     *
     * @throws AssertionError if it is not counted down within {@link #DEFAULT_TIMEOUT}, or the thread is interrupted
     *     (its interrupt status is kept)
     */
    public static void latch(String what, CountDownLatch latch) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(latch, "latch");
        try {
            if (!latch.await(DEFAULT_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("timed out waiting until " + what + " (" + DEFAULT_TIMEOUT.toMillis()
                        + " ms)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting until " + what, e);
        }
    }

    /**
     * Returns the first non-null answer of {@code probe}.
     *
     * @throws AssertionError if it answers only null within {@link #DEFAULT_TIMEOUT}, or the thread is interrupted
     */
    public static <T> T value(String what, Supplier<? extends @Nullable T> probe) {
        return value(what, DEFAULT_TIMEOUT, probe);
    }

    /**
     * Returns the first non-null answer of {@code probe}.
     *
     * @throws AssertionError if it answers only null within {@code timeout}, or the thread is interrupted (its
     *     interrupt status is kept)
     */
    public static <T> T value(String what, Duration timeout, Supplier<? extends @Nullable T> probe) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(probe, "probe");
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        while (true) {
            T answer = probe.get();
            if (answer != null) {
                return answer;
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what + " (" + timeout.toMillis() + " ms)");
            }
            if (now - start < SPIN_NANOS) {
                Thread.onSpinWait();
                Thread.yield();
            } else {
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, MAX_PAUSE_MILLIS * 1_000_000);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }
}
