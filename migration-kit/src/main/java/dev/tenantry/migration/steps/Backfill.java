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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * {@code $set}. A document whose key is missing, or whose related document is missing or lacks the field (or yields
 * nothing to a {@link Derivation}), is never guessed: by default the step does the rest and then fails with a
 * {@link StepFailedException} saying how many and which; {@link #onUnresolved} quarantines them or leaves them
 * alone instead, and {@link #plan()} predicts either. The value written is the one derived when the page was
 * read: run the step while nothing else writes the field (the expand phase, before the application knows the field,
 * or with the application stopped, as seed 2 prescribes), then rerun it to catch documents created meanwhile.
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class Backfill extends BatchedStep<Backfill> {

    /**
     * How a value is derived from the related document, e.g. a tenant id from a business's slug, or its
     * {@code _id} where it has none.
     *
     * <p>Called on the thread that runs the step, one document at a time.
     *
     * @since 0.1
     */
    @FunctionalInterface
    public interface Derivation {
        /**
         * The value for a document whose related document is {@code related}.
         *
         * @param related the related document, with the fields the backfill reads
         * @return the value, or null if none can be derived (the document is then unresolved)
         * @throws IllegalArgumentException if the related document holds a value that cannot be used; its message
         *     is the document's reason
         */
        @Nullable BsonValue derive(BsonDocument related);
    }

    private @Nullable String field;
    private @Nullable Relation relation;
    private @Nullable String relatedField;
    private @Nullable Derivation derivation;
    private List<String> derivedFrom = List.of();

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
        this.derivation = null;
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
        this.derivation = null;
        return this;
    }

    /**
     * Derives the value from the document {@code relation} leads to, read with {@code fields} only. A document whose
     * related document is missing, or from which {@code derivation} derives nothing, is unresolved (by default the
     * step then fails, naming it: {@link #onUnresolved}).
     *
     * <pre>{@code
     * Backfill.of(customers).field("tenantId").from(Relation.of(businesses, "businessId"),
     *         business -> business.isString("slug") ? business.get("slug")
     *                 : new BsonString(business.getObjectId("_id").getValue().toHexString()), "slug")
     * }</pre>
     *
     * @param relation e.g. {@code Relation.of(businesses, "businessId")}
     * @param derivation the value from the related document
     * @param fields the related document's fields it reads ({@code _id} is always read)
     * @return this step
     * @throws IllegalArgumentException if a field is not a usable field path
     */
    public Backfill from(Relation relation, Derivation derivation, String... fields) {
        this.relation = Objects.requireNonNull(relation, "relation");
        this.derivation = Objects.requireNonNull(derivation, "derivation");
        List<String> read = new ArrayList<>();
        for (String f : fields) {
            read.add(Fields.check("field", f));
        }
        this.derivedFrom = List.copyOf(read);
        this.relatedField = null;
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

    @Override
    public Set<String> reads() {
        return Set.of(collectionName(), requireRelation().name());
    }

    @Override
    public Set<String> writes() {
        return written();
    }

    /**
     * Counts the documents that lack the field, {@code "<collection> to backfill with <field>"}, and those whose value
     * cannot be derived, as the step's {@link #onUnresolved policy} treats them: a predicted failure (by default),
     * {@code "<collection> to quarantine (...)"} or {@code "<collection> to leave alone (...)"}. Reads only: a count,
     * one {@code $group} by the relation's key and {@code $in} look-ups of the distinct keys.
     *
     * @throws IllegalStateException if the field or the relation is not set
     */
    @Override
    public Plan.Line plan() {
        return plan(Planning.alone());
    }

    @Override
    Plan.Line plan(Planning planning) {
        String f = requireField();
        Relation r = requireRelation();
        Bson pending = planScope(Filters.eq(f, null), planning);
        long count = collection.countDocuments(pending);
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, List<BsonValue>> ids = dependent(planning) ? Map.of() : Lookups.unresolvable(collection, pending,
                r, projection(), deriving(r), Planning.MAX_REMOVED, counts);
        long bad = counts.values().stream().mapToLong(Long::longValue).sum();
        Plan.Line line = Plan.Line.of(name()).with(collectionName() + " to backfill with " + f, count - bad);
        return unresolvable(line, planning, ids, counts);
    }

    /**
     * Sets the field on every document that lacks it and whose value can be derived; the others are settled by the
     * step's {@link #onUnresolved policy}.
     *
     * @return what was written and what was left alone or quarantined
     * @throws IllegalStateException if the field or the relation is not set
     * @throws StepFailedException if documents could not be resolved (and the policy is to fail) or writes were
     *     refused, once everything else is done
     * @throws RuntimeException what the server throws, other than refused items; the checkpoint then holds the
     *     last acknowledged batch
     */
    public StepReport run() {
        String f = requireField();
        Relation r = requireRelation();
        Lookups.Deriving deriving = deriving(r);
        Bson pending = pending(f);
        Batches batches = batches(pending, collection, List.of(r.collection()));
        var report = batches.projection(Projections.include(r.localKey())).runPages(page -> {
            BsonValue[] values = Lookups.related(page, r, projection(), deriving, state);
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
            writes.addAll(settle(true));
            return writes;
        });
        return report(report);
    }

    private Bson projection() {
        if (derivation != null) {
            return derivedFrom.isEmpty() ? Projections.include("_id") : Projections.include(derivedFrom);
        }
        return Projections.include(relatedField != null ? relatedField : requireField());
    }

    private Lookups.Deriving deriving(Relation r) {
        if (derivation == null) {
            return Lookups.field(r, relatedField != null ? relatedField : requireField());
        }
        Derivation d = derivation;
        return (key, related, why) -> d.derive(related);
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
