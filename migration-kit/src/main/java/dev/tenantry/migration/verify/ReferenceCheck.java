package dev.tenantry.migration.verify;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Projections;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A reference check, in batches: the referencing collection read through one cursor, a batch at a time, and each
 * batch's targets read with {@code $in} queries on {@code _id} ({@link IdLookup}). Not a {@code $lookup}, which costs
 * one query per document, and no sort: a verification needs every document once, not an order to resume from.
 */
final class ReferenceCheck {

    private final MongoCollection<BsonDocument> referencing;
    private final MongoCollection<BsonDocument> referenced;
    private final String collection;
    private final String field;
    private final String target;
    private final String tenantField;
    private final int batchSize;

    private final Tally unset = new Tally();
    private final Tally orphans = new Tally();
    private final Tally crossing = new Tally();

    ReferenceCheck(MongoDatabase database, String collection, String field, String target, String tenantField,
            int batchSize) {
        this.referencing = database.getCollection(collection, BsonDocument.class);
        this.referenced = database.getCollection(target, BsonDocument.class);
        this.collection = collection;
        this.field = field;
        this.target = target;
        this.tenantField = tenantField;
        this.batchSize = batchSize;
    }

    List<Check> run() {
        List<BsonDocument> batch = new ArrayList<>(batchSize);
        for (BsonDocument doc : referencing.find().projection(Projections.include(field, tenantField))
                .batchSize(batchSize)) {
            batch.add(doc);
            if (batch.size() == batchSize) {
                check(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            check(batch);
        }
        String name = collection + "." + field + " -> " + target + ": ";
        return List.of(unset.check(name + "set", ""),
                orphans.check(name + "no orphans", orphans.count == 0 ? "" : "the reference names no " + target
                        + " document"),
                crossing.check(name + "same " + tenantField, crossing.count == 0 ? "" : crossing.detail));
    }

    private void check(List<BsonDocument> docs) {
        Set<BsonValue> refs = new LinkedHashSet<>();
        for (BsonDocument doc : docs) {
            BsonValue ref = BsonValues.get(doc, field);
            if (!BsonValues.isNull(ref)) {
                refs.add(ref);
            }
        }
        Map<BsonValue, BsonDocument> targets = IdLookup.byId(referenced, refs, Projections.include(tenantField));
        for (BsonDocument doc : docs) {
            BsonValue id = BsonValues.id(doc);
            BsonValue ref = BsonValues.get(doc, field);
            if (BsonValues.isNull(ref)) {
                unset.add(id);
                continue;
            }
            BsonDocument t = targets.get(BsonValues.normal(ref));
            if (t == null) {
                orphans.add(id);
                continue;
            }
            BsonValue own = BsonValues.get(doc, tenantField);
            BsonValue theirs = BsonValues.get(t, tenantField);
            if (BsonValues.isNull(own) || BsonValues.isNull(theirs)
                    || !BsonValues.normal(own).equals(BsonValues.normal(theirs))) {
                if (crossing.count == 0) {
                    crossing.detail = "e.g. " + collection + " " + BsonValues.show(id) + " in " + tenantField + " "
                            + BsonValues.show(own) + " names " + target + " " + BsonValues.show(ref) + " in "
                            + BsonValues.show(theirs);
                }
                crossing.add(id);
            }
        }
    }

    /** Violations of one kind. */
    private static final class Tally {
        long count;
        final List<BsonValue> samples = new ArrayList<>();
        @Nullable String detail;

        void add(BsonValue id) {
            count++;
            if (samples.size() < Verifier.MAX_SAMPLES) {
                samples.add(id);
            }
        }

        Check check(String name, @Nullable String detail) {
            return new Check(name, count, samples, detail == null ? "" : detail);
        }
    }
}
