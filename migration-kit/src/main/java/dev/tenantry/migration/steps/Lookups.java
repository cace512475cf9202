package dev.tenantry.migration.steps;

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

/** Look-ups per page: {@code $in} queries on {@code _id} ({@link IdLookup}), never one per document. */
final class Lookups {

    private Lookups() {
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
        Map<BsonValue, BsonDocument> related = IdLookup.byId(relation.collection(), keys, Projections.include(field));
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
