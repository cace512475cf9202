package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.batch.Batches;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Sets a field, typically the tenant field, from a related collection: in seed 2, each booking's {@code businessId}
 * is its service's {@code businessId}.
 *
 * <pre>{@code
 * Backfill.of(bookings).field("businessId").from(Relation.of(services, "serviceId")).in(ctx).run();
 * }</pre>
 *
 * <p>Only documents where the field is missing or null are touched, so a rerun has nothing left to do. Per page,
 * the related documents are read with {@code $in} queries on {@code _id}, then each document gets an
 * {@code $set}. A document whose key is missing, or whose related document is missing or lacks the field, is left
 * alone and reported in the {@link StepReport}, not guessed. The value written is the one derived when the page was
 * read: run the step while nothing else writes the field (the expand phase, before the application knows the field,
 * or with the application stopped, as seed 2 prescribes), then rerun it to catch documents created meanwhile.
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class Backfill extends BatchedStep<Backfill> {

    private @Nullable String field;
    private @Nullable Relation relation;
    private @Nullable String relatedField;

    private Backfill(MongoCollection<BsonDocument> collection) {
        super(collection);
    }

    /**
     * A backfill of documents of {@code collection}.
     *
     * @param collection the collection whose documents gain the field
     * @return the step, to configure
     */
    public static Backfill of(MongoCollection<BsonDocument> collection) {
        return new Backfill(collection);
    }

    /**
     * The field to set.
     *
     * @param field a field path, e.g. {@code "businessId"}
     * @return this step
     * @throws IllegalArgumentException if it is empty, starts with {@code $} or is {@code _id}
     */
    public Backfill field(String field) {
        Fields.check("field", field);
        if (field.equals("_id")) {
            throw new IllegalArgumentException("a backfill cannot set _id");
        }
        this.field = field;
        return this;
    }

    /**
     * Takes the value from the same-named field of the document {@code relation} leads to.
     *
     * @param relation e.g. {@code Relation.of(services, "serviceId")}
     * @return this step
     */
    public Backfill from(Relation relation) {
        this.relation = Objects.requireNonNull(relation, "relation");
        this.relatedField = null;
        return this;
    }

    /**
     * Takes the value from {@code relatedField} of the document {@code relation} leads to.
     *
     * @param relation e.g. {@code Relation.of(services, "serviceId")}
     * @param relatedField the field of the related document holding the value
     * @return this step
     * @throws IllegalArgumentException if {@code relatedField} is not a usable field path
     */
    public Backfill from(Relation relation, String relatedField) {
        this.relation = Objects.requireNonNull(relation, "relation");
        this.relatedField = Fields.check("relatedField", relatedField);
        return this;
    }

    @Override
    Backfill self() {
        return this;
    }

    @Override
    String defaultName() {
        return "backfill " + collectionName() + "." + (field == null ? "?" : field);
    }

    /**
     * Counts the documents that lack the field: {@code "<collection> to backfill with <field>"}. Reads only.
     *
     * @throws IllegalStateException if the field or the relation is not set
     */
    @Override
    public Plan plan() {
        String f = requireField();
        requireRelation();
        return Plan.of(collectionName() + " to backfill with " + f, collection.countDocuments(pending(f)));
    }

    /**
     * Sets the field on every document that lacks it and whose relation resolves.
     *
     * @return what was written and what was left alone
     * @throws IllegalStateException if the field or the relation is not set
     * @throws RuntimeException what the server throws, other than refused items; the checkpoint then holds the
     *     last acknowledged batch
     */
    public StepReport run() {
        String f = requireField();
        Relation r = requireRelation();
        String from = relatedField != null ? relatedField : f;
        Misses misses = new Misses();
        Bson pending = pending(f);
        Batches batches = batches(pending, collection, List.of(r.collection()));
        var report = batches.projection(Projections.include(r.localKey())).runPages(page -> {
            BsonValue[] values = Lookups.related(page, r, from, misses);
            List<WriteModel<BsonDocument>> writes = new ArrayList<>(page.size());
            for (int i = 0; i < page.size(); i++) {
                BsonValue value = values[i];
                if (value != null) {
                    // By _id alone: the field is new, so nothing else writes it during the expand phase. (A guard
                    // such as {field: null} would also turn each update into a collection scan on the embedded test
                    // server, which uses an index only for a filter on exactly its keys.)
                    writes.add(new UpdateOneModel<>(Filters.eq("_id", page.get(i).get("_id")),
                            Updates.set(f, value)));
                }
            }
            return writes;
        });
        return report(report, misses);
    }

    private Bson pending(String f) {
        return scope(Filters.eq(f, null));
    }

    private String requireField() {
        if (field == null) {
            throw new IllegalStateException("backfill of " + collectionName() + " needs field(...)");
        }
        return field;
    }

    private Relation requireRelation() {
        if (relation == null) {
            throw new IllegalStateException("backfill " + name() + " needs from(relation)");
        }
        return relation;
    }
}
