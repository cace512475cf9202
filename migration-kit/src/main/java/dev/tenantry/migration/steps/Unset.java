package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Plan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;

/**
 * Removes fields from the documents that have them: the contract step of seed 2, which strips {@code userId} from
 * bookings once they point at customers, and the customer-only fields from users.
 *
 * <pre>{@code
 * Unset.of(users).fields("phone", "company", "country", "address", "city", "state", "zipCode").in(ctx).run();
 * }</pre>
 *
 * <p>Only documents that have at least one of the fields are read, so a rerun has nothing left to do; each gets one
 * {@code $unset}. Removing data is the one step a rerun cannot undo: take a backup first
 * ({@link dev.tenantry.migration.backup.Backup}), and run it after verification of the steps it contracts.
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class Unset extends BatchedStep<Unset> {

    private final Set<String> fields = new LinkedHashSet<>();

    private Unset(MongoCollection<BsonDocument> collection) {
        super(collection);
    }

    /**
     * Removes fields from documents of {@code collection}.
     *
     * @param collection e.g. users
     * @return the step, to configure
     */
    public static Unset of(MongoCollection<BsonDocument> collection) {
        return new Unset(collection);
    }

    /**
     * The fields to remove.
     *
     * @param fields field paths
     * @return this step
     * @throws IllegalArgumentException if one is not a usable field path or is {@code _id}
     */
    public Unset fields(String... fields) {
        for (String field : fields) {
            Fields.check("field", field);
            if (field.equals("_id")) {
                throw new IllegalArgumentException("_id cannot be unset");
            }
            this.fields.add(field);
        }
        return this;
    }

    @Override
    Unset self() {
        return this;
    }

    @Override
    String defaultName() {
        return "unset " + collectionName() + "." + String.join(",", fields);
    }

    /**
     * Counts the documents that have at least one of the fields: {@code "<collection> to strip"}. Reads only.
     *
     * @throws IllegalStateException if no field is set
     */
    @Override
    public Plan plan() {
        return Plan.of(collectionName() + " to strip", collection.countDocuments(pending()));
    }

    /**
     * Removes the fields from every document that has one.
     *
     * @return what was written
     * @throws IllegalStateException if no field is set
     * @throws RuntimeException what the server throws, other than refused items; the checkpoint then holds the
     *     last acknowledged batch
     */
    public StepReport run() {
        Bson pending = pending();
        List<Bson> unsets = new ArrayList<>(fields.size());
        for (String field : fields) {
            unsets.add(Updates.unset(field));
        }
        Bson update = Updates.combine(unsets);
        // One update per document, by _id alone ($unset of a field already gone changes nothing), so a document the
        // server refuses is reported on its own and the rest of the page is still written.
        var batch = batches(pending).projection(Projections.include("_id")).runPages(page -> {
            List<WriteModel<BsonDocument>> writes = new ArrayList<>(page.size());
            for (BsonDocument doc : page) {
                writes.add(new UpdateOneModel<>(Filters.eq("_id", doc.get("_id")), update));
            }
            return writes;
        });
        return report(batch, new Misses());
    }

    private Bson pending() {
        if (fields.isEmpty()) {
            throw new IllegalStateException("unset of " + collectionName() + " needs fields(...)");
        }
        List<Bson> any = new ArrayList<>(fields.size());
        for (String field : fields) {
            any.add(Filters.exists(field));
        }
        return scope(any.size() == 1 ? any.get(0) : Filters.or(any));
    }
}
