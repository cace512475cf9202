package dev.tenantry.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand, to the nanosecond, for code that takes an injected clock (audit entry
 * times, rate-limit refills, retention). It starts at 2026-01-01T00:00:00Z unless told otherwise. Thread-safe.
 *
 * @since 0.1
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    /** A clock at 2026-01-01T00:00:00Z. */
    public MutableClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A clock at {@code start}. */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    /** Moves the clock by {@code by} (backwards when negative, as a wall clock sometimes does). */
    public void advance(Duration by) {
        Objects.requireNonNull(by, "by");
        now.updateAndGet(t -> t.plus(by));
    }

    /** Moves the clock by {@code nanos} nanoseconds. */
    public void advanceNanos(long nanos) {
        advance(Duration.ofNanos(nanos));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Objects.requireNonNull(now.get(), "now"); // set only to non-null instants
    }
}
