package dev.tenantry.collection;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;

/**
 * Tens of thousands of random operations from three tenants, each checked right after it runs: every command it sent
 * must belong to the tenant that ran it ({@link SentCommandCheck}), the tenant's own views must equal its model, and
 * every tenant's stored documents, read past Tenantry, must equal theirs.
 *
 * <p>Besides plain reads and writes and attacks on other tenants, the operations pass arguments that change after
 * they are first rendered or after the call returns (what is checked must be what is sent), run index DDL (refused on
 * a shared collection from a tenant scope, system-scope maintenance, a tenant's own indexes on per-tenant
 * collections), and write through every view of a soft-delete collection (a view acts only on what it sees).
 *
 * <p>Seeded: the seed is printed, and {@code -Dtenantry.seed=N} replays a run; {@code -Dtenantry.random.operations=N}
 * sets its length per strategy (default 34,000, so 102,000 over the three strategies).
 */
@MongoTest
class RandomizedIsolationIT {

    private static final int OPERATIONS = Integer.getInteger("tenantry.random.operations", 34_000);
    private static final List<TenantId> TENANTS = List.of(TenantId.of("t1"), TenantId.of("t2"), TenantId.of("t3"));
    private static final int KEYS = 24;
    private static final Duration RETENTION = Duration.ofMinutes(30);

