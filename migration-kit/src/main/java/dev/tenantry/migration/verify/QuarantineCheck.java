package dev.tenantry.migration.verify;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Projections;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A quarantine's soundness, in batches: every quarantined document names its reason and holds the document whole
 * under its own {@code _id}, and none is still (or again) in the collection it was taken from.
 */
final class QuarantineCheck {

    static Check run(MongoDatabase database, String collection, String quarantine, int batchSize) {
        QuarantineCheck check = new QuarantineCheck(database.getCollection(collection, BsonDocument.class),
                collection, quarantine);
        List<BsonDocument> batch = new ArrayList<>(batchSize);
        for (BsonDocument wrapped : database.getCollection(quarantine, BsonDocument.class).find()
                .projection(Projections.include("reason", "from", "document._id")).batchSize(batchSize)) {
            batch.add(wrapped);
            if (batch.size() == batchSize) {
                check.check(batch);
                batch.clear();
            }
        }
        check.check(batch);
        String summary = String.format(Locale.ROOT, "%,d documents quarantined", check.count)
                + (check.reasons.isEmpty() ? "" : "; first reason: " + check.reasons.keySet().iterator().next());
        return new Check(quarantine + ": each with its reason, none left in " + collection, check.violations,
                check.samples, check.detail == null ? summary : check.detail + "; " + summary);
    }

    private final MongoCollection<BsonDocument> source;
    private final String collection;
    private final String quarantine;
    private long count;
    private long violations;
    private final List<BsonValue> samples = new ArrayList<>();
    private final Map<String, Long> reasons = new LinkedHashMap<>();
    private @Nullable String detail;

    private QuarantineCheck(MongoCollection<BsonDocument> source, String collection, String quarantine) {
        this.source = source;
        this.collection = collection;
        this.quarantine = quarantine;
    }

    private void check(List<BsonDocument> part) {
        if (part.isEmpty()) {
            return;
        }
        List<BsonValue> ids = part.stream().map(d -> d.get("_id")).toList();
        Map<BsonValue, BsonDocument> still = IdLookup.byId(source, ids, Projections.include("_id"));
        for (BsonDocument wrapped : part) {
            count++;
            BsonValue id = BsonValues.id(wrapped);
            BsonValue reason = wrapped.get("reason");
            BsonValue inner = BsonValues.get(wrapped, "document._id");
            String wrong = null;
            if (reason == null || !reason.isString() || reason.asString().getValue().isBlank()) {
                wrong = "has no reason";
            } else if (inner == null || !BsonValues.normal(inner).equals(BsonValues.normal(id))) {
                wrong = "does not hold the document " + BsonValues.show(id);
            } else if (wrapped.containsKey("from") && !collection.equals(wrapped.getString("from").getValue())) {
                wrong = "came from " + wrapped.getString("from").getValue() + ", not " + collection;
            } else if (still.containsKey(BsonValues.normal(id))) {
                wrong = "is still in " + collection;
            } else {
                reasons.merge(reason.asString().getValue(), 1L, Long::sum);
            }
            if (wrong != null) {
                violations++;
                if (detail == null) {
                    detail = "e.g. " + quarantine + " " + BsonValues.show(id) + " " + wrong;
                }
                if (samples.size() < Verifier.MAX_SAMPLES) {
                    samples.add(id);
                }
            }
        }
    }
}
