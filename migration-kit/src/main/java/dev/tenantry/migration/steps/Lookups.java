package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/** Look-ups per page: {@code $in} queries on {@code _id} ({@link IdLookup}), never one per document. */
final class Lookups {

    private Lookups() {
    }

    /** A value derived from a related document, or why there is none. */
    @FunctionalInterface
    interface Deriving {
        /**
         * The value derived from {@code related} (whose {@code _id} is {@code key}), or null, with the kind of reason
         * (the same for every document it concerns) appended to {@code why}.
         */
        @Nullable BsonValue derive(BsonValue key, BsonDocument related, StringBuilder why);
    }

    /** Deriving the value of {@code field} of the related document. */
    static Deriving field(Relation relation, String field) {
        return (key, related, why) -> {
            BsonValue value = BsonValues.get(related, field);
            if (BsonValues.isNull(value)) {
                why.append(relation.name()).append(" without ").append(field);
                return null;
            }
            return value;
        };
    }

    /**
     * For each document of {@code page}, the value derived from the document {@code relation} leads to (read with
     * {@code projection}), or null where there is none (each such document recorded in {@code misses}, with why).
     */
    static @Nullable BsonValue[] related(List<BsonDocument> page, Relation relation, Bson projection,
            Deriving deriving, StepState misses) {
        Set<BsonValue> keys = new LinkedHashSet<>();
        for (BsonDocument doc : page) {
            BsonValue key = BsonValues.get(doc, relation.localKey());
            if (!BsonValues.isNull(key)) {
                keys.add(key);
            }
        }
        Map<BsonValue, BsonDocument> related = IdLookup.byId(relation.collection(), keys, projection);
        BsonValue[] out = new BsonValue[page.size()];
        for (int i = 0; i < page.size(); i++) {
            BsonDocument doc = page.get(i);
            StepState.Miss[] miss = new StepState.Miss[1];
            out[i] = attempt(relation, BsonValues.get(doc, relation.localKey()), related, deriving, miss);
            if (out[i] == null) {
                misses.miss(BsonValues.id(doc), miss[0]);
            }
        }
        return out;
    }

    /** Why a document whose key is {@code key} derives nothing through {@code relation}, or null if it does. */
    static StepState.@Nullable Miss why(Relation relation, @Nullable BsonValue key,
            Map<BsonValue, BsonDocument> related, Deriving deriving) {
        StepState.Miss[] miss = new StepState.Miss[1];
        return attempt(relation, key, related, deriving, miss) == null ? miss[0] : null;
    }

    /** The value derived for a document whose key is {@code key}, or null with why in {@code miss[0]}. */
    private static @Nullable BsonValue attempt(Relation relation, @Nullable BsonValue key,
            Map<BsonValue, BsonDocument> related, Deriving deriving, StepState.Miss[] miss) {
        if (key == null || BsonValues.isNull(key)) {
            miss[0] = new StepState.Miss("no " + relation.localKey(), "no " + relation.localKey());
            return null;
        }
        BsonDocument target = related.get(BsonValues.normal(key));
        if (target == null) {
            miss[0] = new StepState.Miss("no " + relation.name() + " document (" + relation.localKey() + ")",
                    "no " + relation.name() + " document with _id " + BsonValues.show(key) + " ("
                            + relation.localKey() + ")");
            return null;
        }
        StringBuilder why = new StringBuilder();
        BsonValue value;
        try {
            value = deriving.derive(key, target, why);
        } catch (IllegalArgumentException e) {
            miss[0] = new StepState.Miss(relation.name() + " value unusable", relation.name() + " "
                    + BsonValues.show(key) + ": " + e.getMessage());
            return null;
        }
        if (value == null) {
            String category = why.length() > 0 ? why.toString() : relation.name() + ": nothing derived";
            miss[0] = new StepState.Miss(category, category + " (" + relation.name() + " " + BsonValues.show(key)
                    + ")");
        }
        return value;
    }

