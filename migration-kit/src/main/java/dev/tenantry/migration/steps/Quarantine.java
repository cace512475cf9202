package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.batch.BatchReport;
import dev.tenantry.migration.batch.Batches;
import dev.tenantry.migration.batch.Checkpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * Moves the documents that fail a relation out of the way, to {@code <collection>_quarantine}, with the reason: seed
 * 2's bookings whose service was deleted or whose user does not exist, which no later step could resolve.
 *
 * <pre>{@code
 * Quarantine.of(db, "bookings")
 *         .requires(Relation.of(services, "serviceId"))   // the booking's service exists
 *         .requires(Relation.of(users, "userId"))         // and so does its user
 *         .in(ctx).run();                                 // report().quarantined(): how many moved
 * }</pre>
 *
 * <p>Each quarantined document is kept whole, wrapped with why: {@code {_id: <its _id>, from: <collection>,
 * step: <step>, reason: <why>, document: <the document>}}; it is written to the quarantine before it is deleted from
 * the collection, so a step interrupted anywhere and run again moves each document exactly once. {@link #plan()}
 * counts them by reason, and later steps' plans leave them out; the verifier checks the quarantine
 * ({@link dev.tenantry.migration.verify.Verifier#quarantined}); {@link #restore()} puts them back. Any step can also
 * quarantine the documents it cannot resolve ({@link #onUnresolved}).
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class Quarantine extends BatchedStep<Quarantine> {

    private final MongoCollection<BsonDocument> quarantine;
    private final List<Relation> required = new ArrayList<>();

    private Quarantine(MongoCollection<BsonDocument> collection, MongoCollection<BsonDocument> quarantine) {
        super(collection);
        this.quarantine = quarantine;
        onUnresolved(OnUnresolved.QUARANTINE);
        quarantineTo(quarantine);
    }

    /**
     * Quarantines documents of {@code collection} of {@code database} into {@code <collection>_quarantine}.
     *
     * @param database the database
     * @param collection e.g. {@code "bookings"}
     * @return the step, to configure
     * @throws IllegalArgumentException if the name is empty
     */
    public static Quarantine of(MongoDatabase database, String collection) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(collection, "collection");
        if (collection.isEmpty()) {
            throw new IllegalArgumentException("collection name must not be empty");
        }
        return new Quarantine(database.getCollection(collection, BsonDocument.class),
                database.getCollection(collection + Quarantines.SUFFIX, BsonDocument.class));
    }

    /**
     * Documents whose {@code relation} names nothing (the key is missing or null, or no document has that
     * {@code _id}) are quarantined. Several relations: a document failing any is quarantined, with the first reason.
     *
     * @param relation e.g. {@code Relation.of(services, "serviceId")}
     * @return this step
     */
    public Quarantine requires(Relation relation) {
        required.add(Objects.requireNonNull(relation, "relation"));
        return this;
    }

    @Override
    Quarantine self() {
        return this;
    }

    @Override
    String defaultName() {
        List<String> keys = required.stream().map(Relation::localKey).toList();
        return "quarantine " + collectionName() + " without " + String.join(", ", keys);
    }

    @Override
    public Set<String> reads() {
        Set<String> out = new LinkedHashSet<>(List.of(collectionName()));
        required.forEach(r -> out.add(r.name()));
        return out;
    }

    @Override
    public Set<String> writes() {
        return written();
    }

    /** The quarantine collection's name. */
    public String quarantineName() {
        return quarantine.getNamespace().getCollectionName();
    }

    /**
     * Counts the documents to quarantine by reason: {@code "<collection> to quarantine (<reason>: n, ...)"}. Reads
     * only: the documents in pages with the look-ups a run makes.
     *
     * @throws IllegalStateException if no relation is required
     */
    @Override
    public Plan.Line plan() {
        return plan(Planning.alone());
    }

    @Override
    Plan.Line plan(Planning planning) {
        requireRelations();
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, List<BsonValue>> ids = simulate(planScope(new BsonDocument(), planning),
                Projections.include(localKeys()), this::check, counts);
        Plan.Line line = Plan.Line.of(name());
        return counts.isEmpty() ? line.with(collectionName() + " to quarantine", 0)
                : unresolvable(line, planning, ids, counts);
    }

    /**
     * Moves every document that fails a required relation to the quarantine collection.
     *
     * @return what was done; {@link StepReport#quarantined()} counts the documents moved
     * @throws IllegalStateException if no relation is required
     * @throws RuntimeException what the server throws; the checkpoint then holds the last acknowledged batch
     */
    public StepReport run() {
        requireRelations();
        List<MongoCollection<BsonDocument>> lookedUp = new ArrayList<>();
        required.forEach(r -> lookedUp.add(r.collection()));
        var batch = batches(scope(new BsonDocument()), collection, new ArrayList<>(lookedUp))
                .projection(Projections.include(localKeys())).runPages(page -> {
                    check(page, state);
                    return settle(true);
                });
        return report(batch);
    }

    /**
     * Puts every quarantined document back into the collection, as it was, and removes it from the quarantine.
     *
     * @return how many documents were restored
     */
    public long restore() {
        return restore(new BsonDocument());
    }

    /**
     * Puts the quarantined documents matching {@code filter} back into the collection, as they were, and removes
     * them from the quarantine. The filter applies to the quarantine's documents: {@code reason}, {@code step},
     * {@code document.<field>}.
     *
     * @param filter which quarantined documents to restore
     * @return how many documents were restored
     */
    public long restore(Bson filter) {
        Objects.requireNonNull(filter, "filter");
        BatchReport report = Batches.over(quarantine).name("restore " + collectionName()).filter(filter)
                .batchSize(batchSize()).checkpoint(Checkpoint.inMemory()).runPages(page -> {
                    List<WriteModel<BsonDocument>> back = new ArrayList<>(page.size());
                    List<WriteModel<BsonDocument>> deletes = new ArrayList<>(page.size());
                    for (BsonDocument wrapped : page) {
                        BsonValue id = wrapped.get("_id");
                        back.add(new ReplaceOneModel<>(Filters.eq("_id", id), wrapped.getDocument("document"),
                                new ReplaceOptions().upsert(true)));
                        deletes.add(new DeleteOneModel<>(Filters.eq("_id", id)));
                    }
                    checkLease();
                    collection.bulkWrite(back, new BulkWriteOptions().ordered(false));
                    return deletes;
                });
        return report.deleted();
    }

    /** Records in {@code st} the documents of {@code page} that fail a required relation. */
    private void check(List<BsonDocument> page, StepState st) {
        for (Relation r : required) {
            Lookups.related(page, r, Projections.include("_id"), (key, related, why) -> key, st);
        }
    }

    private List<String> localKeys() {
        return required.stream().map(Relation::localKey).toList();
    }

    private void requireRelations() {
        if (required.isEmpty()) {
            throw new IllegalStateException("quarantine of " + collectionName() + " needs requires(relation)");
        }
    }
}
