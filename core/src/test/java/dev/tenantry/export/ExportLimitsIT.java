package dev.tenantry.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.ExportFormat;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caps on exports pending or running at once, per requester and per tenant: never exceeded by requests released
 * together, given back when an export ends, and healed when a slot outlives its export.
 */
@MongoTest
class ExportLimitsIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final int THREADS = 16;

    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock();
    private TenantDatabase tdb;

    ExportLimitsIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @BeforeEach
    void setUp() {
        database.drop();
        tdb = TenantDatabase.builder(client, database.getName()).collection("items", IsolationStrategy.SHARED).build();
        Tenants.run(ACME, () -> tdb.getCollection("items").insertOne(new Document("n", 1)));
    }

    private DataExports exports(int perRequester, int perTenant) {
        return DataExports.builder(client, database.getName(), tdb).clock(clock)
                .maxActivePerRequester(perRequester).maxActivePerTenant(perTenant).build();
    }

    /** Requests from {@link #THREADS} threads released together; returns how many were accepted. */
    private static int requestTogether(DataExports exports, IntFunction<String> requester,
                                       List<ExportLimitExceededException> refusals) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger accepted = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String by = requester.apply(t);
            futures.add(pool.submit(() -> {
                go.await();
                try {
                    Tenants.run(ACME, () -> exports.request(ExportScope.tenant(), ExportFormat.NDJSON, by));
                    accepted.incrementAndGet();
                } catch (ExportLimitExceededException refused) {
                    synchronized (refusals) {
                        refusals.add(refused);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return accepted.get();
    }

    private long active() {
        return database.getCollection("DataExport").countDocuments(new Document("status",
                new Document("$in", List.of("PENDING", "RUNNING"))));
    }

    @Test
    void oneRequesterNeverHasMoreThanItsCapPendingOrRunning() throws Exception {
        DataExports exports = exports(3, 10);
        List<ExportLimitExceededException> refusals = new ArrayList<>();
        assertEquals(3, requestTogether(exports, t -> "ann", refusals));
        assertEquals(3, active());
        assertEquals(THREADS - 3, refusals.size());
        ExportLimitExceededException refused = refusals.get(0);
        assertEquals(ExportLimitExceededException.Limit.PER_REQUESTER, refused.limit());
        assertEquals(3, refused.max());
        assertEquals(ACME, refused.tenant());
        assertTrue(refused.getMessage().contains("3 data exports pending or running")
                && refused.getMessage().contains("per requester"), refused.getMessage());
        assertEquals(3, requestTogether(exports, t -> "bob", new ArrayList<>()),
                "another requester has a cap of its own");
        assertEquals(6, active());
    }

    @Test
    void oneTenantNeverHasMoreThanItsCapPendingOrRunning() throws Exception {
        DataExports exports = exports(2, 5);
        List<ExportLimitExceededException> refusals = new ArrayList<>();
        assertEquals(5, requestTogether(exports, t -> "user-" + t, refusals));
        assertEquals(5, active());
        assertTrue(refusals.stream().allMatch(r -> r.limit() == ExportLimitExceededException.Limit.PER_TENANT),
                String.valueOf(refusals));
        assertTrue(refusals.get(0).getMessage().contains("5 data exports pending or running"),
                refusals.get(0).getMessage());
        assertEquals(0, database.getCollection("DataExportSlots").countDocuments(new Document("export",
                new Document("$nin", database.getCollection("DataExport").distinct("_id", ObjectId.class)
                        .into(new ArrayList<>())))), "a refused request holds no slot");
    }

    @Test
    void anExportThatEndsGivesItsSlotsBack() {
        DataExports exports = exports(1, 1);
        Tenants.run(ACME, () -> {
            DataExport first = exports.request(ExportScope.tenant(), ExportFormat.JSON, "ann");
            assertThrows(ExportLimitExceededException.class,
                    () -> exports.request(ExportScope.tenant(), ExportFormat.JSON, "ann"));
            exports.run(first.id(), ExportSink.to(new ByteArrayOutputStream()));
            DataExport second = exports.request(ExportScope.tenant(), ExportFormat.JSON, "ann");
            assertThrows(RuntimeException.class, () -> exports.run(second.id(), ExportSink.file(
                    java.nio.file.Path.of("/nonexistent-folder-" + new ObjectId(), "x.json"))));
            assertEquals(ExportStatus.FAILED, exports.find(second.id()).orElseThrow().status());
            exports.request(ExportScope.tenant(), ExportFormat.JSON, "ann"); // a failed export's slots are back
        });
    }

    @Test
    void aSlotThatOutlivedItsExportIsFreedWhenTheCapIsReached() {
        DataExports exports = exports(1, 1);
        // A slot whose request crashed before its record was written, long enough ago.
        database.getCollection("DataExportSlots").insertOne(new Document("_id", "t|acme|0")
                .append("export", new ObjectId()).append("at", new java.util.Date(clock.millis())).append("v", 1));
        Tenants.run(ACME, () -> assertThrows(ExportLimitExceededException.class, () -> exports.request(
                ExportScope.tenant(), ExportFormat.JSON, "ann"), "within its grace time the slot may still be used"));
        clock.advance(Duration.ofMinutes(2));
        Tenants.run(ACME, () -> exports.request(ExportScope.tenant(), ExportFormat.JSON, "ann"));
        assertEquals(1, active());
    }
}
