package dev.tenantry.collection;

import dev.tenantry.internal.Arguments;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A collection's soft-delete policy: deleting a document through its {@link TenantCollection} marks it deleted
 * instead of removing it, and ordinary reads, counts and aggregations leave it out.
 *
 * <p>A deleted document carries {@code deletedAt} (when) and a deletion key: a value of its own (an {@code ObjectId}
 * per delete operation), where every live document has none. Unique indexes declared for the collection (or created
 * through it) end with the deletion key, so a live document may be created again while deleted ones with the same key
 * exist, and two live duplicates are still refused. This works on every server, unlike a partial index, which the
 * embedded test server ignores for uniqueness.
 *
 * <p>{@link TenantCollection#withDeleted()} and {@link TenantCollection#onlyDeleted()} are the explicit views, and a
 * view acts only on documents it can see; {@link TenantCollection#restore} brings documents back; {@link
 * TenantCollection#purgeDeleted()} removes those deleted longer ago than the retention. Only deletes, restore and
 * purge change whether a document is deleted: updates may not touch {@code deletedAt} or the deletion key. All of it
 * stays inside the current tenant.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class SoftDelete {

    /** The timestamp field unless configured otherwise. */
    public static final String DEFAULT_DELETED_AT = "deletedAt";
    /** The deletion key field unless configured otherwise. */
    public static final String DEFAULT_DELETION_KEY = "deletionKey";

    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Duration retention;
    private final String deletedAtField;
    private final String deletionKeyField;
    private final Clock clock;

    private SoftDelete(Duration retention, String deletedAtField, String deletionKeyField, Clock clock) {
        this.retention = retention;
        this.deletedAtField = deletedAtField;
        this.deletionKeyField = deletionKeyField;
        this.clock = clock;
    }

    /**
     * Deleted documents are kept for {@code retention}, then {@link TenantCollection#purgeDeleted()} removes them.
     *
     * @throws IllegalArgumentException if the retention is negative or longer than 100 years
     */
    public static SoftDelete retainFor(Duration retention) {
        Arguments.notNegative("soft-delete retention", retention);
        return new SoftDelete(retention, DEFAULT_DELETED_AT, DEFAULT_DELETION_KEY, Clock.systemUTC());
    }

    /**
     * The same policy with other field names.
     *
     * @throws IllegalArgumentException if a name is not a plain top-level field name, is {@code _id}, or both are the
     *     same
     */
    public SoftDelete fields(String deletedAt, String deletionKey) {
        for (String f : new String[] {Objects.requireNonNull(deletedAt, "deletedAt"),
            Objects.requireNonNull(deletionKey, "deletionKey")}) {
            if (!FIELD.matcher(f).matches()) {
                throw new IllegalArgumentException("soft-delete field must be a plain top-level field name (letters, "
                        + "digits, '_'), was '" + f + "'");
            }
            if (f.equals("_id")) {
                throw new IllegalArgumentException("soft-delete field must not be '_id', every document's own id: "
                        + "setting it on delete would change the id, and every insert would be refused");
            }
        }
        if (deletedAt.equals(deletionKey)) {
            throw new IllegalArgumentException("soft-delete fields must differ, both were '" + deletedAt + "'");
        }
        return new SoftDelete(retention, deletedAt, deletionKey, clock);
    }

    /** The same policy timed by {@code clock} (for {@code deletedAt} and for what the retention has passed). */
    public SoftDelete clock(Clock clock) {
        return new SoftDelete(retention, deletedAtField, deletionKeyField, Objects.requireNonNull(clock, "clock"));
    }

    /** How long deleted documents are kept. */
    public Duration retention() {
        return retention;
    }

    /** The field holding when a document was deleted. */
    public String deletedAtField() {
        return deletedAtField;
    }

    /** The field holding a deleted document's deletion key (absent on live documents). */
    public String deletionKeyField() {
        return deletionKeyField;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "SoftDelete{retention=" + retention + ", " + deletedAtField + ", " + deletionKeyField + "}";
    }
}
