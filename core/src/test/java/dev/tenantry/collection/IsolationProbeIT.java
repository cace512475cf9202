package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The probe users attach in their own tests, on a real driver: loud and specific for raw commands that leave the
 * current tenant, quiet for everything Tenantry sends. Commands the embedded server cannot run (explain, change
 * streams, {@code aggregate: 1}) are still sent, and judged, before the server answers.
 */
@MongoTest
class IsolationProbeIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    /** Runs {@code action}, which the embedded server may refuse after the probe judged what was sent. */
    private static void sent(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException serverRefusedIt) {
            // the probe has seen the command; what the server made of it is not the point here
        }
    }

    @Test
    void rawCommandsThatLeaveTheCurrentTenantAreEachReported(MongoBackend backend, MongoClient raw,
                                                            MongoDatabase database) {
        TenantDatabase registry = TenantDatabase.builder(raw, database.getName()).collection("orders")
                .collection("invoices", IsolationStrategy.COLLECTION_PER_TENANT).build();
        IsolationProbe probe = registry.newIsolationProbe();
        try (MongoClient client = Probes.client(backend, probe)) {
            MongoDatabase db = client.getDatabase(database.getName());
            MongoCollection<Document> orders = db.getCollection("orders");
            MongoCollection<Document> archive = db.getCollection("archive");
            Tenants.run(ACME, () -> orders.insertMany(List.of(new Document("tenantId", "acme").append("n", 1),
                    new Document("tenantId", "acme").append("n", 2), new Document("tenantId", "acme").append("n", 3))));
            Tenants.run(GLOBEX, () -> orders.insertOne(new Document("tenantId", "globex").append("n", 1)));
            assertEquals(List.of(), probe.violations(), "scoped inserts");

            List<String> expected = new ArrayList<>();
            MongoCursor<Document> cursor = Tenants.call(ACME, () -> orders.find(Filters.eq("tenantId", "acme"))
                    .batchSize(1).cursor());
            Tenants.run(GLOBEX, () -> {
                cursor.next();
                cursor.next(); // a getMore, for globex, on acme's cursor
            });
            cursor.close();
            expected.add("a cursor opened for tenant 'acme' is read where tenant 'globex' is current");
            Tenants.run(ACME, () -> {
                orders.find(Filters.eq("tenantId", "globex")).first();
                expected.add("find's filter lacks the equality tenantId == 'acme'");
                archive.aggregate(List.of(Aggregates.lookup("orders", "n", "n", "joined"))).first();
                expected.add("a $lookup into tenant data");
                sent(() -> db.aggregate(List.of(new Document("$documents", List.of(new Document("n", 1))),
                        new Document("$unionWith", "orders"))).first());
                expected.add("a $unionWith of tenant data");
                orders.updateOne(Filters.eq("tenantId", "acme"), Updates.set("tenantId", "globex"));
                expected.add("$set may not touch tenant field 'tenantId'");
                orders.findOneAndUpdate(Filters.eq("tenantId", "acme"), Updates.rename("n", "tenantId"));
                expected.add("$rename may not touch tenant field");
                archive.aggregate(List.of(Aggregates.merge("orders"))).toCollection();
                expected.add("$merge writes aggregation results into tenant data");
                orders.aggregate(List.of(Aggregates.match(Filters.eq("tenantId", "acme")), Aggregates.out("archive")))
                        .toCollection();
                expected.add("$out copies tenant data out");
                sent(() -> orders.find().explain());
                expected.add("explain on " + database.getName() + ": find's filter lacks the equality");
                orders.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(0L,
                        TimeUnit.SECONDS));
                expected.add("collection-wide createIndexes on SHARED collection 'orders'");
                sent(() -> orders.watch().cursor());
                expected.add("the change stream does not confine events");
                db.getCollection("invoices__globex").find(Filters.eq("tenantId", "acme")).first();
                expected.add("holds the documents of tenant 'globex'");
            });
            orders.find(Filters.eq("tenantId", "acme")).first();
            expected.add("no tenant is current on the calling thread");
            Tenants.run(ACME, orders::drop);
            expected.add("collection-wide drop on SHARED collection 'orders'");

            List<String> violations = probe.violations();
            List<String> missing = new ArrayList<>();
            for (String fragment : expected) {
                if (violations.stream().noneMatch(v -> v.contains(fragment))) {
                    missing.add(fragment);
                }
            }
            assertEquals(List.of(), missing, "not reported; all reported:\n" + String.join("\n", violations));
            assertEquals(expected.size(), violations.size(), String.join("\n", violations));
            AssertionError error = assertThrows(AssertionError.class, probe::assertNoViolations);
            assertTrue(error.getMessage().startsWith(expected.size() + " violation(s)"), error.getMessage());
        }
    }

    @Test
    void systemScopeIsDeclaredCrossTenantWork(MongoBackend backend, MongoClient raw, MongoDatabase database) {
        IsolationProbe probe = TenantDatabase.builder(raw, database.getName()).collection("orders").build()
                .newIsolationProbe();
        try (MongoClient client = Probes.client(backend, probe)) {
            MongoCollection<Document> orders = client.getDatabase(database.getName()).getCollection("orders");
            Tenants.runAsSystem("nightly report", () -> {
                orders.insertOne(new Document("tenantId", "acme"));
                orders.countDocuments();
                orders.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(0L,
                        TimeUnit.SECONDS));
                orders.drop();
            });
            probe.assertNoViolations();
            assertEquals(4, probe.commandsChecked());
        }
    }

    @Test
    void everythingTenantrySendsPassesInEveryStrategy(MongoBackend backend, MongoClient raw, MongoDatabase database) {
        String prefix = "p" + Long.toHexString(System.nanoTime() & 0xFFFFFL) + "_";
        for (IsolationStrategy strategy : IsolationStrategy.values()) {
            IsolationProbe probe = registry(raw, database, prefix, strategy).newIsolationProbe();
            try (MongoClient client = Probes.client(backend, probe)) {
                TenantDatabase tdb = registry(client, database, prefix, strategy);
                TenantCollection<Document> things = tdb.getCollection("things");
                TenantCollection<Document> refs = tdb.getCollection("refs");
                for (TenantId tenant : List.of(ACME, GLOBEX)) {
                    Tenants.run(tenant, () -> {
                        things.insertMany(List.of(new Document("k", 1), new Document("k", 2), new Document("k", 3)));
                        refs.insertOne(new Document("k", 1));
                    });
                }
                Tenants.run(ACME, () -> {
                    things.find(Filters.eq("k", 1)).first();
                    try (MongoCursor<Document> cursor = things.find().batchSize(1).cursor()) {
                        cursor.forEachRemaining(d -> { }); // getMores, for the tenant that opened the cursor
                    }
                    things.countDocuments();
                    things.distinct("k", Integer.class).into(new ArrayList<>());
                    things.updateOne(Filters.eq("k", 1), Updates.set("v", 2));
                    things.updateMany(Filters.eq("k", 7), Updates.set("v", 2),
                            new com.mongodb.client.model.UpdateOptions().upsert(true));
                    things.replaceOne(Filters.eq("k", 2), new Document("k", 2).append("r", true));
                    things.findOneAndUpdate(Filters.eq("k", 3), Updates.inc("n", 1));
                    things.aggregate(List.of(Aggregates.lookup("refs", "k", "k", "r"))).into(new ArrayList<>());
                    sent(() -> things.aggregate(List.of(Aggregates.unionWith("refs", List.of())))
                            .into(new ArrayList<>()));
                    things.aggregate(List.of(new Document("$lookup", new Document("from", "refs")
                            .append("pipeline", List.of(new Document("$match", new Document("k", 1))))
                            .append("as", "r")))).into(new ArrayList<>());
                    sent(() -> things.find().explain());
                    sent(() -> things.watch().cursor().close());
                    things.withDeleted().countDocuments();
                    things.deleteMany(Filters.eq("k", 3));
                    things.restore(Filters.eq("k", 3));
                    things.findOneAndDelete(Filters.eq("k", 2));
                });
                probe.assertNoViolations();
                assertTrue(probe.commandsChecked() >= 15, strategy + ": checked " + probe.commandsChecked());
            } finally {
                raw.getDatabase(prefix + "acme").drop();
                raw.getDatabase(prefix + "globex").drop();
                raw.getDatabase(database.getName()).drop();
            }
        }
    }

    private static TenantDatabase registry(MongoClient client, MongoDatabase database, String prefix,
                                           IsolationStrategy strategy) {
        return TenantDatabase.builder(client, database.getName()).tenantDatabasePrefix(prefix)
                .collection("things", strategy, SoftDelete.retainFor(java.time.Duration.ofDays(1)))
                .collection("refs", strategy).build();
    }
}
