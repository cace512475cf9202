package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import dev.tenantry.migration.internal.BsonValues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/** Look-ups per page: {@code $in} queries on {@code _id} (one per {@value #MAX_IN} ids), never one per document. */
final class Lookups {

    /**
     * The most {@code _id}s in one {@code $in} list. A page's look-up is split into queries of at most this many, so
     * no batch size or {@code _id} size nears the 16 MB command limit; on a real server that costs a few more round
     * trips per page and nothing per id. (It also keeps the embedded test server fast: its {@code $in} costs grow
     * with the square of the list.)
     */
    static final int MAX_IN = 200;

    private Lookups() {
    }

    /**
     * The documents of {@code collection} whose {@code _id} is one of {@code ids}, keyed by their {@link
     * Fields#normal normal} {@code _id}; one query, none when {@code ids} is empty.
     */
    static Map<BsonValue, BsonDocument> byId(MongoCollection<BsonDocument> collection,
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

    /**
     * For each document of {@code page}, the value of {@code field} of the document {@code relation} leads to, or
     * null where there is none (each such document recorded in {@code misses}, with why).
     */
    static @Nullable BsonValue[] related(List<BsonDocument> page, Relation relation, String field, Misses misses) {
        Set<BsonValue> keys = new LinkedHashSet<>();
        for (BsonDocument doc : page) {
            BsonValue key = BsonValues.get(doc, relation.localKey());
            if (!BsonValues.isNull(key)) {
                keys.add(key);
            }
        }
        Map<BsonValue, BsonDocument> related = byId(relation.collection(), keys, Projections.include(field));
        BsonValue[] out = new BsonValue[page.size()];
        for (int i = 0; i < page.size(); i++) {
            BsonDocument doc = page.get(i);
            BsonValue key = BsonValues.get(doc, relation.localKey());
            if (BsonValues.isNull(key)) {
                misses.add(doc.get("_id"), "no " + relation.localKey());
                continue;
            }
            BsonDocument target = related.get(BsonValues.normal(key));
            BsonValue value = target == null ? null : BsonValues.get(target, field);
            if (target == null) {
                misses.add(doc.get("_id"), "no " + relation.name() + " document with _id " + BsonValues.show(key)
                        + " (" + relation.localKey() + ")");
            } else if (BsonValues.isNull(value)) {
                misses.add(doc.get("_id"), relation.name() + " " + BsonValues.show(key) + " has no " + field);
            } else {
                out[i] = value;
            }
        }
        return out;
    }

    /**
     * Each document's tenant: its own {@code tenantField}, else (with a relation) the related document's
     * {@code tenantField}, else null, recorded in {@code misses}.
     */
    static @Nullable BsonValue[] tenants(List<BsonDocument> page, String tenantField, @Nullable Relation via,
            Misses misses) {
        BsonValue[] out = new BsonValue[page.size()];
        List<Integer> lacking = new ArrayList<>();
        for (int i = 0; i < page.size(); i++) {
            BsonValue own = BsonValues.get(page.get(i), tenantField);
            if (BsonValues.isNull(own)) {
                lacking.add(i);
            } else {
                out[i] = own;
            }
        }
        if (lacking.isEmpty()) {
            return out;
        }
        if (via == null) {
            for (int i : lacking) {
                misses.add(page.get(i).get("_id"), "no " + tenantField);
            }
            return out;
        }
        List<BsonDocument> sub = new ArrayList<>(lacking.size());
        for (int i : lacking) {
            sub.add(page.get(i));
        }
        BsonValue[] resolved = related(sub, via, tenantField, misses);
        for (int j = 0; j < lacking.size(); j++) {
            out[lacking.get(j)] = resolved[j];
        }
        return out;
    }
}
