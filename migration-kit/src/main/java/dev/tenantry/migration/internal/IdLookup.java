package dev.tenantry.migration.internal;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * Reads documents by {@code _id} in {@code $in} queries of at most {@value #MAX_IN} ids: one query per chunk, never one
 * per document. The one look-up the steps and the verifier share.
 */
public final class IdLookup {

    /**
     * The most {@code _id}s in one {@code $in} list. Small enough that no batch size or {@code _id} size nears the
     * 16 MB command limit; on a real server a page's look-up then costs a few more round trips and nothing per id.
     * (The embedded test server matches an {@code $in} against every listed value, so its cost grows with the square
     * of the list; this size keeps that in check without costing a real server anything that matters.)
     */
    public static final int MAX_IN = 64;

    private IdLookup() {
    }

    /**
     * The documents of {@code collection} whose {@code _id} is one of {@code ids}, keyed by their {@link
     * BsonValues#normal normal} {@code _id}; no query when {@code ids} is empty.
     */
    public static Map<BsonValue, BsonDocument> byId(MongoCollection<BsonDocument> collection,
            Collection<? extends BsonValue> ids, Bson projection) {
        Map<BsonValue, BsonDocument> found = new HashMap<>();
        List<BsonValue> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += MAX_IN) {
            List<BsonValue> chunk = all.subList(from, Math.min(all.size(), from + MAX_IN));
            for (BsonDocument doc : collection.find(Filters.in("_id", chunk)).projection(projection)) {
                found.put(BsonValues.normal(doc.get("_id")), doc);
            }
        }
        return found;
    }
}
