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
     * The most values in one {@code $in} list: a page of a thousand documents is looked up in one round trip, which a
     * real server answers from its index, while no {@code _id} size nears the 16 MB command limit (a thousand
     * 1 KB ids are 1 MB). (The embedded test server matches every document it finds against every listed value, so
     * there a look-up costs the square of the list; that is the fake's cost, not a real server's.)
     */
    public static final int MAX_IN = 1000;

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
                found.put(BsonValues.normal(BsonValues.id(doc)), doc);
            }
        }
        return found;
    }
}
