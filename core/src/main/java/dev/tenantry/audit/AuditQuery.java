package dev.tenantry.audit;

import dev.tenantry.internal.Arguments;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A filter over the current tenant's audit log, with a page size and the cursor of the page to continue after.
 * Pages are newest first, ordered by the chain's sequence, so entries recorded while a reader pages never shift
 * the pages still to come: every matching entry is returned exactly once.
 *
 * <p>Immutable and thread-safe.
 *
 * @param from inclusive lower bound on the time, or null
 * @param to exclusive upper bound on the time, or null
 * @param actorId only this actor's entries, or null
 * @param action only this action, or null
 * @param targetType only this kind of target, or null
 * @param targetId only this target (with {@code targetType}), or null
 * @param outcome only this outcome, or null
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param after the {@link AuditPage#nextCursor()} of the previous page, or null for the first page
 * @since 0.1
 */
public record AuditQuery(@Nullable Instant from, @Nullable Instant to, @Nullable String actorId,
                         @Nullable AuditAction action, @Nullable String targetType, @Nullable String targetId,
                         @Nullable AuditOutcome outcome, int limit, @Nullable String after) {

    /** The page size when none is given. */
    public static final int DEFAULT_LIMIT = 100;
    /** The largest page size. */
    public static final int MAX_LIMIT = 1000;

    /**
     * Validates the query.
     *
     * @throws IllegalArgumentException if the limit is out of range, {@code from} or {@code to} is outside the range
     *     a MongoDB date holds, {@code from} is not before {@code to}, a target id is given without a target type, or
     *     the cursor is malformed
     */
    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("audit query limit must be 1.." + MAX_LIMIT + ", was " + limit);
        }
        if (from != null) {
            Arguments.storable("audit query 'from'", from);
        }
        if (to != null) {
            Arguments.storable("audit query 'to'", to);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("audit query 'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        if (targetId != null && targetType == null) {
            throw new IllegalArgumentException("audit query by targetId needs the targetType too");
        }
        if (after != null) {
            cursorSequence(after);
        }
    }

    /** Every entry, newest first, {@value #DEFAULT_LIMIT} a page. */
    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, null, null, DEFAULT_LIMIT, null);
    }

    /** This query for entries at or after {@code from} and before {@code to} (either may be null). */
    public AuditQuery between(@Nullable Instant from, @Nullable Instant to) {
        return new AuditQuery(from, to, actorId, action, targetType, targetId, outcome, limit, after);
    }

    /** This query for one actor's entries. */
    public AuditQuery byActor(String actorId) {
        return new AuditQuery(from, to, Objects.requireNonNull(actorId, "actorId"), action, targetType, targetId,
                outcome, limit, after);
    }

    /** This query for one action. */
    public AuditQuery withAction(AuditAction action) {
        return new AuditQuery(from, to, actorId, Objects.requireNonNull(action, "action"), targetType, targetId,
                outcome, limit, after);
    }

    /** This query for one target (id may be null for every target of the type). */
    public AuditQuery onTarget(String targetType, @Nullable String targetId) {
        return new AuditQuery(from, to, actorId, action, Objects.requireNonNull(targetType, "targetType"), targetId,
                outcome, limit, after);
    }

    /** This query for one outcome. */
    public AuditQuery withOutcome(AuditOutcome outcome) {
        return new AuditQuery(from, to, actorId, action, targetType, targetId, Objects.requireNonNull(outcome,
                "outcome"), limit, after);
    }

    /** This query with another page size. */
    public AuditQuery limit(int limit) {
        return new AuditQuery(from, to, actorId, action, targetType, targetId, outcome, limit, after);
    }

    /** This query continuing after the page whose {@link AuditPage#nextCursor()} is {@code cursor}. */
    public AuditQuery after(@Nullable String cursor) {
        return new AuditQuery(from, to, actorId, action, targetType, targetId, outcome, limit, cursor);
    }

    /**
     * The sequence a cursor stands for, read strictly: {@code s} and the sequence in canonical decimal (no sign, no
     * leading zero, no spaces), exactly as {@link #cursorFor} writes it.
     */
    static long cursorSequence(String cursor) {
        if (!CURSOR.matcher(cursor).matches()) {
            throw new IllegalArgumentException("malformed audit cursor '" + cursor + "': a cursor is 's' and a "
                    + "sequence number from 1, as nextCursor gives it; pass a nextCursor from a previous page");
        }
        try {
            return Long.parseLong(cursor, 1, cursor.length(), 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed audit cursor '" + cursor + "': its sequence is beyond "
                    + Long.MAX_VALUE + "; pass a nextCursor from a previous page");
        }
    }

    private static final Pattern CURSOR = Pattern.compile("s[1-9][0-9]{0,18}");

    /** The sequence this query continues after, or {@code Long.MAX_VALUE} for the first page. */
    public long afterSequence() {
        return after == null ? Long.MAX_VALUE : cursorSequence(after);
    }

    /** The cursor that continues after the entry with {@code sequence}. */
    public static String cursorFor(long sequence) {
        return "s" + sequence;
    }
}