    /**
     * Each document's tenant: its own {@code tenantField}, else (with a relation) the related document's
     * {@code tenantField}, else null, recorded in {@code misses}.
     */
    static @Nullable BsonValue[] tenants(List<BsonDocument> page, String tenantField, @Nullable Relation via,
            StepState misses) {
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
                misses.miss(BsonValues.id(page.get(i)), "no " + tenantField);
            }
            return out;
        }
        List<BsonDocument> sub = new ArrayList<>(lacking.size());
        for (int i : lacking) {
            sub.add(page.get(i));
        }
        BsonValue[] resolved = related(sub, via, Projections.include(tenantField), field(via, tenantField), misses);
        for (int j = 0; j < lacking.size(); j++) {
            out[lacking.get(j)] = resolved[j];
        }
        return out;
    }

    /**
     * For a plan: the documents of {@code collection} matching {@code match} that derive nothing through
     * {@code relation}, by reason, with their {@code _id}s (up to {@code maxIds} in all). One {@code $group} by the
     * relation's key, {@code $in} look-ups of the distinct keys, then the {@code _id}s of the documents with bad keys.
     *
     * @param counts receives the number of documents per reason
     * @return the {@code _id}s per reason
     */
    static Map<String, List<BsonValue>> unresolvable(MongoCollection<BsonDocument> collection, Bson match,
            Relation relation, Bson projection, Deriving deriving, int maxIds, Map<String, Long> counts) {
        Map<BsonValue, Long> perKey = new LinkedHashMap<>();
        long withoutKey = 0;
        for (BsonDocument row : collection.aggregate(List.of(Aggregates.match(match), Aggregates.group(
                new BsonString("$" + relation.localKey()), Accumulators.sum("n", 1)))).allowDiskUse(true)) {
            BsonValue key = row.get("_id");
            long n = row.getNumber("n").longValue();
            if (BsonValues.isNull(key)) {
                withoutKey += n;
            } else {
                perKey.merge(key, n, Long::sum);
            }
        }
        Map<BsonValue, BsonDocument> related = IdLookup.byId(relation.collection(), perKey.keySet(), projection);
        Map<String, List<BsonValue>> badKeys = new LinkedHashMap<>();
        for (Map.Entry<BsonValue, Long> e : perKey.entrySet()) {
            StepState.Miss miss = why(relation, e.getKey(), related, deriving);
            if (miss != null) {
                counts.merge(miss.category(), e.getValue(), Long::sum);
                badKeys.computeIfAbsent(miss.category(), w -> new ArrayList<>()).add(e.getKey());
            }
        }
        Map<String, List<BsonValue>> ids = new LinkedHashMap<>();
        int[] left = {maxIds};
        if (withoutKey > 0) {
            String why = "no " + relation.localKey();
            counts.merge(why, withoutKey, Long::sum);
            ids.put(why, idsOf(collection, Filters.and(match, Filters.eq(relation.localKey(), null)), left));
        }
        badKeys.forEach((why, keys) -> {
            List<BsonValue> of = ids.computeIfAbsent(why, w -> new ArrayList<>());
            for (int from = 0; from < keys.size() && left[0] > 0; from += IdLookup.MAX_IN) {
                of.addAll(idsOf(collection, Filters.and(match, Filters.in(relation.localKey(),
                        keys.subList(from, Math.min(keys.size(), from + IdLookup.MAX_IN)))), left));
            }
        });
        return ids;
    }

    private static List<BsonValue> idsOf(MongoCollection<BsonDocument> collection, Bson filter, int[] left) {
        List<BsonValue> out = new ArrayList<>();
        if (left[0] <= 0) {
            return out;
        }
        for (BsonDocument doc : collection.find(filter).projection(Projections.include("_id")).limit(left[0])) {
            out.add(doc.get("_id"));
        }
        left[0] -= out.size();
        return out;
    }
}
