package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 * copies are looked up with {@code $in} queries on {@code _id}.
 */
final class SplitPlan {

    record Counts(long toCreate, long unresolved) {
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

    private @Nullable BsonValue currentKey;
    private final Set<BsonValue> tenantsOfCurrentKey = new HashSet<>();
    private long toCreate;
    private long unresolved;

    SplitPlan(MongoCollection<BsonDocument> grouping, Bson match, String key, String tenantField,
            @Nullable Relation via, MongoCollection<BsonDocument> source, MongoCollection<BsonDocument> target,
            IdScheme ids, int chunk) {
        this.grouping = grouping;
        this.match = match;
        this.key = key;
        this.tenantField = tenantField;
        this.via = via;
        this.source = source;
        this.target = target;
        this.ids = ids;
        this.chunk = chunk;
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
        return new Counts(toCreate, unresolved);
    }

    private void process(List<BsonDocument> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        BsonValue[] keys = new BsonValue[n];
        BsonValue[] tenants = new BsonValue[n];
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
                if (tenants[i] == null && !BsonValues.isNull(r)) {
                    BsonDocument doc = related.get(BsonValues.normal(r));
                    BsonValue tenant = doc == null ? null : BsonValues.get(doc, tenantField);
                    tenants[i] = BsonValues.isNull(tenant) ? null : tenant;
                }
            }
        }
        Set<BsonValue> sourceIds = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            if (keys[i] != null && tenants[i] != null) {
                sourceIds.add(keys[i]);
            }
        }
        Map<BsonValue, BsonDocument> sources = IdLookup.byId(source, sourceIds, Projections.include("_id"));
        List<BsonValue> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BsonValue k = keys[i];
            BsonValue t = tenants[i];
            if (k == null || t == null || !sources.containsKey(BsonValues.normal(k))) {
                unresolved += rows.get(i).getNumber("n").longValue();
                continue;
            }
            BsonValue normalKey = BsonValues.normal(k);
            if (!normalKey.equals(currentKey)) {
                currentKey = normalKey;
                tenantsOfCurrentKey.clear();
            }
            if (tenantsOfCurrentKey.add(BsonValues.normal(t))) {
                candidates.add(ids.id(k, t));
            }
        }
        toCreate += candidates.size() - IdLookup.byId(target, candidates, Projections.include("_id")).size();
    }
}
