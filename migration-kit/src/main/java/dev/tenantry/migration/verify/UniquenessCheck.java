package dev.tenantry.migration.verify;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import dev.tenantry.migration.internal.BsonValues;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * Per-tenant uniqueness: one {@code $group} by tenant and values keeping only counts (so the server holds no id
 * lists), {@code $match} on count above one; then, for the first groups only, a query for their {@code _id}s.
 */
final class UniquenessCheck {

    private UniquenessCheck() {
    }

    static Check run(MongoDatabase database, String collection, List<String> fields, String tenantField) {
        MongoCollection<BsonDocument> c = database.getCollection(collection, BsonDocument.class);
        // $group key names cannot hold dots, so fields are keyed by position.
        BsonDocument key = new BsonDocument("t", new BsonString("$" + tenantField));
        List<Bson> anySet = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            // $ifNull makes a missing field and a null one the same key, as a unique index does.
            key.append("f" + i, new BsonDocument("$ifNull", new BsonArray(List.of(new BsonString("$"
                    + fields.get(i)), BsonNull.VALUE))));
            anySet.add(Filters.ne(fields.get(i), null));
        }
        List<Bson> pipeline = List.of(
                Aggregates.match(anySet.size() == 1 ? anySet.get(0) : Filters.or(anySet)),
                Aggregates.group(key, Accumulators.sum("n", 1)),
                Aggregates.match(Filters.gt("n", 1)));
        long groups = 0;
        List<BsonValue> samples = new ArrayList<>();
        String detail = "";
        for (BsonDocument group : c.aggregate(pipeline).allowDiskUse(true)) {
            groups++;
            BsonDocument values = group.getDocument("_id");
            if (detail.isEmpty()) {
                StringBuilder d = new StringBuilder("e.g. " + group.getNumber("n").longValue() + " documents with "
                        + tenantField + " " + BsonValues.show(values.get("t")));
                for (int i = 0; i < fields.size(); i++) {
                    d.append(", ").append(fields.get(i)).append(' ').append(BsonValues.show(values.get("f" + i)));
                }
                detail = d.toString();
            }
            if (samples.size() < Verifier.MAX_SAMPLES) {
                List<Bson> same = new ArrayList<>();
                same.add(Filters.eq(tenantField, values.get("t", BsonNull.VALUE)));
                for (int i = 0; i < fields.size(); i++) {
                    same.add(Filters.eq(fields.get(i), values.get("f" + i, BsonNull.VALUE)));
                }
                for (BsonDocument doc : c.find(Filters.and(same)).projection(Projections.include("_id"))
                        .sort(Sorts.ascending("_id")).limit(Verifier.MAX_SAMPLES - samples.size())) {
                    samples.add(doc.get("_id"));
                }
            }
        }
        return new Check(collection + ": " + String.join(", ", fields) + " unique per " + tenantField, groups,
                samples, detail);
    }
}