    /** The three strategies run side by side, each on its own client, collections and databases. */
    @Test
    void randomOperationsNeverCrossTenants(MongoBackend backend, MongoClient raw, MongoDatabase database)
            throws InterruptedException {
        long seed = Long.getLong("tenantry.seed", System.nanoTime());
        System.out.println("RandomizedIsolationIT seed=" + seed + " (replay with -Dtenantry.seed=" + seed + "), "
                + OPERATIONS + " operations per strategy");
        ExecutorService pool = Executors.newFixedThreadPool(IsolationStrategy.values().length);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (IsolationStrategy strategy : IsolationStrategy.values()) {
                runs.add(pool.submit(() -> run(strategy, seed, backend, raw, database)));
            }
            AssertionError failed = null;
            for (Future<?> run : runs) {
                try {
                    run.get();
                } catch (ExecutionException e) {
                    AssertionError cause = e.getCause() instanceof AssertionError ? (AssertionError) e.getCause()
                            : new AssertionError(e.getCause());
                    if (failed == null) {
                        failed = cause;
                    } else {
                        failed.addSuppressed(cause);
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void run(IsolationStrategy strategy, long seed, MongoBackend backend, MongoClient raw,
                            MongoDatabase database) {
        String prefix = "r" + Long.toHexString(seed & 0xFFFFFL) + strategy.ordinal() + "_";
        String suffix = "_" + strategy.name().toLowerCase(java.util.Locale.ROOT);
        SentCommandCheck check = new SentCommandCheck("tenantId");
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        long started = System.nanoTime();
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(check))) {
            TenantDatabase tdb = TenantDatabase.builder(client, database.getName()).tenantDatabasePrefix(prefix)
                    .collection("rnd" + suffix, strategy)
                    .index("rnd" + suffix, Indexes.ascending("k"), new IndexOptions().unique(true))
                    .collection("bin" + suffix, strategy, SoftDelete.retainFor(RETENTION).clock(clock))
                    .index("bin" + suffix, Indexes.ascending("k"), new IndexOptions().unique(true))
                    .build();
            Run run = new Run(new Random(seed + strategy.ordinal()), tdb, raw, check, clock, "rnd" + suffix,
                    "bin" + suffix, "sentinel" + suffix);
            run.go();
            System.out.println("RandomizedIsolationIT[" + strategy + "] " + OPERATIONS + " operations, "
                    + run.refused + " refused, in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("randomized run failed for " + strategy + " with seed " + seed
                    + " (replay with -Dtenantry.seed=" + seed + "): " + e.getMessage(), e);
        } finally {
            for (TenantId tenant : TENANTS) {
                raw.getDatabase(prefix + tenant.value()).drop();
            }
        }
    }

    /** A document of the soft-delete collection, as the model knows it. */
    private record Binned(int k, int v, Instant deletedAt) {
        boolean deleted() {
            return deletedAt != null;
        }
    }

    /** One randomized run: the operations, the model, and the checks. */
    private static final class Run {
        private final Random random;
        private final TenantDatabase tdb;
        private final MongoClient raw;
        private final SentCommandCheck check;
        private final MutableClock clock;
        private final String logical;
        private final String binName;
        private final String sentinel;
        /** Which of the tenant's collections the step used: its own views of those are compared. */
        private boolean usedColl;
        private boolean usedBin;
        private final TenantCollection<Document> coll;
        private final TenantCollection<BsonDocument> collB;
        private final TenantCollection<Document> bin;
        private final IsolationStrategy strategy;
        private final Map<TenantId, TreeMap<Integer, Integer>> model = new TreeMap<>();
        private final Map<TenantId, TreeMap<String, Binned>> binModel = new TreeMap<>();
        /** Whether each tenant's own collection (per-tenant), or the shared one, has the extra index on v. */
        private final Map<TenantId, Boolean> extraIndex = new HashMap<>();
        private boolean sharedExtraIndex;
        private int step;
        private int nextBinId;
        private int refused;

        Run(Random random, TenantDatabase tdb, MongoClient raw, SentCommandCheck check, MutableClock clock,
            String logical, String binName, String sentinel) {
            this.sentinel = sentinel;
            this.random = random;
            this.tdb = tdb;
            this.raw = raw;
            this.check = check;
            this.clock = clock;
            this.logical = logical;
            this.binName = binName;
            this.coll = tdb.getCollection(logical);
            this.collB = coll.withDocumentClass(BsonDocument.class);
            this.bin = tdb.getCollection(binName);
            this.strategy = tdb.getIsolation(logical);
            TENANTS.forEach(t -> {
                model.put(t, new TreeMap<>());
                binModel.put(t, new TreeMap<>());
                extraIndex.put(t, false);
            });
        }

        void go() {
            tdb.ensureIndexes(); // start-up: the shared collections' declared indexes, no tenant needed
            for (String db : databases()) { // one document to read every collection of a database from, at once
                raw.getDatabase(db).getCollection(sentinel).insertOne(new Document("_id", 1));
            }
            for (step = 0; step < OPERATIONS; step++) {
                TenantId tenant = TENANTS.get(random.nextInt(TENANTS.size()));
                check.drain();
                usedColl = false;
                usedBin = false;
                Tenants.run(tenant, () -> operate(tenant));
                Set<MongoNamespace> own = Set.of(tdb.namespaceFor(logical, tenant), tdb.namespaceFor(binName, tenant));
                for (SentCommandCheck.Sent sent : check.drain()) {
                    List<String> problems = check.problems(sent, tenant, own);
                    assertTrue(problems.isEmpty(), "step " + step + " of " + tenant + ": " + problems + " -- " + sent);
                }
                Tenants.run(tenant, () -> {
                    if (usedColl) {
                        assertEquals(model.get(tenant), ownView(), "own view of " + tenant + " after step " + step);
                    }
                    if (usedBin) {
                        assertEquals(binModel.get(tenant), ownBin(), "own bin of " + tenant + " after step " + step);
                    }
                });
                assertStored();
            }
        }

        private void operate(TenantId tenant) {
            TreeMap<Integer, Integer> mine = model.get(tenant);
            int k = random.nextInt(KEYS);
            int v = random.nextInt(100);
            TenantId other = TENANTS.get((TENANTS.indexOf(tenant) + 1 + random.nextInt(2)) % TENANTS.size());
            switch (random.nextInt(20)) {
                case 0:
                    if (mine.containsKey(k)) {
                        MongoWriteException e = assertThrows(MongoWriteException.class,
                                () -> coll.insertOne(new Document("k", k).append("v", v)));
                        assertEquals(ErrorCategory.DUPLICATE_KEY, e.getError().getCategory());
                        assertNoOtherTenantIn(e.getMessage(), tenant);
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
                case 11:
                    Document sum = coll.aggregate(List.of(Aggregates.group(null, Accumulators.sum("s", "$v"))))
                            .first();
                    assertEquals(sum(mine, -1), sum == null ? 0 : sum.getInteger("s"));
                    break;
                case 12:
                case 13:
                    shifting(tenant, other, mine, k, v);
                    break;
                case 14:
                    indexDdl(tenant);
                    break;
                default:
                    usedBin = true;
                    softDelete(tenant, k, v);
                    return;
            }
            usedColl = true;
        }

        private static int sum(Map<Integer, Integer> values, int above) {
            return values.values().stream().filter(x -> x > above).mapToInt(Integer::intValue).sum();
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
            switch (random.nextInt(6)) {
                case 0:
                    assertThrows(TenantViolationException.class,
                            () -> coll.updateMany(exists("k"), Updates.set("tenantId", other.value())));
                    refused++;
                    break;
                case 1:
                    assertThrows(TenantViolationException.class,
                            () -> coll.insertOne(new Document("k", 99).append("tenantId", other.value())));
                    refused++;
                    break;
                case 2:
                    coll.deleteMany(eq("tenantId", other.value()));
                    break;
                case 3:
                    coll.updateMany(or(eq("tenantId", other.value()), exists("_id")), Updates.inc("v", 1));
                    mine.replaceAll((key, old) -> old + 1);
                    break;
                case 4:
                    List<Document> joined = coll.aggregate(List.of(Aggregates.lookup(logical, "k", "k", "twins")))
                            .into(new ArrayList<>());
                    for (Document d : joined) {
                        for (Document twin : d.getList("twins", Document.class)) {
                            assertEquals(d.getString("tenantId"), twin.getString("tenantId"));
                        }
                    }
                    break;
                default:
                    assertThrows(TenantViolationException.class, () -> coll.updateOne(eq("tenantId", other.value()),
                            Updates.set("v", v), new UpdateOptions().upsert(true)));
                    refused++;
            }
        }

        /**
         * Arguments that change after they are first read or after the call returns: what was checked must be what
         * is sent, so the operation does exactly what the first reading says.
         */
        private void shifting(TenantId tenant, TenantId other, TreeMap<Integer, Integer> mine, int k, int v) {
            BsonDocument widened = new BsonDocument("tenantId", new BsonString(other.value()));
            switch (random.nextInt(6)) {
                case 0: { // a filter and an update that render differently the second time
                    Bson filter = Shifting.bson(BsonDocument.parse("{v: {$gt: " + v + "}}"), new BsonDocument());
                    Bson update = Shifting.bson(BsonDocument.parse("{$inc: {v: 1}}"),
                            new BsonDocument("$set", widened));
                    coll.updateMany(filter, update);
                    mine.replaceAll((key, old) -> old > v ? old + 1 : old);
                    break;
                }
                case 1: { // a caller-held filter emptied after find() returned, and by the projection's rendering
                    BsonDocument filter = BsonDocument.parse("{tenantId: '" + tenant + "', k: {$lt: " + k + "}}");
                    List<Integer> found = new ArrayList<>();
                    coll.find(filter).projection(Shifting.mutator(BsonDocument.parse("{k: 1}"), filter::clear))
                            .sort(Sorts.ascending("k")).forEach(d -> found.add(d.getInteger("k")));
                    assertEquals(new ArrayList<>(mine.headMap(k).keySet()), found);
                    BsonDocument held = BsonDocument.parse("{k: {$gte: " + k + "}}");
                    com.mongodb.client.FindIterable<Document> later = coll.find(held);
                    held.clear();
                    held.putAll(widened);
                    assertEquals(mine.tailMap(k).size(), later.into(new ArrayList<>()).size());
                    break;
                }
                case 2: { // a caller-held stage turned into a join of another tenant's data before the run
                    BsonDocument match = BsonDocument.parse("{$match: {v: {$gt: " + v + "}}}");
                    com.mongodb.client.AggregateIterable<Document> summed = coll.aggregate(List.of(match,
                            Aggregates.group(null, Accumulators.sum("s", "$v"))));
                    match.clear();
                    match.put("$lookup", BsonDocument.parse("{from: '" + tdb.namespaceFor(logical, other)
                            .getCollectionName() + "', pipeline: [], as: 'stolen'}"));
                    Document sum = summed.first();
                    assertEquals(sum(mine, v), sum == null ? 0 : sum.getInteger("s"));
                    break;
                }
                case 3: { // an inserted document that reads as another tenant's the second time
                    if (mine.containsKey(k)) {
                        return;
                    }
                    BsonDocument first = new BsonDocument("k", new BsonInt32(k)).append("v", new BsonInt32(v));
                    collB.insertOne(new Shifting.Document(first, first.clone().append("tenantId",
                            new BsonString(other.value()))));
                    mine.put(k, v);
                    break;
                }
                case 4: { // an upsert filter that names another tenant the second time
                    coll.updateOne(Shifting.bson(new BsonDocument("k", new BsonInt32(k)), new BsonDocument("k",
                            new BsonInt32(k)).append("tenantId", new BsonString(other.value()))), Updates.set("v", v),
                            new UpdateOptions().upsert(true));
                    mine.put(k, v);
                    break;
                }
                default: { // an update document the filter's rendering turns against another tenant: refused or benign
                    BsonDocument update = BsonDocument.parse("{$inc: {v: 2}}");
                    try {
                        coll.updateOne(Shifting.mutator(new BsonDocument("k", new BsonInt32(k)), () -> {
                            update.clear();
                            update.put("$set", widened);
                        }), update);
                        mine.computeIfPresent(k, (key, old) -> old + 2);
                    } catch (TenantViolationException e) {
                        refused++; // the mutation happened before the update was read: checked, so refused
                    }
                }
            }
        }

        /** Index DDL: on a shared collection only in system scope; on per-tenant ones, the tenant's own. */
        private void indexDdl(TenantId tenant) {
            Map<MongoNamespace, Set<String>> before = indexNames();
            if (strategy == IsolationStrategy.SHARED) {
                switch (random.nextInt(4)) {
                    case 0:
                        assertThrows(TenantViolationException.class, () -> coll.createIndex(Indexes.ascending("v"),
                                new IndexOptions().unique(true)));
                        break;
                    case 1:
                        assertThrows(TenantViolationException.class, () -> coll.dropIndex("k_1"));
                        break;
                    case 2:
                        assertThrows(TenantViolationException.class, coll::listIndexes);
                        break;
                    default: { // maintenance in system scope: an extra index, created or dropped
                        boolean had = sharedExtraIndex;
                        Tenants.callAsSystem("randomized test: index maintenance", () -> Tenants.call(tenant, () -> {
                            if (had) {
                                coll.dropIndex(Indexes.ascending("v"));
                            } else {
                                coll.createIndex(Indexes.ascending("v"));
                            }
                            return null;
                        }));
                        sharedExtraIndex = !had;
                        MongoNamespace ns = tdb.namespaceFor(logical, tenant);
                        if (had) {
                            before.get(ns).remove("v_1");
                        } else {
                            before.get(ns).add("v_1");
                        }
                        assertEquals(before, indexNames());
                        return;
                    }
                }
                refused++;
                assertEquals(before, indexNames(), "a refused index change changed indexes");
                return;
            }
            // Each tenant's extra index has a name of its own: the embedded server drops an index by name from
            // every collection of the database, where MongoDB drops it from the one collection named.
            String name = "v_" + tenant;
            boolean had = extraIndex.get(tenant);
            if (had) {
                coll.dropIndex(Indexes.ascending("v"));
            } else {
                coll.createIndex(Indexes.ascending("v"), new IndexOptions().name(name));
            }
            extraIndex.put(tenant, !had);
            Set<String> listed = new TreeSet<>();
            coll.listIndexes().forEach(index -> listed.add(index.getString("name")));
            Set<String> expected = new TreeSet<>(Set.of("_id_", "k_1"));
            if (!had) {
                expected.add(name);
            }
            assertEquals(expected, listed, "the tenant's own indexes");
            MongoNamespace ns = tdb.namespaceFor(logical, tenant);
            before.put(ns, expected);
            assertEquals(before, indexNames(), "only the tenant's own collection's indexes changed");
        }

        /** Writes, reads, restores and purges through every view of the soft-delete collection. */
        private void softDelete(TenantId tenant, int k, int v) {
            TreeMap<String, Binned> mine = binModel.get(tenant);
            int view = random.nextInt(3);
            TenantCollection<Document> through = view == 0 ? bin : view == 1 ? bin.withDeleted() : bin.onlyDeleted();
            boolean live = mine.values().stream().anyMatch(b -> !b.deleted() && b.k() == k);
            switch (random.nextInt(7)) {
                case 0: { // insert
                    String id = tenant + "-b" + nextBinId++;
                    if (view == 2) {
                        assertThrows(IllegalStateException.class, () -> through.insertOne(new Document("_id", id)
                                .append("k", k).append("v", v)));
                        refused++;
                    } else if (live) {
                        MongoWriteException e = assertThrows(MongoWriteException.class,
                                () -> through.insertOne(new Document("_id", id).append("k", k).append("v", v)));
                        assertEquals(ErrorCategory.DUPLICATE_KEY, e.getError().getCategory());
                        assertNoOtherTenantIn(e.getMessage(), tenant);
                    } else {
                        through.insertOne(new Document("_id", id).append("k", k).append("v", v));
                        mine.put(id, new Binned(k, v, null));
                    }
                    break;
                }
                case 1:
                case 2: { // delete one by key, or many by value
                    boolean many = random.nextBoolean();
                    Bson filter = many ? lt("v", v / 2) : eq("k", k);
                    if (view == 2) {
                        assertThrows(IllegalStateException.class, () -> {
                            if (many) {
                                through.deleteMany(filter);
                            } else {
                                through.deleteOne(filter);
                            }
                        });
                        refused++;
                        break;
                    }
                    long deleted = many ? through.deleteMany(filter).getDeletedCount()
                            : through.deleteOne(filter).getDeletedCount();
                    Instant now = clock.instant();
                    int marked = 0;
                    for (Map.Entry<String, Binned> b : mine.entrySet()) {
                        Binned d = b.getValue();
                        if (!d.deleted() && (many ? d.v() < v / 2 : d.k() == k)) {
                            b.setValue(new Binned(d.k(), d.v(), now));
                            marked++;
                        }
                    }
                    assertEquals(marked, deleted);
                    break;
                }
                case 3: { // update what the view sees
                    long matched = through.updateMany(gt("v", v), Updates.inc("v", 1)).getMatchedCount();
                    int seen = 0;
                    for (Map.Entry<String, Binned> b : mine.entrySet()) {
                        Binned d = b.getValue();
                        boolean visible = view == 1 || (view == 0) != d.deleted();
                        if (visible && d.v() > v) {
                            b.setValue(new Binned(d.k(), d.v() + 1, d.deletedAt()));
                            seen++;
                        }
                    }
                    assertEquals(seen, matched);
                    break;
                }
                case 4: { // restore one deleted document, which works unless its key is live again
                    List<String> deleted = mine.entrySet().stream().filter(b -> b.getValue().deleted())
                            .map(Map.Entry::getKey).toList();
                    if (deleted.isEmpty()) {
                        assertEquals(0, through.restore(eq("k", k)).getMatchedCount());
                        break;
                    }
                    String id = deleted.get(random.nextInt(deleted.size()));
                    Binned d = mine.get(id);
                    boolean blocked = mine.values().stream().anyMatch(b -> !b.deleted() && b.k() == d.k());
                    if (blocked) {
                        MongoWriteException e = assertThrows(MongoWriteException.class,
                                () -> through.restore(eq("_id", id)));
                        assertEquals(ErrorCategory.DUPLICATE_KEY, e.getError().getCategory());
                        assertNoOtherTenantIn(e.getMessage(), tenant);
                    } else {
                        assertEquals(1, through.restore(eq("_id", id)).getModifiedCount());
                        mine.put(id, new Binned(d.k(), d.v(), null));
                    }
                    break;
                }
                case 5: { // time passes; what was deleted longer ago than the retention is purged
                    clock.advance(Duration.ofMinutes(random.nextInt(20)));
                    Instant cutoff = clock.instant().minus(RETENTION);
                    long purged = through.purgeDeleted().getDeletedCount();
                    long expected = mine.values().stream().filter(b -> b.deleted() && b.deletedAt().isBefore(cutoff))
                            .count();
                    mine.values().removeIf(b -> b.deleted() && b.deletedAt().isBefore(cutoff));
                    assertEquals(expected, purged);
                    break;
                }
                default: { // counts through every view; an update of the soft-delete fields is refused
                    assertEquals(mine.values().stream().filter(b -> !b.deleted()).count(), bin.countDocuments());
                    assertEquals(mine.values().stream().filter(Binned::deleted).count(),
                            bin.onlyDeleted().countDocuments());
                    assertEquals(mine.size(), bin.withDeleted().countDocuments());
                    assertThrows(TenantViolationException.class, () -> through.updateMany(new Document(),
                            Updates.unset("deletedAt")));
                    refused++;
                }
            }
        }

        private void assertNoOtherTenantIn(String message, TenantId tenant) {
            for (TenantId other : TENANTS) {
                if (!other.equals(tenant)) {
                    assertFalse(message.contains("\"" + other + "\""), "another tenant in: " + message);
                }
            }
        }

        private TreeMap<Integer, Integer> ownView() {
            TreeMap<Integer, Integer> seen = new TreeMap<>();
            for (Document d : coll.find().sort(Sorts.ascending("k"))) {
                seen.put(d.getInteger("k"), d.getInteger("v"));
            }
            return seen;
        }

        private TreeMap<String, Binned> ownBin() {
            TreeMap<String, Binned> seen = new TreeMap<>();
            for (Document d : bin.withDeleted().find()) {
                seen.put(d.getString("_id"), binned(d));
            }
            return seen;
        }

        private static Binned binned(Document d) {
            Date at = d.getDate("deletedAt");
            return new Binned(d.getInteger("k"), d.getInteger("v"), at == null ? null : at.toInstant());
        }

        private List<MongoNamespace> namespaces(String name) {
            List<MongoNamespace> out = new ArrayList<>();
            for (TenantId tenant : TENANTS) {
                MongoNamespace ns = tdb.namespaceFor(name, tenant);
                if (!out.contains(ns)) {
                    out.add(ns);
                }
            }
            return out;
        }

        private Map<MongoNamespace, Set<String>> indexNames() {
            Map<MongoNamespace, Set<String>> out = new HashMap<>();
            for (MongoNamespace ns : namespaces(logical)) {
                Set<String> names = new TreeSet<>();
                raw.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName()).listIndexes()
                        .forEach(index -> names.add(index.getString("name")));
                out.put(ns, names);
            }
            return out;
        }

        /** The physical databases of the two collections. */
        private List<String> databases() {
            List<String> out = new ArrayList<>();
            for (MongoNamespace ns : namespaces(logical)) {
                if (!out.contains(ns.getDatabaseName())) {
                    out.add(ns.getDatabaseName());
                }
            }
            return out;
        }

        /**
         * Every document of every physical collection of both logical ones, read past Tenantry in one command per
         * database: an aggregation over the sentinel document that joins each collection whole.
         */
        private Map<MongoNamespace, List<Document>> rawDocuments() {
            Map<MongoNamespace, List<Document>> out = new HashMap<>();
            List<MongoNamespace> all = new ArrayList<>(namespaces(logical));
            all.addAll(namespaces(binName));
            for (String db : databases()) {
                List<Bson> pipeline = new ArrayList<>();
                List<MongoNamespace> here = new ArrayList<>();
                for (MongoNamespace ns : all) {
                    if (ns.getDatabaseName().equals(db)) {
                        pipeline.add(new Document("$lookup", new Document("from", ns.getCollectionName())
                                .append("pipeline", List.of()).append("as", "c" + here.size())));
                        here.add(ns);
                    }
                }
                Document joined = raw.getDatabase(db).getCollection(sentinel).aggregate(pipeline).first();
                for (int i = 0; i < here.size(); i++) {
                    out.put(here.get(i), Objects.requireNonNull(joined).getList("c" + i, Document.class));
                }
            }
            return out;
        }

        /** What the server holds for every tenant, read past Tenantry, equals the model. */
        private void assertStored() {
            Map<TenantId, TreeMap<Integer, Integer>> stored = new TreeMap<>();
            Map<TenantId, TreeMap<String, Binned>> storedBin = new TreeMap<>();
            TENANTS.forEach(t -> {
                stored.put(t, new TreeMap<>());
                storedBin.put(t, new TreeMap<>());
            });
            Map<MongoNamespace, List<Document>> documents = rawDocuments();
            for (MongoNamespace ns : namespaces(logical)) {
                for (Document d : documents.get(ns)) {
                    TenantId owner = TenantId.of(d.getString("tenantId"));
                    tdb.tenantOf(ns).ifPresent(t -> assertEquals(t, owner, "foreign document in " + ns));
                    Integer previous = stored.get(owner).put(d.getInteger("k"), d.getInteger("v"));
                    assertNull(previous, "duplicate k in " + owner);
                }
            }
            for (MongoNamespace ns : namespaces(binName)) {
                for (Document d : documents.get(ns)) {
                    TenantId owner = TenantId.of(d.getString("tenantId"));
                    tdb.tenantOf(ns).ifPresent(t -> assertEquals(t, owner, "foreign document in " + ns));
                    assertEquals(d.containsKey("deletedAt"), d.containsKey("deletionKey"), "half-deleted " + d);
                    storedBin.get(owner).put(d.getString("_id"), binned(d));
                }
            }
            assertEquals(model, stored, "stored documents after step " + step);
            assertEquals(binModel, storedBin, "stored soft-delete documents after step " + step);
        }
    }
}
