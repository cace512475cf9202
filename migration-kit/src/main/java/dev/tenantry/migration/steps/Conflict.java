package dev.tenantry.migration.steps;

import dev.tenantry.migration.internal.BsonValues;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A uniqueness conflict met by a {@link Split}: the copy of one shared document would have the same values of
 * fields unique per tenant as the copy of another (two users with one email at one business), and how it was
 * settled. It names the source documents involved.
 *
 * <p>Thread-safe to read and share; its BSON values are the driver's mutable types, which nothing here changes and
 * callers must not change either.
 *
 * @param tenant the tenant both copies belong to
 * @param values the unique fields and the values both have
 * @param source the {@code _id} of the shared document whose copy conflicted (e.g. the second user)
 * @param grouping the {@code _id} of the grouping document that asked for that copy (e.g. the booking)
 * @param existing the {@code _id} of the copy that holds the values (e.g. the first user's customer)
 * @param existingSource the {@code _id} of the shared document that copy was made from, or null if it names none
 * @param resolution how the split settled it
 * @since 0.1
 */
public record Conflict(BsonValue tenant, BsonDocument values, BsonValue source, BsonValue grouping,
                       BsonValue existing, @Nullable BsonValue existingSource, OnConflict resolution) {

    /** Checks the values. */
    public Conflict {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(grouping, "grouping");
        Objects.requireNonNull(existing, "existing");
        Objects.requireNonNull(resolution, "resolution");
    }

    @Override
    public String toString() {
        String how = switch (resolution) {
            case MERGE -> "merged into " + BsonValues.show(existing);
            case KEEP_BOTH -> "both kept and marked, beside " + BsonValues.show(existing);
            case STOP -> "not copied (its copy would clash with " + BsonValues.show(existing) + ")";
        };
        return "source " + BsonValues.show(source) + " (from " + BsonValues.show(grouping) + ") and source "
                + BsonValues.show(existingSource) + " share " + values.toJson() + " in tenant "
                + BsonValues.show(tenant) + ": " + how;
    }
}
