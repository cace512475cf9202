package dev.tenantry.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.IsolationProbe;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.Probes;
import dev.tenantry.collection.SoftDelete;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tenant directory: lifecycle, the scope guard, and deletion with retention, cancel and a resumable purge. */
@MongoTest
class TenantDirectoryIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final Duration RETENTION = Duration.ofDays(30);

    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock();
    private final String prefix = "dir" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36) + "_";
    private TenantDatabase tdb;
    private AuditTrail audit;
    private TenantDirectory directory;
    private final List<Tenants.Registration> registrations = new ArrayList<>();

    private final MongoBackend backend;
    /** The client Tenantry's components use here: every command they send is judged by the probes. */
    private MongoClient probedClient;
    private IsolationProbe dataProbe;
    private IsolationProbe auditProbe;

    TenantDirectoryIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        this.backend = backend;
        this.client = client;
        this.database = database;
    }

    @BeforeEach
    void setUp() {
        database.drop();
        dataProbe = tenantDatabase(client).newIsolationProbe();
        auditProbe = TenantDatabase.builder(client, database.getName()).collection(AuditTrail.DEFAULT_COLLECTION)
                .collection(AuditTrail.DEFAULT_COLLECTION + "Heads").build().newIsolationProbe();
        probedClient = Probes.client(backend, dataProbe, auditProbe);
        tdb = tenantDatabase(probedClient);
        audit = AuditTrail.builder(probedClient, database.getName()).clock(clock).build();
        directory = TenantDirectory.builder(probedClient, database.getName()).clock(clock).tenantDatabase(tdb)
                .auditTrail(audit).build();
        registrations.add(directory.guardScopes());
        directory.create(ACME, "Acme Ltd", "FREE");
        directory.create(GLOBEX, "Globex", "PRO");
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            Tenants.run(tenant, () -> {
                insert("customers", 3);
                insert("bookings", 2);
                insert("invoices", 4);
            });
        }
    }

    private TenantDatabase tenantDatabase(MongoClient on) {
        return TenantDatabase.builder(on, database.getName()).tenantDatabasePrefix(prefix)
                .collection("customers", IsolationStrategy.SHARED, SoftDelete.retainFor(Duration.ofDays(7)))
                .collection("bookings", IsolationStrategy.COLLECTION_PER_TENANT)
                .collection("invoices", IsolationStrategy.DATABASE_PER_TENANT).build();
    }

    @AfterEach
    void tearDown() {
        registrations.forEach(Tenants.Registration::close);
        audit.close();
        probedClient.close();
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            client.getDatabase(prefix + tenant.value()).drop();
        }
        dataProbe.assertNoViolations();
        auditProbe.assertNoViolations();
    }

    private void insert(String collection, int n) {
        TenantCollection<Document> c = tdb.getCollection(collection);
        for (int i = 0; i < n; i++) {
            c.insertOne(new Document("n", i));
        }
    }

    /** The tenant's documents per collection, counted through the raw driver. */
    private Map<String, Long> dataOf(TenantId tenant) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String name : tdb.getCollectionNames()) {
            var ns = tdb.namespaceFor(name, tenant);
            counts.put(name, client.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName())
                    .countDocuments(new Document("tenantId", tenant.value())));
        }
        return counts;
    }

    private static final Map<String, Long> FULL = Map.of("customers", 3L, "bookings", 2L, "invoices", 4L);

    @Test
    void lifecycleChangesAreStoredCachedAndTold() {
        List<String> told = new ArrayList<>();
        registrations.add(directory.addChangeListener((before, after) -> told.add(
                (before == null ? "-" : before.status() + "/" + before.plan()) + " > "
                        + (after == null ? "-" : after.status() + "/" + after.plan()))));
        TenantRecord acme = directory.get(ACME);
        assertEquals("Acme Ltd", acme.name());
        assertEquals(TenantStatus.ACTIVE, acme.status());
        assertEquals(clock.instant(), acme.createdAt());
        assertNull(acme.deleteScheduledAt());

        clock.advance(Duration.ofMinutes(1));
        assertEquals("Acme Inc", directory.rename(ACME, "Acme Inc").name());
        assertEquals("PRO", directory.changePlan(ACME, "PRO").plan());
        assertEquals(TenantStatus.SUSPENDED, directory.suspend(ACME).status());
        assertEquals(TenantStatus.ACTIVE, directory.reactivate(ACME).status());
        TenantRecord now = directory.get(ACME);
        assertEquals("Acme Inc", now.name());
        assertEquals(clock.instant(), now.updatedAt());
        assertEquals(List.of("ACTIVE/FREE > ACTIVE/FREE", "ACTIVE/FREE > ACTIVE/PRO", "ACTIVE/PRO > SUSPENDED/PRO",
                "SUSPENDED/PRO > ACTIVE/PRO"), told);
        assertEquals(List.of(ACME, GLOBEX), directory.list().stream().map(TenantRecord::id).toList());
        assertThrows(TenantExistsException.class, () -> directory.create(ACME, "Again", "FREE"));
        assertEquals("Acme Inc", directory.get(ACME).name(), "a refused create changes nothing");
        long updates = Tenants.call(ACME, () -> audit.query(AuditQuery.all().withAction(AuditAction.UPDATE))
                .entries().size());
        assertEquals(4, updates, "each change is in the tenant's audit trail");
    }

    @Test
    void aPlanChangeReachesTheRateLimiter() {
        RateLimiter limiter = RateLimiter.builder().plan("FREE", Bandwidth.of(1, Duration.ofHours(1)))
                .plan("PRO", Bandwidth.of(100, Duration.ofHours(1))).planResolver(directory.planResolver())
                .planCache(Duration.ofHours(1)).clock(clock).build();
        registrations.add(directory.addPlanListener(limiter.plans(), limiter::invalidatePlan));
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertEquals("FREE", limiter.tryAcquire(key).policy());
        assertFalse(limiter.tryAcquire(key).allowed());
        directory.changePlan(ACME, "PRO");
        RateLimitDecision pro = limiter.tryAcquire(key);
        assertEquals("PRO", pro.policy(), "the next decision is made under the new plan");
        assertEquals(100, pro.limit());
        assertFalse(pro.allowed(), "an upgrade carries the tokens left over, no fresh burst");
        clock.advance(Duration.ofMinutes(1)); // PRO refills 100 an hour, FREE 1: only PRO has a token by now
        assertTrue(limiter.tryAcquire(key).allowed());
    }

    @Test
    void aPlanTheRateLimiterDoesNotKnowIsRefusedBeforeAnythingChanges() {
        RateLimiter limiter = RateLimiter.builder().plan("FREE", Bandwidth.of(1, Duration.ofHours(1)))
                .plan("PRO", Bandwidth.of(100, Duration.ofHours(1))).planResolver(directory.planResolver())
                .clock(clock).build();
        Tenants.Registration linked = directory.addPlanListener(limiter.plans(), limiter::invalidatePlan);
        registrations.add(linked);
        TenantRecord before = directory.get(ACME);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> directory.changePlan(ACME, "UNKNOWN_PLAN"));
        assertTrue(unknown.getMessage().contains("UNKNOWN_PLAN") && unknown.getMessage().contains("[FREE, PRO]"),
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> directory.create(TenantId.of("initech"), "Initech",
                "GOLD"));
        assertEquals(before, directory.get(ACME), "nothing changed");
        assertTrue(directory.find(TenantId.of("initech")).isEmpty(), "nothing created");
        assertEquals("FREE", limiter.tryAcquire(RateLimitKey.tenant(ACME)).policy(), "decisions still work");
        linked.close();
        assertEquals("GOLD", directory.changePlan(ACME, "GOLD").plan(), "unlinked: any plan name is accepted");

        TenantDirectory fixedPlans = TenantDirectory.builder(client, database.getName()).clock(clock)
                .plans("FREE", "PRO").build();
        assertThrows(IllegalArgumentException.class, () -> fixedPlans.changePlan(GLOBEX, "GOLD"));
        assertThrows(IllegalArgumentException.class, () -> TenantDirectory.builder(client, database.getName())
                .plans("no spaces"));
    }

    @Test
    void aSuspendedTenantsDataIsRefusedButSystemScopeReachesIt() {
        directory.suspend(ACME);
        TenantStatusException refused = assertThrows(TenantStatusException.class, () -> Tenants.run(ACME, () ->
                tdb.getCollection("customers").countDocuments()));
        assertEquals(TenantStatus.SUSPENDED, refused.status());
        assertTrue(refused.getMessage().contains("SUSPENDED"), refused.getMessage());
        assertEquals(3L, Tenants.callAsSystem("support looks at a suspended tenant",
                () -> Tenants.call(ACME, () -> tdb.getCollection("customers").countDocuments())));
        Tenants.run(GLOBEX, () -> assertEquals(3L, tdb.getCollection("customers").countDocuments()));
        directory.reactivate(ACME);
        Tenants.run(ACME, () -> assertEquals(3L, tdb.getCollection("customers").countDocuments()));

        directory.scheduleDeletion(ACME, RETENTION);
        assertEquals(TenantStatus.DELETION_SCHEDULED, assertThrows(TenantStatusException.class,
                () -> Tenants.run(ACME, () -> tdb.getCollection("bookings").find().first())).status());
    }

    @Test
    void scheduleCancelAndPurgeAcrossEveryIsolationStrategy() {
        Tenants.run(ACME, () -> tdb.getCollection("customers").deleteOne(new Document("n", 0)));
        assertEquals(FULL, dataOf(ACME), "a soft-deleted customer is still there, and the purge must remove it too");
        TenantRecord scheduled = directory.scheduleDeletion(ACME, RETENTION);
        assertEquals(TenantStatus.DELETION_SCHEDULED, scheduled.status());
        assertEquals(clock.instant().plus(RETENTION), scheduled.deleteScheduledAt());
        assertEquals(FULL, dataOf(ACME), "scheduling touches no data");

        TenantRecord cancelled = directory.cancelDeletion(ACME);
        assertEquals(TenantStatus.ACTIVE, cancelled.status());
        assertNull(cancelled.deleteScheduledAt());
        assertEquals(FULL, dataOf(ACME));

        directory.suspend(ACME);
        directory.scheduleDeletion(ACME, RETENTION);
        assertEquals(TenantStatus.SUSPENDED, directory.cancelDeletion(ACME).status(), "cancel restores the status "
                + "the tenant had");
        directory.reactivate(ACME);

        directory.scheduleDeletion(ACME, RETENTION);
        clock.advance(RETENTION.minusSeconds(1));
        assertEquals(List.of(), directory.purgeDue(), "not due yet: nothing purged");
        assertEquals(FULL, dataOf(ACME));
        clock.advance(Duration.ofSeconds(1));

        List<String> progress = new ArrayList<>();
        List<PurgeReport> reports = directory.purgeDue((tenant, collection, deleted, done, total) ->
                progress.add(tenant + ":" + collection + "=" + deleted + " " + done + "/" + total));
        assertEquals(1, reports.size());
        PurgeReport report = reports.get(0);
        assertEquals(ACME, report.tenant());
        assertEquals(Map.of("customers", 3L, "bookings", 2L, "invoices", 4L), report.deleted());
        assertEquals(9, report.total());
        assertFalse(report.resumed());
        assertEquals(List.of("acme:customers=3 1/3", "acme:bookings=2 2/3", "acme:invoices=4 3/3"), progress);

        assertTrue(directory.find(ACME).isEmpty(), "the record goes last");
        // (before counting: the embedded server lists a database again once it is read)
        assertFalse(client.getDatabase(database.getName()).listCollectionNames().into(new ArrayList<>())
                .contains(tdb.namespaceFor("bookings", ACME).getCollectionName()), "per-tenant collection dropped");
        assertFalse(client.listDatabaseNames().into(new ArrayList<>()).contains(prefix + "acme"),
                "per-tenant database dropped");
        assertEquals(Map.of("customers", 0L, "bookings", 0L, "invoices", 0L), dataOf(ACME));
        assertEquals(FULL, dataOf(GLOBEX), "other tenants untouched");
        assertEquals(List.of(), directory.purgeDue(), "running again finds nothing to do");

        List<AuditEntry> deletes = Tenants.call(ACME, () -> audit.query(AuditQuery.all()
                .withAction(AuditAction.DELETE)).entries()); // newest first
        assertEquals(List.of("tenant:acme", "collection:invoices", "collection:bookings", "collection:customers"),
                deletes.stream().map(e -> e.event().targetType() + ":" + e.event().targetId()).toList());
    }

    @Test
    void anInterruptedPurgeResumesAndFinishes() {
        directory.scheduleDeletion(ACME, Duration.ZERO);
        RuntimeException crash = new IllegalStateException("the purge job's host went down");
        assertThrows(IllegalStateException.class, () -> directory.purge(ACME, (t, c, d, done, total) -> {
            if (done == 2) {
                throw crash;
            }
        }));
        Map<String, Long> midway = dataOf(ACME);
        assertEquals(0L, midway.get("customers"));
        assertEquals(0L, midway.get("bookings"));
        assertEquals(4L, midway.get("invoices"), "interrupted before the third collection");
        assertEquals(TenantStatus.DELETION_SCHEDULED, directory.get(ACME).status(), "the record is still there");
        assertThrows(TenantStatusException.class, () -> directory.cancelDeletion(ACME),
                "a started purge cannot be cancelled: part of the data is gone");
        assertThrows(TenantStatusException.class, () -> Tenants.run(ACME, () ->
                tdb.getCollection("invoices").countDocuments()));

        PurgeReport report = directory.purge(ACME);
        assertTrue(report.resumed());
        assertEquals(Map.of("customers", 3L, "bookings", 2L, "invoices", 4L), report.deleted(),
                "counts of the first run are kept");
        assertTrue(directory.find(ACME).isEmpty());
        assertEquals(Map.of("customers", 0L, "bookings", 0L, "invoices", 0L), dataOf(ACME));
        assertEquals(FULL, dataOf(GLOBEX), "other tenants untouched");
        assertThrows(TenantNotFoundException.class, () -> directory.purge(ACME), "purged: nothing left to purge");
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        TenantId nobody = TenantId.of("nobody");
        assertThrows(TenantNotFoundException.class, () -> directory.rename(nobody, "x"));
        assertThrows(TenantNotFoundException.class, () -> directory.suspend(nobody));
        assertThrows(TenantNotFoundException.class, () -> directory.scheduleDeletion(nobody, RETENTION));
        assertThrows(TenantNotFoundException.class, () -> directory.purge(nobody));
        assertTrue(directory.find(nobody).isEmpty(), "no record made on the way");

        TenantRecord before = directory.get(ACME);
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> directory.scheduleDeletion(ACME, Duration.ofDays(-1)));
        assertTrue(negative.getMessage().contains("retention"), negative.getMessage());
        TenantStatusException active = assertThrows(TenantStatusException.class, () -> directory.purge(ACME));
        assertTrue(active.getMessage().contains("ACTIVE"), active.getMessage());
        assertThrows(TenantStatusException.class, () -> directory.reactivate(ACME), "not suspended");
        assertThrows(TenantStatusException.class, () -> directory.cancelDeletion(ACME), "nothing scheduled");
        assertThrows(IllegalArgumentException.class, () -> directory.changePlan(ACME, "no spaces"));
        assertThrows(IllegalArgumentException.class, () -> directory.rename(ACME, " "));
        assertEquals(before, directory.get(ACME));
        assertEquals(FULL, dataOf(ACME));

        directory.scheduleDeletion(ACME, RETENTION);
        TenantStatusException early = assertThrows(TenantStatusException.class, () -> directory.purge(ACME));
        assertTrue(early.getMessage().contains("due at"), early.getMessage());
        assertThrows(TenantStatusException.class, () -> directory.scheduleDeletion(ACME, RETENTION),
                "already scheduled");
        assertEquals(FULL, dataOf(ACME));
    }
}
