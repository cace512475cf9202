package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.internal.BsonValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Adds a field with a default value to the documents that lack it: seed 1's {@code deleteScheduledAt: null} on
 * organizations, so that queries on the new field find every document.
 *
 * <pre>{@code
 * AddField.of(organizations).field("deleteScheduledAt", null).in(ctx).run();
 * }</pre>
 *
 * <p>Only documents where the field does not exist are touched (an existing value, even null, is kept), with one
 * {@code $set} per page whose filter repeats "does not exist", so a value the application writes meanwhile wins and
 * a rerun has nothing left to do.
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class AddField extends BatchedStep<AddField> {

    private @Nullable String field;
    private BsonValue value = BsonNull.VALUE;

    private AddField(MongoCollection<BsonDocument> collection) {
        super(collection);
    }

    /**
     * Adds a field to documents of {@code collection}.
     *
     * @param collection e.g. organizations
     * @return the step, to configure
     */
    public static AddField of(MongoCollection<BsonDocument> collection) {
        return new AddField(collection);
    }

    /**
     * The field and the value it gets where it is missing.
     *
     * @param field a field path
     * @param value a value the driver's default codecs encode, or null
     * @return this step
     * @throws IllegalArgumentException if the field is not a usable path or is {@code _id}, or the value cannot be
     *     encoded
     */
    public AddField field(String field, @Nullable Object value) {
        Fields.check("field", field);
        if (field.equals("_id")) {
            throw new IllegalArgumentException("_id cannot be added");
        }
        this.value = Fields.bson("value of " + field, value);
        this.field = field;
        return this;
    }

    @Override
    AddField self() {
        return this;
    }

    @Override
    String defaultName() {
        return "add " + collectionName() + "." + (field == null ? "?" : field);
    }

    @Override
    public Set<String> reads() {
        return Set.of(collectionName());
    }

    @Override
    public Set<String> writes() {
        return written();
    }

    /**
     * Counts the documents that lack the field: {@code "<collection> without <field>"}. Reads only.
     *
     * @throws IllegalStateException if the field is not set
     */
    @Override
    public Plan.Line plan() {
        return plan(Planning.alone());
    }

    @Override
    Plan.Line plan(Planning planning) {
        return Plan.Line.of(name()).with(collectionName() + " without " + requireField(),
                collection.countDocuments(planScope(Filters.exists(requireField(), false), planning)));
    }

    /**
     * Sets the field on every document that lacks it.
     *
     * @return what was written
     * @throws IllegalStateException if the field is not set
     * @throws RuntimeException what the server throws, other than refused items; the checkpoint then holds the
     *     last acknowledged batch
     */
    public StepReport run() {
        String f = requireField();
        Bson set = Updates.set(f, value);
        Bson pending = pending();
        var batch = batches(pending).projection(Projections.include("_id")).runPages(page -> {
            BsonValue first = BsonValues.id(page.get(0));
            BsonValue last = BsonValues.id(page.get(page.size() - 1));
            if (sameType(first, last)) {
                // One update per page over its _id range, found by the _id index on any server; the filter repeats
                // "does not exist", so nothing set meanwhile is overwritten and nothing outside the step is touched.
                return List.of(new UpdateManyModel<>(Filters.and(pending, Filters.gte("_id", first),
                        Filters.lte("_id", last)), set));
            }
            List<WriteModel<BsonDocument>> writes = new ArrayList<>(page.size()); // a range would not span types
            for (BsonDocument doc : page) {
                writes.add(new UpdateOneModel<>(Filters.and(pending, Filters.eq("_id", doc.get("_id"))), set));
            }
            return writes;
        });
        return report(batch);
    }

    /**
     * Whether a range from {@code first} to {@code last} holds only values of their type: the same BSON type, and for
     * binary data the same subtype (the embedded test server does not compare binaries of different subtypes).
     */
    private static boolean sameType(BsonValue first, BsonValue last) {
        return first.getBsonType() == last.getBsonType()
                && (!first.isBinary() || first.asBinary().getType() == last.asBinary().getType());
    }

    private Bson pending() {
        return scope(Filters.exists(requireField(), false));
    }

    private String requireField() {
        if (field == null) {
            throw new IllegalStateException("add-field step on " + collectionName() + " needs field(name, value)");
        }
        return field;
    }
}
