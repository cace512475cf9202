package dev.tenantry.collection;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of random operations from three tenants, each checked against an in-memory model right after it runs:
 * the tenant's own view must equal its model, and every other tenant's stored documents must equal theirs.
 *
 * <p>Seeded: the seed is printed, and {@code -Dtenantry.seed=N} replays a run; {@code -Dtenantry.random.operations=N}
 * changes its length (default 10,000 per strategy).
 */
@MongoTest
class RandomizedIsolationIT {

    private static final int OPERATIONS = Integer.getInteger("tenantry.random.operations", 10_000);
    private static final List<TenantId> TENANTS = List.of(TenantId.of("t1"), TenantId.of("t2"), TenantId.of("t3"));
    private static final int KEYS = 24;

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void randomOperationsNeverCrossTenants(IsolationStrategy strategy, MongoBackend backend, MongoClient raw,
                                           MongoDatabase database) {
        long seed = Long.getLong("tenantry.seed", System.nanoTime());
        System.out.println("RandomizedIsolationIT[" + strategy + "] seed=" + seed + " (replay with -Dtenantry.seed="
                + seed + ")");
        String prefix = "r" + Long.toHexString(seed & 0xFFFFFL) + "_";
        String logical = "rnd_" + strategy.name().toLowerCase(java.util.Locale.ROOT);
        TenantDatabase probeView = TenantDatabase.builder(raw, database.getName()).tenantDatabasePrefix(prefix)
                .collection(logical, strategy).build();
        IsolationProbe probe = probeView.newIsolationProbe();
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(probe))) {
            TenantCollection<Document> coll = TenantDatabase.builder(client, database.getName())
                    .tenantDatabasePrefix(prefix).collection(logical, strategy).build().getCollection(logical);
            new Run(new Random(seed), coll, probeView, raw, logical).go();
            Probes.assertNoViolationsBesidesSharedIndexDdl(probe);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("randomized run failed for " + strategy + " with seed " + seed
                    + " (replay with -Dtenantry.seed=" + seed + "): " + e.getMessage(), e);
        } finally {
            for (TenantId tenant : TENANTS) {
                raw.getDatabase(prefix + tenant.value()).drop();
            }
        }
    }

    /** One randomized run: the operations, the model, and the checks. */
    private static final class Run {
        private final Random random;
        private final TenantCollection<Document> coll;
        private final TenantDatabase view;
        private final MongoClient raw;
        private final String logical;
        private final Map<TenantId, TreeMap<Integer, Integer>> model = new TreeMap<>();
        private int step;

        Run(Random random, TenantCollection<Document> coll, TenantDatabase view, MongoClient raw, String logical) {
            this.random = random;
            this.coll = coll;
            this.view = view;
            this.raw = raw;
            this.logical = logical;
            TENANTS.forEach(t -> model.put(t, new TreeMap<>()));
        }

        void go() {
            for (TenantId tenant : TENANTS) {
                Tenants.run(tenant, () -> coll.createIndex(Indexes.ascending("k"), new IndexOptions().unique(true)));
            }
            for (step = 0; step < OPERATIONS; step++) {
                TenantId tenant = TENANTS.get(random.nextInt(TENANTS.size()));
                Tenants.run(tenant, () -> {
                    operate(tenant, model.get(tenant));
                    assertEquals(model.get(tenant), ownView(), "own view of " + tenant + " after step " + step);
                });
                assertStored();
            }
        }

        private void operate(TenantId tenant, TreeMap<Integer, Integer> mine) {
            int k = random.nextInt(KEYS);
            int v = random.nextInt(100);
            TenantId other = TENANTS.get((TENANTS.indexOf(tenant) + 1 + random.nextInt(2)) % TENANTS.size());
            switch (random.nextInt(12)) {
                case 0:
                    if (mine.containsKey(k)) {
                        MongoWriteException e = assertThrows(MongoWriteException.class,
                                () -> coll.insertOne(new Document("k", k).append("v", v)));
                        assertEquals(ErrorCategory.DUPLICATE_KEY, e.getError().getCategory());
                    } else {
                        coll.insertOne(new Document("k", k).append("v", v));
                        mine.put(k, v);
                    }
                    break;
                case 1:
                    coll.updateOne(eq("k", k), Updates.inc("v", v));
                    mine.computeIfPresent(k, (key, old) -> old + v);
                    break;
                case 2:
                    coll.updateMany(gt("v", v), Updates.inc("v", 1));
                    mine.replaceAll((key, old) -> old > v ? old + 1 : old);
                    break;
                case 3:
                    coll.replaceOne(eq("k", k), new Document("k", k).append("v", v));
                    mine.computeIfPresent(k, (key, old) -> v);
                    break;
                case 4:
                    coll.deleteOne(eq("k", k));
                    mine.remove(k);
                    break;
                case 5:
                    coll.deleteMany(lt("v", v / 4));
                    mine.values().removeIf(old -> old < v / 4);
                    break;
                case 6:
                    coll.updateOne(eq("k", k), Updates.set("v", v), new UpdateOptions().upsert(true));
                    mine.put(k, v);
                    break;
                case 7:
                    Document before = coll.findOneAndUpdate(eq("k", k), Updates.set("v", v),
                            new FindOneAndUpdateOptions().projection(new Document("_id", 0).append("v", 1)));
                    assertEquals(mine.get(k), before == null ? null : before.getInteger("v"));
                    mine.computeIfPresent(k, (key, old) -> v);
                    break;
                case 8:
                    bulk(mine, k, v);
                    break;
                case 9:
                    attack(other, mine, v);
                    break;
                case 10:
                    assertEquals(mine.size(), coll.countDocuments());
                    assertEquals(mine.values().stream().filter(x -> x > v).count(), coll.countDocuments(gt("v", v)));
                    break;
                default:
                    Document sum = coll.aggregate(List.of(Aggregates.group(null, Accumulators.sum("s", "$v"))))
                            .first();
                    assertEquals(mine.values().stream().mapToInt(Integer::intValue).sum(),
                            sum == null ? 0 : sum.getInteger("s"));
            }
        }

        private void bulk(TreeMap<Integer, Integer> mine, int k, int v) {
            int free = -1;
            for (int candidate = 0; candidate < KEYS; candidate++) {
                if (!mine.containsKey(candidate)) {
                    free = candidate;
                    break;
                }
            }
            List<WriteModel<Document>> models = new ArrayList<>();
            if (free >= 0) {
                models.add(new InsertOneModel<>(new Document("k", free).append("v", v)));
            }
            models.add(new UpdateOneModel<>(eq("k", k), Updates.inc("v", 1)));
            int gone = random.nextInt(KEYS);
            models.add(new DeleteOneModel<>(eq("k", gone)));
            coll.bulkWrite(models);
            if (free >= 0) {
                mine.put(free, v);
            }
            mine.computeIfPresent(k, (key, old) -> old + 1);
            mine.remove(gone);
        }

        /** An attempt on another tenant: refused outright, or contained to the current tenant. */
        private void attack(TenantId other, TreeMap<Integer, Integer> mine, int v) {
            switch (random.nextInt(5)) {
                case 0:
                    assertThrows(TenantViolationException.class,
                            () -> coll.updateMany(exists("k"), Updates.set("tenantId", other.value())));
                    break;
                case 1:
                    assertThrows(TenantViolationException.class,
                            () -> coll.insertOne(new Document("k", 99).append("tenantId", other.value())));
                    break;
                case 2:
                    coll.deleteMany(eq("tenantId", other.value()));
                    break;
                case 3:
                    coll.updateMany(or(eq("tenantId", other.value()), exists("_id")), Updates.inc("v", 1));
                    mine.replaceAll((key, old) -> old + 1);
                    break;
                default:
                    assertThrows(TenantViolationException.class, () -> coll.updateOne(eq("tenantId", other.value()),
                            Updates.set("v", v), new UpdateOptions().upsert(true)));
            }
        }

        private TreeMap<Integer, Integer> ownView() {
            TreeMap<Integer, Integer> seen = new TreeMap<>();
            for (Document d : coll.find().sort(Sorts.ascending("k"))) {
                seen.put(d.getInteger("k"), d.getInteger("v"));
            }
            return seen;
        }

        /** What the server holds for every tenant, read past Tenantry, equals the model. */
        private void assertStored() {
            Map<TenantId, TreeMap<Integer, Integer>> stored = new TreeMap<>();
            TENANTS.forEach(t -> stored.put(t, new TreeMap<>()));
            List<MongoNamespace> namespaces = new ArrayList<>();
            for (TenantId tenant : TENANTS) {
                MongoNamespace ns = view.namespaceFor(logical, tenant);
                if (!namespaces.contains(ns)) {
                    namespaces.add(ns);
                }
            }
            for (MongoNamespace ns : namespaces) {
                for (Document d : raw.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName()).find()) {
                    TenantId owner = TenantId.of(d.getString("tenantId"));
                    view.tenantOf(ns).ifPresent(t -> assertEquals(t, owner, "foreign document in " + ns));
                    Integer previous = stored.get(owner).put(d.getInteger("k"), d.getInteger("v"));
                    assertEquals(null, previous, "duplicate k in " + owner);
                }
            }
            assertEquals(model, stored, "stored documents after step " + step);
        }
    }
}
