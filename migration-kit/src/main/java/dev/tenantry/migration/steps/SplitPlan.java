package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The read-only count behind {@link Split#plan()}: the grouping documents' distinct (key, tenant, relation key)
 * triples from one {@code $group}, sorted by key so that one key's pairs are adjacent and deduplicating them needs
 * memory for one key only; then, a chunk of triples at a time, the relation, the shared documents and the existing
 * copies are looked up with {@code $in} queries on {@code _id}. Copies that would share unique values with another
 * (values more than one shared document holds, from the split's own {@code $group}) are counted as conflicts, also
 * against copies already in the target.
 */
final class SplitPlan {

    /** What the plan found. */
    record Counts(long toCreate, long conflicts, List<String> conflictExamples, Map<String, Long> unresolvedCounts,
                  Map<String, List<BsonValue>> unresolvedIds) {
    }

    private final MongoCollection<BsonDocument> grouping;
    private final Bson match;
    private final String key;
    private final String tenantField;
    private final @Nullable Relation via;
    private final MongoCollection<BsonDocument> source;
    private final MongoCollection<BsonDocument> target;
    private final IdScheme ids;
    private final int chunk;
    private final List<String> unique;
    private final Set<List<BsonValue>> shared;
    private final String provenance;

    private @Nullable BsonValue currentKey;
    private final Set<BsonValue> tenantsOfCurrentKey = new HashSet<>();
    private long toCreate;
    private final Map<String, Long> unresolvedCounts = new LinkedHashMap<>();
    private final Map<String, List<BsonValue>> unresolvedIds = new LinkedHashMap<>();
    /** (tenant, values) -> the keys of the shared documents whose copies hold them. */
    private final Map<List<BsonValue>, Set<BsonValue>> holders = new HashMap<>();

    SplitPlan(MongoCollection<BsonDocument> grouping, Bson match, String key, String tenantField,
            @Nullable Relation via, MongoCollection<BsonDocument> source, MongoCollection<BsonDocument> target,
            IdScheme ids, int chunk, List<String> unique, Set<List<BsonValue>> shared, String provenance) {
        this.grouping = grouping;
        this.match = match;
        this.key = key;
        this.tenantField = tenantField;
        this.via = via;
        this.source = source;
        this.target = target;
        this.ids = ids;
        this.chunk = chunk;
        this.unique = unique;
        this.shared = shared;
        this.provenance = provenance;
    }

    Counts count() {
        BsonDocument groupKey = new BsonDocument("k", new BsonString("$" + key))
                .append("t", new BsonString("$" + tenantField));
        if (via != null) {
            groupKey.append("r", new BsonString("$" + via.localKey()));
        }
        List<Bson> pipeline = List.of(Aggregates.match(match), Aggregates.group(groupKey, Accumulators.sum("n", 1)),
                Aggregates.sort(Sorts.ascending("_id.k")));
        List<BsonDocument> rows = new ArrayList<>(chunk);
        for (BsonDocument row : grouping.aggregate(pipeline).allowDiskUse(true).batchSize(chunk)) {
            rows.add(row);
            if (rows.size() == chunk) {
                process(rows);
                rows.clear();
            }
        }
        process(rows);
        existingHolders();
        long conflicts = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<List<BsonValue>, Set<BsonValue>> e : holders.entrySet()) {
            int n = e.getValue().size();
            if (n > 1) {
                conflicts += n - 1;
                if (examples.size() < 3) {
                    examples.add(source.getNamespace().getCollectionName() + " " + BsonValues.show(
                            new ArrayList<>(e.getValue())) + " share " + unique + " = "
                            + BsonValues.show(e.getKey().subList(1, e.getKey().size())) + " in " + tenantField + " "
                            + BsonValues.show(e.getKey().get(0)));
                }
            }
        }
        return new Counts(toCreate, conflicts, examples, unresolvedCounts, unresolvedIds);
    }

    private void unresolved(String category, long n, Bson which) {
        unresolvedCounts.merge(category, n, Long::sum);
        List<BsonValue> of = unresolvedIds.computeIfAbsent(category, c -> new ArrayList<>());
        int have = unresolvedIds.values().stream().mapToInt(List::size).sum();
        if (have < Planning.MAX_REMOVED) {
            for (BsonDocument doc : grouping.find(Filters.and(match, which)).projection(Projections.include("_id"))
                    .limit(Planning.MAX_REMOVED - have)) {
                of.add(doc.get("_id"));
            }
        }
    }

    private void process(List<BsonDocument> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        BsonValue[] keys = new BsonValue[n];
        BsonValue[] tenants = new BsonValue[n];
        String[] why = new String[n];
        Set<BsonValue> relationKeys = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            BsonDocument group = rows.get(i).getDocument("_id");
            keys[i] = BsonValues.isNull(group.get("k")) ? null : group.get("k");
            tenants[i] = BsonValues.isNull(group.get("t")) ? null : group.get("t");
            if (tenants[i] == null && via != null && !BsonValues.isNull(group.get("r"))) {
                relationKeys.add(group.get("r"));
            }
        }
        if (via != null && !relationKeys.isEmpty()) {
            Map<BsonValue, BsonDocument> related = IdLookup.byId(via.collection(), relationKeys,
                    Projections.include(tenantField));
            for (int i = 0; i < n; i++) {
                BsonValue r = rows.get(i).getDocument("_id").get("r");
                if (tenants[i] == null) {
                    StepState.Miss miss = Lookups.why(via, r, related, Lookups.field(via, tenantField));
                    if (miss == null) {
                        // no miss: the relation key is set and its document was found
                        tenants[i] = BsonValues.get(Objects.requireNonNull(related.get(BsonValues.normal(
                                Objects.requireNonNull(r)))), tenantField);
                    } else {
                        why[i] = miss.category();
                    }
                }
            }
        }
        Set<BsonValue> sourceIds = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            if (keys[i] != null && tenants[i] != null) {
                sourceIds.add(keys[i]);
            }
        }
        List<String> fields = new ArrayList<>(unique);
        fields.add("_id");
        Map<BsonValue, BsonDocument> sources = IdLookup.byId(source, sourceIds, Projections.include(fields));
        List<BsonValue> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BsonValue k = keys[i];
            BsonValue t = tenants[i];
            long count = rows.get(i).getNumber("n").longValue();
            BsonDocument group = rows.get(i).getDocument("_id");
            if (k == null) {
                unresolved("no " + key, count, Filters.eq(key, null));
                continue;
            }
            if (t == null) {
                String category = why[i] != null ? why[i] : "no " + tenantField;
                Bson which = Filters.and(Filters.eq(key, k), Filters.eq(tenantField, null));
                if (via != null) {
                    which = Filters.and(which, Filters.eq(via.localKey(), group.get("r", null)));
                }
                unresolved(category, count, which);
                continue;
            }
            BsonDocument shared = sources.get(BsonValues.normal(k));
            if (shared == null) {
                unresolved("no " + source.getNamespace().getCollectionName() + " document (" + key + ")", count,
                        Filters.eq(key, k));
                continue;
            }
            BsonValue normalKey = BsonValues.normal(k);
            if (!normalKey.equals(currentKey)) {
                currentKey = normalKey;
                tenantsOfCurrentKey.clear();
            }
            if (tenantsOfCurrentKey.add(BsonValues.normal(t))) {
                candidates.add(ids.id(k, t));
                List<BsonValue> holderKey = holderKey(shared, t);
                if (holderKey != null) {
                    holders.computeIfAbsent(holderKey, x -> new LinkedHashSet<>()).add(normalKey);
                }
            }
        }
        toCreate += candidates.size() - IdLookup.byId(target, candidates, Projections.include("_id")).size();
    }

    /** (tenant, unique values) of a copy of {@code shared} in {@code tenant}, if those values are shared. */
    private @Nullable List<BsonValue> holderKey(BsonDocument shared, BsonValue tenant) {
        if (unique.isEmpty()) {
            return null;
        }
        List<BsonValue> values = new ArrayList<>();
        for (String field : unique) {
            BsonValue v = BsonValues.get(shared, field);
            if (BsonValues.isNull(v)) {
                return null;
            }
            values.add(BsonValues.normal(v));
        }
        if (!this.shared.contains(values)) {
            return null;
        }
        values.add(0, BsonValues.normal(tenant));
        return values;
    }

    /** Adds the target's existing copies that hold values the plan's copies would share. */
    private void existingHolders() {
        if (holders.isEmpty()) {
            return;
        }
        Set<BsonValue> tenants = new LinkedHashSet<>();
        List<Set<BsonValue>> values = new ArrayList<>();
        unique.forEach(f -> values.add(new LinkedHashSet<>()));
        for (List<BsonValue> k : holders.keySet()) {
            tenants.add(k.get(0));
            for (int i = 0; i < unique.size(); i++) {
                values.get(i).add(k.get(i + 1));
            }
        }
        List<Bson> query = new ArrayList<>(List.of(Filters.in(tenantField, tenants)));
        for (int i = 0; i < unique.size(); i++) {
            query.add(Filters.in(unique.get(i), values.get(i)));
        }
        for (BsonDocument doc : target.find(Filters.and(query))) {
            List<BsonValue> k = new ArrayList<>();
            k.add(BsonValues.normal(Objects.requireNonNull(doc.get(tenantField)))); // found by it
            for (String field : unique) {
                BsonValue v = BsonValues.get(doc, field);
                k.add(v == null ? new BsonString("") : BsonValues.normal(v));
            }
            Set<BsonValue> of = holders.get(k);
            if (of != null) {
                BsonValue made = BsonValues.get(doc, provenance);
                of.add(made == null ? doc.get("_id") : BsonValues.normal(made));
            }
        }
    }
}
