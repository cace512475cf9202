package dev.tenantry.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoNamespace;
import com.mongodb.MongoSocketException;
import com.mongodb.client.MongoClient;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.faults.FaultyMongo;
import dev.tenantry.faults.WireProxy;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A purge that fails after a collection's delete or drop was carried out, before that step was recorded (the reply
 * lost on the way back, through a proxy that drops it), resumes with exact counts; and a purge re-checks before each
 * collection that the tenant is still scheduled for deletion. Runs its own embedded server behind the proxy, whatever
 * backend the rest of the suite uses.
 */
class PurgeFaultIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final Map<String, Long> FULL = Map.of("customers", 3L, "bookings", 2L, "invoices", 4L);

    private FaultyMongo faulty;
    private WireProxy proxy;
    private MongoClient client;
    private TenantDatabase tdb;
    private TenantDirectory directory;

    @BeforeEach
    void start() {
        faulty = FaultyMongo.start();
        proxy = faulty.proxy();
        client = faulty.client();
        tdb = TenantDatabase.builder(client, "app").tenantDatabasePrefix("tdb_")
                .collection("customers", IsolationStrategy.SHARED)
                .collection("bookings", IsolationStrategy.COLLECTION_PER_TENANT)
                .collection("invoices", IsolationStrategy.DATABASE_PER_TENANT).build();
        directory = TenantDirectory.builder(client, "app").clock(new MutableClock()).tenantDatabase(tdb).build();
        for (TenantId tenant : new TenantId[] {ACME, GLOBEX}) {
            directory.create(tenant, tenant.value(), "FREE");
            Tenants.run(tenant, () -> FULL.forEach((name, n) -> {
                for (int i = 0; i < n; i++) {
                    tdb.getCollection(name).insertOne(new Document("n", i));
                }
            }));
        }
    }

    @AfterEach
    void stop() {
        faulty.close();
    }

    private Map<String, Long> dataOf(TenantId tenant) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String name : tdb.getCollectionNames()) {
            MongoNamespace ns = tdb.namespaceFor(name, tenant);
            counts.put(name, client.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName())
                    .countDocuments(new Document("tenantId", tenant.value())));
        }
        return counts;
    }

    @ParameterizedTest(name = "the reply to purging {0} is lost")
    @ValueSource(strings = {"customers", "bookings", "invoices"})
    void aPurgeResumedAfterALostReplyReportsExactCounts(String collection) {
        MongoNamespace ns = tdb.namespaceFor(collection, ACME);
        proxy.dropReplies(WireProxy.command(tdb.getIsolation(collection) == IsolationStrategy.SHARED ? "delete"
                : "drop", ns.getCollectionName()).and(cmd -> cmd.getString("$db").getValue()
                .equals(ns.getDatabaseName())), 1);
        directory.scheduleDeletion(ACME, Duration.ZERO);

        assertThrows(MongoSocketException.class, () -> directory.purge(ACME));
        assertEquals(1, proxy.dropped(), "the server carried out the purge of " + collection + "; its reply was lost");
        assertEquals(0L, dataOf(ACME).get(collection));

        PurgeReport report = directory.purge(ACME);
        assertTrue(report.resumed());
        assertEquals(FULL, report.deleted(), "every collection counted exactly once, " + collection + " included");
        assertEquals(9, report.total());
        assertTrue(directory.find(ACME).isEmpty());
        assertEquals(FULL, dataOf(GLOBEX), "other tenants untouched");
    }

    @Test
    void aPurgeStopsBeforeTheNextCollectionOnceTheRecordIsNoLongerScheduled() {
        directory.scheduleDeletion(ACME, Duration.ZERO);
        // Someone restores the record behind the directory's back while the purge runs (a manual fix, a restore).
        TenantStatusException stopped = assertThrows(TenantStatusException.class, () -> directory.purge(ACME,
                (tenant, name, deleted, done, total) -> client.getDatabase("app").getCollection("tenants")
                        .updateOne(new Document("_id", tenant.value()), new Document("$set",
                                new Document("status", "ACTIVE")))));
        assertTrue(stopped.getMessage().contains("no longer scheduled for deletion"), stopped.getMessage());
        Map<String, Long> left = dataOf(ACME);
        assertEquals(0L, left.get("customers"), "the first collection was purged before the record changed");
        assertEquals(2L, left.get("bookings"), "nothing after it");
        assertEquals(4L, left.get("invoices"));
    }
}
