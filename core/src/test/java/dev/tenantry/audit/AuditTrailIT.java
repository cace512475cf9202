package dev.tenantry.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationProbe;
import dev.tenantry.collection.Probes;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@MongoTest
class AuditTrailIT {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final MongoBackend backend;
    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock(START);
    private AuditTrail trail;
    private MongoCollection<Document> raw;
    private int tenantCounter;

    /** Judges every command the trails of this test send (they use {@link #client}). */
    private final IsolationProbe probe;

    AuditTrailIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        this.backend = backend;
        this.probe = TenantDatabase.builder(client, database.getName()).collection(AuditTrail.DEFAULT_COLLECTION)
                .collection(AuditTrail.DEFAULT_COLLECTION + "Heads").build().newIsolationProbe();
        this.client = Probes.client(backend, probe);
        this.database = database;
    }

    @BeforeEach
    void open() {
        trail = AuditTrail.builder(client, database.getName()).clock(clock).build();
        raw = database.getCollection(AuditTrail.DEFAULT_COLLECTION);
    }

    @AfterEach
    void close() {
        trail.close();
        client.close();
        probe.assertNoViolations();
    }

    /** A tenant of its own for each test, so tests never see each other's chains. */
    private TenantId freshTenant() {
        return TenantId.of("t" + (++tenantCounter) + "-" + Long.toHexString(System.nanoTime()));
    }

    private void record(TenantId tenant, int count, String prefix) {
        Tenants.run(tenant, () -> {
            for (int i = 0; i < count; i++) {
                clock.advance(Duration.ofSeconds(1));
                trail.record(AuditEvent.of(i % 3 == 0 ? AuditAction.LOGIN : AuditAction.UPDATE)
                        .target("customers", prefix + i).actor("user-" + (i % 2), "user").build());
            }
        });
    }

    private List<AuditEntry> all(TenantId tenant, AuditQuery query) {
        return Tenants.call(tenant, () -> {
            List<AuditEntry> out = new ArrayList<>();
            AuditQuery page = query;
            while (true) {
                AuditPage result = trail.query(page);
                out.addAll(result.entries());
                if (result.nextCursor() == null) {
                    return out;
                }
                page = page.after(result.nextCursor());
            }
        });
    }

    @Test
    void recordsScopedEntriesWithContextAndQueriesNewestFirst() {
        TenantId a = freshTenant();
        TenantId b = freshTenant();
        AuditContext.actor("ada", "user").withRequest("10.0.0.1", "curl/8", "req-1").run(() -> Tenants.run(a,
                () -> trail.record(AuditAction.LOGIN, "session", "s1")));
        record(a, 5, "a");
        record(b, 3, "b");
        List<AuditEntry> entries = all(a, AuditQuery.all());
        assertEquals(6, entries.size());
        entries.forEach(e -> assertEquals(a, e.tenant()));
        assertEquals(List.of(6L, 5L, 4L, 3L, 2L, 1L), entries.stream().map(AuditEntry::sequence).toList());
        AuditEntry login = entries.get(5);
        assertEquals("ada", login.actorId());
        assertEquals("10.0.0.1", login.event().ip());
        assertEquals("curl/8", login.event().userAgent());
        assertEquals("req-1", login.event().requestId());
        assertEquals(START, login.time());
        assertEquals(AuditEntry.FORMAT_VERSION, login.formatVersion());
        assertEquals(3, all(b, AuditQuery.all()).size());
        assertThrows(MissingTenantException.class, () -> trail.record(AuditAction.LOGIN, "x", "y"));
        assertThrows(MissingTenantException.class, () -> trail.query(AuditQuery.all()));
    }

    @Test
    void filtersByTimeActorActionTargetAndOutcome() {
        TenantId a = freshTenant();
        record(a, 9, "c");
        Tenants.run(a, () -> trail.record(AuditEvent.of(AuditAction.DELETE).target("customers", "c0")
                .denied("not an admin").build()));
        assertEquals(3, all(a, AuditQuery.all().withAction(AuditAction.LOGIN)).size());
        assertEquals(5, all(a, AuditQuery.all().byActor("user-0")).size());
        assertEquals(2, all(a, AuditQuery.all().onTarget("customers", "c0")).size());
        assertEquals(10, all(a, AuditQuery.all().onTarget("customers", null)).size());
        List<AuditEntry> denied = all(a, AuditQuery.all().withOutcome(AuditOutcome.DENIED));
        assertEquals(1, denied.size());
        assertEquals("not an admin", denied.get(0).event().reason());
        List<AuditEntry> window = all(a, AuditQuery.all().between(START.plusSeconds(3), START.plusSeconds(6)));
        assertEquals(3, window.size(), "seconds 3, 4 and 5: from inclusive, to exclusive");
    }

    @Test
    void clientCorrelationIdIsStoredApartFromTheRequestIdAndCoveredByTheHash() {
        TenantId a = freshTenant();
        new AuditContext("ada", "user", "10.0.0.1", "curl/8", "server-id-1", "client-id-1").run(() -> Tenants.run(a,
                () -> trail.record(AuditAction.LOGIN, "session", "s1")));
        record(a, 2, "after");
        AuditEntry login = all(a, AuditQuery.all()).get(2);
        assertEquals("server-id-1", login.event().requestId());
        assertEquals("client-id-1", login.event().clientRequestId());
        assertNull(all(a, AuditQuery.all()).get(0).event().clientRequestId(), "absent where the client sent none");
        assertTrue(Tenants.call(a, trail::verify).intact(), "entries with and without it verify");
        java.io.ByteArrayOutputStream csv = new java.io.ByteArrayOutputStream();
        Tenants.run(a, () -> trail.export(AuditQuery.all(), dev.tenantry.ExportFormat.CSV, csv));
        String exported = csv.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(exported.lines().findFirst().orElseThrow().contains("requestId,clientRequestId"), exported);
        assertTrue(exported.contains("server-id-1,client-id-1"), "exports carry it beside the request id");
        ObjectId id = entry(a, 1).getObjectId("_id");
        raw.updateOne(Filters.eq("_id", id), Updates.set("clientRequestId", "client-id-2"));
        assertEquals(1, Tenants.call(a, trail::verify).firstBrokenSequence(), "changing it is detected");
        raw.updateOne(Filters.eq("_id", id), Updates.unset("clientRequestId"));
        assertEquals(1, Tenants.call(a, trail::verify).firstBrokenSequence(), "removing it is detected");
        raw.updateOne(Filters.eq("_id", entry(a, 2).getObjectId("_id")), Updates.set("clientRequestId", "forged"));
        raw.updateOne(Filters.eq("_id", id), Updates.set("clientRequestId", "client-id-1"));
        assertEquals(2, Tenants.call(a, trail::verify).firstBrokenSequence(), "adding one is detected");
    }

    @Test
    void badQueryInputIsRefusedWithTheRuleNamed() {
        IllegalArgumentException limit = assertThrows(IllegalArgumentException.class, () -> AuditQuery.all().limit(0));
        assertTrue(limit.getMessage().contains("limit"));
        assertThrows(IllegalArgumentException.class, () -> AuditQuery.all().limit(1001));
        assertThrows(IllegalArgumentException.class, () -> AuditQuery.all().between(START, START));
        assertThrows(IllegalArgumentException.class, () -> AuditQuery.all().after("garbage"));
        assertThrows(IllegalArgumentException.class, () -> AuditQuery.all().after("s-4"));
        assertThrows(IllegalArgumentException.class, () -> new AuditQuery(null, null, null, null, null, "id", null,
                10, null));
        assertThrows(IllegalArgumentException.class, () -> AuditAction.of("lower"));
        assertThrows(IllegalArgumentException.class, () -> AuditEvent.of(AuditAction.LOGIN).failed(" ").build());
        assertThrows(IllegalArgumentException.class, () -> AuditEvent.of(AuditAction.LOGIN)
                .summary("x".repeat(AuditEvent.MAX_SUMMARY + 1)).build());
    }

    @Test
    void pagingReturnsEveryEntryExactlyOnceWhileInsertsContinue() throws Exception {
        TenantId a = freshTenant();
        record(a, 250, "p");
        List<AuditEntry> seen = new ArrayList<>();
        AtomicInteger extra = new AtomicInteger();
        Tenants.run(a, () -> {
            AuditQuery page = AuditQuery.all().limit(37);
            while (true) {
                AuditPage result = trail.query(page);
                seen.addAll(result.entries());
                for (int i = 0; i < 5; i++) { // new entries arrive between every two pages
                    trail.record(AuditAction.CREATE, "late", Integer.toString(extra.incrementAndGet()));
                }
                if (result.nextCursor() == null) {
                    break;
                }
                page = page.after(result.nextCursor());
            }
        });
        Set<ObjectId> ids = new HashSet<>();
        seen.forEach(e -> assertTrue(ids.add(e.id()), "seen twice: " + e.sequence()));
        assertEquals(250, seen.size(), "the 250 entries present when paging began, each exactly once");
        assertTrue(seen.stream().allMatch(e -> e.sequence() <= 250));
    }

    @Test
    void untouchedLogVerifies() {
        TenantId a = freshTenant();
        record(a, 20, "v");
        AuditVerification result = Tenants.call(a, trail::verify);
        assertTrue(result.intact(), String.valueOf(result.problem()));
        assertEquals(20, result.entriesChecked());
        assertTrue(Tenants.call(freshTenant(), trail::verify).intact(), "an empty log verifies");
    }

    private AuditVerification tamperedThenVerified(java.util.function.Consumer<TenantId> tamper) {
        TenantId a = freshTenant();
        record(a, 10, "x");
        tamper.accept(a);
        return Tenants.call(a, trail::verify);
    }

    private Document entry(TenantId tenant, long seq) {
        return raw.find(Filters.and(Filters.eq("tenantId", tenant.value()), Filters.eq("seq", seq))).first();
    }

    @Test
    void modificationIsDetected() {
        AuditVerification result = tamperedThenVerified(t -> raw.updateOne(Filters.eq("_id",
                entry(t, 4).getObjectId("_id")), Updates.set("actorId", "mallory")));
        assertFalse(result.intact());
        assertEquals(4, result.firstBrokenSequence());
        assertTrue(result.problem().contains("modified"), result.problem());
    }

    @Test
    void deletionIsDetectedInTheMiddleAndAtTheEnd() {
        AuditVerification middle = tamperedThenVerified(t -> raw.deleteOne(Filters.eq("_id",
                entry(t, 5).getObjectId("_id"))));
        assertEquals(5, middle.firstBrokenSequence());
        assertTrue(middle.problem().contains("missing"), middle.problem());
        AuditVerification end = tamperedThenVerified(t -> raw.deleteOne(Filters.eq("_id",
                entry(t, 10).getObjectId("_id"))));
        assertFalse(end.intact());
        assertEquals(10, end.firstBrokenSequence());
        assertTrue(end.problem().contains("head"), end.problem());
    }

    @Test
    void insertionIsDetected() {
        AuditVerification result = tamperedThenVerified(t -> {
            Document forged = new Document(entry(t, 6));
            forged.put("_id", new ObjectId());
            forged.put("seq", 7L);
            forged.put("summary", "forged");
            raw.deleteOne(Filters.eq("_id", entry(t, 7).getObjectId("_id")));
            raw.insertOne(forged);
        });
        assertFalse(result.intact());
        assertEquals(7, result.firstBrokenSequence());
    }

    @Test
    void reorderingIsDetected() {
        AuditVerification result = tamperedThenVerified(t -> {
            ObjectId third = entry(t, 3).getObjectId("_id");
            ObjectId fourth = entry(t, 4).getObjectId("_id");
            raw.updateOne(Filters.eq("_id", third), Updates.set("seq", -3L));
            raw.updateOne(Filters.eq("_id", fourth), Updates.set("seq", 3L));
            raw.updateOne(Filters.eq("_id", third), Updates.set("seq", 4L));
        });
        assertFalse(result.intact());
        assertEquals(3, result.firstBrokenSequence());
    }

    @Test
    void twoLoggersForOneTenantKeepOneIntactChain() throws Exception {
        TenantId shared = freshTenant();
        int threadsPerLogger = 4;
        int perThread = 150;
        AuditTrail async = AuditTrail.builder(client, database.getName()).clock(clock)
                .asynchronous(1000, 50, Duration.ofMillis(5)).build();
        try (MongoClient otherClient = backend.newClient();
             AuditTrail other = AuditTrail.builder(otherClient, database.getName()).clock(clock).build()) {
            List<AuditTrail> loggers = List.of(trail, other, async);
            ExecutorService pool = Executors.newFixedThreadPool(threadsPerLogger * loggers.size());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (AuditTrail logger : loggers) {
                for (int t = 0; t < threadsPerLogger; t++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        Tenants.run(shared, () -> {
                            for (int i = 0; i < perThread; i++) {
                                logger.record(AuditAction.UPDATE, "row", Integer.toString(i));
                            }
                        });
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            async.close();
            int total = threadsPerLogger * loggers.size() * perThread;
            AuditVerification result = Tenants.call(shared, trail::verify);
            assertTrue(result.intact(), String.valueOf(result.problem()));
            assertEquals(total, result.entriesChecked());
        } finally {
            async.close();
        }
    }

    @Test
    void purgeKeepsTheRetentionAndTheChainVerifiable() {
        TenantId a = freshTenant();
        record(a, 30, "old"); // seconds 1..30
        clock.advance(Duration.ofDays(10));
        record(a, 5, "new");
        assertThrows(IllegalArgumentException.class, () -> Tenants.run(a, () -> trail.purgeOlderThan(
                Duration.ofDays(-1))));
        long deleted = Tenants.call(a, () -> trail.purgeOlderThan(Duration.ofDays(1)));
        assertEquals(30, deleted);
        List<AuditEntry> left = all(a, AuditQuery.all());
        assertEquals(6, left.size(), "5 kept and the purge record");
        AuditEntry purge = left.get(0);
        assertEquals(AuditAction.AUDIT_PURGE, purge.action());
        assertEquals("30", purge.event().targetId());
        AuditVerification result = Tenants.call(a, trail::verify);
        assertTrue(result.intact(), String.valueOf(result.problem()));
        assertEquals(0, Tenants.call(a, () -> trail.purgeOlderThan(Duration.ofDays(1))), "nothing more to purge");
        record(a, 2, "later");
        assertTrue(Tenants.call(a, trail::verify).intact());
        // deleting the oldest kept entry is still caught after a purge
        raw.deleteOne(Filters.eq("_id", entry(a, 31).getObjectId("_id")));
        AuditVerification broken = Tenants.call(a, trail::verify);
        assertEquals(31, broken.firstBrokenSequence());
    }

    @Test
    void systemScopeEntriesAreRecordedWithTheirReason() {
        TenantId a = freshTenant();
        TenantDatabase tdb = TenantDatabase.builder(client, database.getName()).collection("things").build();
        TenantCollection<Document> things = tdb.getCollection("things");
        try (AuditTrail recording = AuditTrail.builder(client, database.getName()).clock(clock).build()) {
            Tenants.Registration wired = tdb.addSystemScopeListener(recording.systemScopeListener());
            Tenants.run(a, () -> Tenants.runAsSystem("nightly purge", () -> Tenants.run(a, () -> {
                things.countDocuments();
                things.countDocuments(); // the same entry: recorded once
            })));
            List<AuditEntry> entries = all(a, AuditQuery.all().withAction(AuditAction.SYSTEM_ACCESS));
            assertEquals(1, entries.size());
            assertEquals("nightly purge", entries.get(0).event().summary());
            Tenants.runAsSystem("outside any tenant", () -> Tenants.run(a, things::countDocuments));
            assertEquals(1, all(AuditTrail.Builder.DEFAULT_SYSTEM_TENANT,
                    AuditQuery.all().withAction(AuditAction.SYSTEM_ACCESS)).stream()
                    .filter(e -> "outside any tenant".equals(e.event().summary())).count());
            Tenants.run(a, () -> Tenants.runAsSystem("touches no tenant data", () -> { }));
            assertEquals(2, recording.stats().written(), "an entry is recorded where it touches the database");
            wired.close();
        }
        Tenants.run(a, () -> Tenants.runAsSystem("after close", () -> Tenants.run(a, things::countDocuments)));
        assertEquals(1, all(a, AuditQuery.all().withAction(AuditAction.SYSTEM_ACCESS)).size());
        assertNull(AuditContext.current().orElse(null));
    }
}
