package dev.tenantry.audit;

import static dev.tenantry.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.faults.FaultyMongo;
import dev.tenantry.faults.WireProxy;
import dev.tenantry.testing.EmbeddedMongo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The asynchronous writer when an entry cannot be written: a tenant the directory refuses, an entry MongoDB refuses
 * for good, a transient refusal. Nothing holds up the others, nothing accepted is lost, and only transient errors are
 * retried. Runs its own embedded server behind a proxy that can refuse chosen commands.
 */
class AuditWriterIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private FaultyMongo faulty;
    private EmbeddedMongo mongo;
    private WireProxy proxy;
    private MongoClient client;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() {
        faulty = FaultyMongo.start();
        mongo = faulty.mongo();
        proxy = faulty.proxy();
        client = faulty.client();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.clearRules();
        mongo.restart();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        faulty.close();
    }

    private AuditTrail asyncTrail(int capacity) {
        AuditTrail trail = AuditTrail.builder(client, "app").asynchronous(capacity, 50, Duration.ofMillis(2))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).build();
        closing.add(trail);
        return trail;
    }

    private MongoCollection<Document> log() {
        return client.getDatabase("app").getCollection(AuditTrail.DEFAULT_COLLECTION);
    }

    private Set<String> targets(TenantId tenant) {
        Set<String> ids = new HashSet<>();
        for (Document d : log().find(Filters.and(Filters.eq("tenantId", tenant.value()),
                Filters.eq("targetType", "row")))) {
            assertTrue(ids.add(d.getString("targetId")), "stored twice: " + d.getString("targetId"));
        }
        return ids;
    }

    @Test
    void anEntryForASuspendedTenantIsWrittenAndHoldsNobodyUp() throws Exception {
        AuditTrail trail = asyncTrail(8);
        TenantDatabase tdb = TenantDatabase.builder(client, "app").collection("customers").build();
        TenantDirectory directory = TenantDirectory.builder(client, "app").tenantDatabase(tdb).auditTrail(trail)
                .build();
        closing.add(directory.guardScopes());
        directory.create(ACME, "Acme", "FREE");
        directory.create(GLOBEX, "Globex", "FREE");
        directory.suspend(ACME); // records UPDATE in acme's log: the directory's guard refuses acme from now on

        Thread recorder = new Thread(() -> Tenants.run(GLOBEX, () -> {
            for (int i = 0; i < 40; i++) {
                trail.record(AuditAction.CREATE, "row", Integer.toString(i));
            }
        }));
        recorder.start();
        recorder.join(TimeUnit.SECONDS.toMillis(20));
        assertTrue(!recorder.isAlive(), "the recorder was held up behind the suspended tenant's entry");
        until("every entry is written", () -> trail.stats().written() == 2 + 1 + 40);
        assertEquals(0, trail.stats().failedAttempts(), "no write was refused: the trail's own writes are unguarded");
        assertEquals(0, trail.stats().deadLettered());
        assertTrue(log().countDocuments(Filters.and(Filters.eq("tenantId", "acme"), Filters.eq("action", "UPDATE")))
                == 1, "the suspension is in acme's log");
        assertEquals(40, targets(GLOBEX).size());
        AuditVerification acme = Tenants.callAsSystem("verify a suspended tenant's log",
                () -> Tenants.call(ACME, trail::verify));
        assertTrue(acme.intact(), String.valueOf(acme.problem()));
    }

    @Test
    void anEntryMongoDbRefusesGoesToTheDeadLettersAndHoldsNobodyUp() {
        AuditTrail trail = asyncTrail(1000);
        // Every insert that carries the poisoned entry is refused for good (13: Unauthorized), however often tried.
        proxy.refuse(cmd -> cmd.getFirstKey().equals("insert") && cmd.containsKey("documents")
                && AuditTrail.DEFAULT_COLLECTION.equals(cmd.getString("insert").getValue())
                && cmd.getArray("documents").stream().anyMatch(d -> "poison".equals(target(d))),
                Integer.MAX_VALUE, 13, "Unauthorized");
        Tenants.run(ACME, () -> {
            for (int i = 0; i < 20; i++) {
                trail.record(AuditAction.CREATE, "row", i == 7 ? "poison" : Integer.toString(i));
            }
        });
        Tenants.run(GLOBEX, () -> {
            for (int i = 0; i < 20; i++) {
                trail.record(AuditAction.CREATE, "row", Integer.toString(i));
            }
        });
        until("every other entry is written", () -> trail.stats().written() == 39);
        assertEquals(1, trail.stats().deadLettered());
        assertEquals(19, targets(ACME).size());
        assertEquals(20, targets(GLOBEX).size());
        MongoCollection<Document> deadLetters = client.getDatabase("app")
                .getCollection(AuditTrail.DEFAULT_COLLECTION + AuditTrail.DEAD_LETTER_SUFFIX);
        Document kept = deadLetters.find().first();
        assertEquals("poison", kept.getString("targetId"));
        assertEquals("acme", kept.getString("tenantId"));
        assertTrue(kept.getString("deadLetterReason").contains("Unauthorized"), kept.getString("deadLetterReason"));
        assertEquals(1, deadLetters.countDocuments());
        AuditVerification chain = Tenants.call(ACME, trail::verify);
        assertTrue(chain.intact(), "the refused entry left no gap: " + chain.problem());
    }

    @Test
    void aTransientRefusalIsRetriedUntilItPasses() {
        AuditTrail trail = asyncTrail(1000);
        // 91: ShutdownInProgress, with the label a server puts on a write that may be retried.
        proxy.refuse(cmd -> cmd.getFirstKey().equals("insert") && AuditTrail.DEFAULT_COLLECTION.equals(
                cmd.getString("insert").getValue()), 5, 91, "ShutdownInProgress", "RetryableWriteError");
        Tenants.run(ACME, () -> trail.record(AuditAction.CREATE, "row", "1"));
        until("the entry is written", () -> trail.stats().written() == 1);
        assertEquals(5, trail.stats().failedAttempts());
        assertEquals(0, trail.stats().deadLettered());
    }

    @Test
    void aSecondCloseWaitsUntilTheFirstHasWrittenTheQueue() throws Exception {
        AuditTrail trail = asyncTrail(100);
        mongo.stop();
        Tenants.run(ACME, () -> {
            for (int i = 0; i < 50; i++) {
                trail.record(AuditAction.CREATE, "row", Integer.toString(i));
            }
        });
        Thread first = new Thread(trail::close);
        first.start();
        until("the first close waits for the writer", () -> waiting(first));
        Thread second = new Thread(trail::close);
        second.start();
        until("the second close waits too, or returns", () -> waiting(second) || !second.isAlive());
        if (!second.isAlive()) {
            fail("the second close returned while MongoDB was down, before the queue was written");
        }
        mongo.restart();
        second.join(TimeUnit.SECONDS.toMillis(30));
        first.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(50, targets(ACME).size(), "every close returned once the queue was written");
    }

    private static boolean waiting(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    @Test
    void concurrentClosesNeverWriteTheStopMarkerAsAnEntry() throws Exception {
        int trials = 200;
        for (int trial = 0; trial < trials; trial++) {
            // A database per trial keeps each trial's log small: the embedded server scans it without indexes.
            String db = "markers" + trial;
            // The writer takes the entry and naps for the batch to fill: the closers' wake-ups land in its batch.
            AuditTrail trail = AuditTrail.builder(client, db).asynchronous(64, 16, Duration.ofMillis(2)).build();
            // The closers wait on a spin flag rather than a latch: they leave it within nanoseconds of each other,
            // so their closes really overlap.
            AtomicBoolean go = new AtomicBoolean();
            AtomicInteger ready = new AtomicInteger();
            Thread[] closers = new Thread[2];
            for (int c = 0; c < closers.length; c++) {
                closers[c] = new Thread(() -> {
                    ready.incrementAndGet();
                    while (!go.get()) {
                        Thread.onSpinWait();
                    }
                    trail.close();
                });
                closers[c].start();
            }
            while (ready.get() < closers.length) {
                Thread.onSpinWait();
            }
            Tenants.run(ACME, () -> trail.record(AuditAction.CREATE, "row", "x"));
            go.set(true);
            for (Thread closer : closers) {
                closer.join(TimeUnit.SECONDS.toMillis(30));
            }
            MongoCollection<Document> log = client.getDatabase(db).getCollection(AuditTrail.DEFAULT_COLLECTION);
            assertEquals(0, log.countDocuments(Filters.ne("tenantId", "acme")), "trial " + trial + ": nothing but "
                    + "the recorded entries is stored; no stop marker became an entry");
            assertEquals(1, log.countDocuments(Filters.eq("tenantId", "acme")), "trial " + trial);
        }
    }

    @Test
    void aCloseDeadlineMovesWhatIsLeftToTheDeadLetterFileAndSaysHowMuch(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit-dead-letters.ndjson");
        AuditTrail trail = AuditTrail.builder(client, "app").asynchronous(100, 10, Duration.ofMillis(1))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).deadLetterFile(file).build();
        closing.add(trail);
        mongo.stop();
        Tenants.run(ACME, () -> {
            for (int i = 0; i < 5; i++) {
                trail.record(AuditAction.CREATE, "row", Integer.toString(i));
            }
        });
        long start = System.nanoTime();
        AuditCloseReport report = trail.close(Duration.ofMillis(300));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(5, report.unwritten());
        assertTrue(!report.complete());
        assertEquals("file " + file, report.deadLetterPlace());
        assertTrue(tookMillis < 300 + 5_000, "bounded by the deadline (and the dead letters' own bound): " + tookMillis);
        assertEquals(5, trail.stats().deadLettered());
        List<String> lines = Files.readAllLines(file);
        assertEquals(5, lines.size());
        Set<String> kept = new HashSet<>();
        for (String line : lines) {
            BsonDocument entry = BsonDocument.parse(line);
            assertEquals("acme", entry.getString("tenantId").getValue());
            assertTrue(entry.getString("deadLetterReason").getValue().contains("deadline"), line);
            kept.add(entry.getString("targetId").getValue());
        }
        assertEquals(Set.of("0", "1", "2", "3", "4"), kept, "the entries themselves are kept, every one");
        AuditCloseReport again = trail.close(Duration.ofSeconds(5));
        assertEquals(5, again.unwritten(), "a later close is told the same outcome");
    }

    @Test
    void concurrentClosesKeepTheEarliestDeadlineAndAreToldTheSameOutcome() throws Exception {
        AuditTrail trail = asyncTrail(100);
        mongo.stop();
        Tenants.run(ACME, () -> {
            for (int i = 0; i < 7; i++) {
                trail.record(AuditAction.CREATE, "row", Integer.toString(i));
            }
        });
        AuditCloseReport[] reports = new AuditCloseReport[2];
        Thread patient = new Thread(() -> reports[0] = trail.close(Duration.ofMinutes(5)));
        patient.start();
        until("the patient close waits", () -> waiting(patient));
        reports[1] = trail.close(Duration.ofMillis(200));
        patient.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(!patient.isAlive(), "the earliest deadline is the one kept");
        assertEquals(7, reports[1].unwritten());
        assertEquals(reports[1], reports[0]);
        assertEquals("log", reports[0].deadLetterPlace(), "MongoDB is down: each entry is logged instead");
    }

    private static String target(BsonValue doc) {
        BsonDocument d = doc.asDocument();
        return d.containsKey("targetId") ? d.getString("targetId").getValue() : null;
    }
}
