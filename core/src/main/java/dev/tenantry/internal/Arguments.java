package dev.tenantry.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The checks public builders and methods run on durations, instants, counts and names at the API edge, so a bad value
 * fails at once with an {@link IllegalArgumentException} that names the value and the rule, instead of overflowing
 * (or reaching the server) on first use. Not API.
 */
public final class Arguments {

    /**
     * The longest duration any setting accepts: 100 years (36,500 days). Longer values make no sense for a timeout,
     * a retention or a lifetime, and this one still fits {@link Duration#toNanos()} and every instant MongoDB stores.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(36_500);

    /** The earliest instant a MongoDB date can hold (the epoch minus {@code Long.MAX_VALUE} milliseconds). */
    public static final Instant MIN_DATE = Instant.ofEpochMilli(Long.MIN_VALUE);
    /** The latest instant a MongoDB date can hold (the epoch plus {@code Long.MAX_VALUE} milliseconds). */
    public static final Instant MAX_DATE = Instant.ofEpochMilli(Long.MAX_VALUE);

    /** Names of collections, GridFS buckets and fields a builder creates: the rule every area uses. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

    private Arguments() {
    }

    /**
     * A duration that is zero or more, at most {@link #MAX_DURATION}.
     *
     * @param what what the value is, for the message ({@code "audit retention"})
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it is negative or longer than {@link #MAX_DURATION}
     */
    public static Duration notNegative(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + value);
        }
        return atMostMax(what, value);
    }

    /**
     * A duration that is more than zero, at most {@link #MAX_DURATION}.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it is zero, negative or longer than {@link #MAX_DURATION}
     */
    public static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return atMostMax(what, value);
    }

    /**
     * A duration of at least {@code min}, at most {@link #MAX_DURATION}.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it is shorter than {@code min} or longer than {@link #MAX_DURATION}
     */
    public static Duration atLeast(String what, Duration value, Duration min) {
        Objects.requireNonNull(value, what);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", was " + value);
        }
        return atMostMax(what, value);
    }

    private static Duration atMostMax(String what, Duration value) {
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(what + " must be at most " + MAX_DURATION.toDays() + " days (100 years), "
                    + "was " + value);
        }
        return value;
    }

    /**
     * An instant a MongoDB date can hold (milliseconds since the epoch in a signed 64-bit integer).
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it is outside {@link #MIN_DATE}..{@link #MAX_DATE}
     */
    public static Instant storable(String what, Instant value) {
        Objects.requireNonNull(value, what);
        if (value.isBefore(MIN_DATE) || value.isAfter(MAX_DATE)) {
            throw new IllegalArgumentException(what + " must be within the range a MongoDB date holds (" + MIN_DATE
                    + " to " + MAX_DATE + "), was " + value);
        }
        return value;
    }

    /**
     * A count within {@code min..max}.
     *
     * @throws IllegalArgumentException if it is outside the range
     */
    public static long inRange(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }

    /**
     * The name of a collection, GridFS bucket or field the library creates: 1-64 letters, digits, {@code _} or
     * {@code -}, starting with a letter or {@code _} (so never {@code $}, {@code .}, a space or {@code system.}).
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it breaks the rule
     */
    public static String name(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-64 letters, digits, '_' or '-', starting with a "
                    + "letter or '_', was '" + value + "'");
        }
        return value;
    }

    /**
     * The name of a MongoDB database: 1-63 characters, none of them {@code / \ . " $ * < > : | ?}, a space or NUL
     * (the rule MongoDB applies on every platform).
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it breaks the rule
     */
    public static String databaseName(String what, String value) {
        Objects.requireNonNull(value, what);
        boolean ok = !value.isEmpty() && value.length() <= 63;
        for (int i = 0; ok && i < value.length(); i++) {
            ok = "/\\. \"$*<>:|?\0".indexOf(value.charAt(i)) < 0;
        }
        if (!ok) {
            throw new IllegalArgumentException(what + " must be 1-63 characters without / \\ . \" $ * < > : | ?, "
                    + "spaces or NUL, was '" + value + "'");
        }
        return value;
    }

    /**
     * Text that is not blank and at most {@code max} characters.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it is blank or too long
     */
    public static String text(String what, String value, int max) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(what + " must be at most " + max + " characters, was "
                    + value.length());
        }
        return value;
    }
}
