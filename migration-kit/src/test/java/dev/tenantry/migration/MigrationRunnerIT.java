package dev.tenantry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@MongoTest
class MigrationRunnerIT {

    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock();

    MigrationRunnerIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @BeforeEach
    void dropCollections() {
        for (String name : database.listCollectionNames()) {
            database.getCollection(name).drop();
        }
    }

    private MigrationRunner.Builder runner(Migration... migrations) {
        return MigrationRunner.builder(client, database.getName()).migrations(migrations).clock(clock).owner("me");
    }

    private Document history(String id) {
        Document d = database.getCollection("tenantry_migrations").find(Filters.eq("_id", id)).first();
        assertNotNull(d, "no history for " + id);
        return d;
    }

    @Test
    void runsInNumericVersionOrderNotStringOrder() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        MigrationRunner runner = runner(new TestMigration("two", 2).recordInto(order),
                new TestMigration("ten", 10).recordInto(order), new TestMigration("one", 1).recordInto(order)).build();

        List<MigrationStatus> ran = runner.migrate();

        assertEquals(List.of("one", "two", "ten"), order);
        assertEquals(List.of("one", "two", "ten"), ran.stream().map(MigrationStatus::id).toList());
        assertEquals(List.of(1L, 2L, 10L), runner.status().stream().map(MigrationStatus::version).toList());
        assertTrue(runner.status().stream().allMatch(s -> s.state() == MigrationState.EXECUTED));
        assertEquals(List.of(), runner.migrate(), "nothing pending the second time");
        assertEquals(List.of("one", "two", "ten"), order, "executed once each");
    }

    @Test
    void recordsStateTimesCountsFingerprintAndOwner() {
        TestMigration m = new TestMigration("customers", 1).fingerprint("fp-1").onExecute(ctx -> {
            ctx.checkLease();
            Progress p = ctx.progress("create customers", 3);
            for (int i = 0; i < 3; i++) {
                ctx.database().getCollection("customers").insertOne(new Document("n", i));
                p.advance(1);
            }
            ctx.count("customers created", 3);
            ctx.count("customers created", 2);
            clock.advance(Duration.ofSeconds(5));
        });
        MigrationRunner runner = runner(m).build();
        Instant start = clock.instant();
        assertEquals(MigrationState.PENDING, runner.status().get(0).state());

        runner.migrate();

        MigrationStatus s = runner.status().get(0);
        assertEquals(MigrationState.EXECUTED, s.state());
        assertFalse(s.fingerprintChanged());
        assertEquals(start, s.startedAt());
        assertEquals(start.plusSeconds(5), s.endedAt());
        assertEquals(Map.of("customers created", 5L), s.counts());
        assertNull(s.error());
        assertNull(s.rollbackError());
        Document h = history("customers");
        assertEquals("fp-1", h.getString("fingerprint"));
        assertEquals("me", h.getString("owner"));
        assertEquals(1L, h.getLong("version"));
        assertEquals("test migration customers", h.getString("description"));
        assertEquals(0, database.getCollection("tenantry_migration_lock").countDocuments(), "lock released");
    }

    @Test
    void defaultFingerprintIsTheSha256OfTheClassBytecode() {
        String fp = new TestMigration("a", 1).fingerprint();
        assertEquals(64, fp.length());
        assertTrue(fp.matches("[0-9a-f]+"), fp);
        assertEquals(fp, new TestMigration("b", 2).fingerprint(), "same class, same bytecode");
    }

    @Test
    void failureIsRolledBackAndItsErrorKept() {
        TestMigration bad = new TestMigration("bad", 1).onExecute(ctx -> {
            ctx.count("rows", 7);
            throw new IllegalStateException("boom");
        }).onRollback(ctx -> { });
        TestMigration next = new TestMigration("next", 2);

        MigrationFailedException e = assertThrows(MigrationFailedException.class, () -> runner(bad, next).build().migrate());

        assertEquals("bad", e.migrationId());
        assertEquals(MigrationState.ROLLED_BACK, e.state());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertNull(e.rollbackError());
        assertEquals(1, bad.rollbacks.get());
        assertEquals(0, next.executions.get(), "the run stops at the failure");
        MigrationStatus s = runner(bad, next).build().status().get(0);
        assertEquals(MigrationState.ROLLED_BACK, s.state());
        assertEquals("java.lang.IllegalStateException: boom", s.error());
        assertNull(s.rollbackError());
        assertEquals(Map.of("rows", 7L), s.counts());
        assertTrue(history("bad").getString("errorTrace").contains("boom"));
        assertEquals(MigrationState.PENDING, runner(bad, next).build().status().get(1).state());
    }

    @Test
    void failureWithoutRollbackIsRecordedAsFailed() {
        TestMigration bad = new TestMigration("bad", 1).onExecute(ctx -> {
            throw new IllegalStateException("boom");
        });
        MigrationFailedException e = assertThrows(MigrationFailedException.class, () -> runner(bad).build().migrate());
        assertEquals(MigrationState.FAILED, e.state());
        assertEquals(MigrationState.FAILED, runner(bad).build().status().get(0).state());
    }

    @Test
    void failingVerifyFailsTheMigration() {
        TestMigration m = new TestMigration("checked", 1)
                .onVerify(ctx -> MigrationReport.failed("3 customers lack a tenant"));
        MigrationFailedException e = assertThrows(MigrationFailedException.class, () -> runner(m).build().migrate());
        assertInstanceOf(MigrationVerificationException.class, e.getCause());
        MigrationStatus s = runner(m).build().status().get(0);
        assertEquals(MigrationState.FAILED, s.state());
        assertTrue(s.error().contains("3 customers lack a tenant"), s.error());
    }

    @Test
    void rollbackThatFailsTooKeepsAndReportsBothErrors() {
        TestMigration bad = new TestMigration("bad", 1).onExecute(ctx -> {
            throw new IllegalStateException("execute broke");
        }).onRollback(ctx -> {
            throw new IllegalArgumentException("rollback broke");
        });

        MigrationFailedException e = assertThrows(MigrationFailedException.class, () -> runner(bad).build().migrate());

        assertEquals(MigrationState.ROLLBACK_FAILED, e.state());
        assertEquals("execute broke", e.getCause().getMessage());
        assertNotNull(e.rollbackError());
        assertEquals("rollback broke", e.rollbackError().getMessage());
        assertSame(e.rollbackError(), e.getSuppressed()[0]);
        assertTrue(e.getMessage().contains("execute broke") && e.getMessage().contains("rollback broke"),
                e.getMessage());
        MigrationStatus s = runner(bad).build().status().get(0);
        assertEquals(MigrationState.ROLLBACK_FAILED, s.state());
        assertEquals("java.lang.IllegalStateException: execute broke", s.error());
        assertEquals("java.lang.IllegalArgumentException: rollback broke", s.rollbackError());

        MigrationFailedException again = assertThrows(MigrationFailedException.class,
                () -> runner(bad).build().migrate());
        assertTrue(again.getMessage().contains("execute broke") && again.getMessage().contains("rollback broke"),
                again.getMessage());
        assertEquals(1, bad.executions.get(), "a migration whose rollback failed is not run again blindly");
    }

    @Test
    void rerunAfterFailureResumesAtTheFailedMigration() {
        AtomicBoolean broken = new AtomicBoolean(true);
        TestMigration first = new TestMigration("first", 1);
        TestMigration second = new TestMigration("second", 2).onExecute(ctx -> {
            if (broken.get()) {
                throw new IllegalStateException("not yet");
            }
        }).onRollback(ctx -> { });
        TestMigration third = new TestMigration("third", 3);
        assertThrows(MigrationFailedException.class, () -> runner(first, second, third).build().migrate());
        assertEquals(List.of(1, 1, 0), List.of(first.executions.get(), second.executions.get(),
                third.executions.get()));

        broken.set(false);
        List<MigrationStatus> ran = runner(first, second, third).build().migrate();

        assertEquals(List.of("second", "third"), ran.stream().map(MigrationStatus::id).toList());
        assertEquals(List.of(1, 2, 1), List.of(first.executions.get(), second.executions.get(),
                third.executions.get()));
        MigrationStatus s = runner(first, second, third).build().status().get(1);
        assertEquals(MigrationState.EXECUTED, s.state());
        assertNull(s.error(), "a successful rerun clears the old error");
    }

    @Test
    void aStepInterruptedMidWayResumesAtItsCheckpointOnTheNextRun() {
        MongoCollection<BsonDocument> items = database.getCollection("items", BsonDocument.class);
        for (int i = 0; i < 100; i++) {
            items.insertOne(new BsonDocument("_id", new BsonInt32(i)));
        }
        AtomicInteger handled = new AtomicInteger();
        AtomicBoolean broken = new AtomicBoolean(true);
        List<String> bars = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestMigration m = new TestMigration("mark", 1).onExecute(ctx -> ctx.batches("mark-items", items)
                .batchSize(10).run(item -> {
                    if (broken.get() && handled.get() == 45) {
                        throw new IllegalStateException("interrupted");
                    }
                    handled.incrementAndGet();
                    return List.of(new UpdateOneModel<>(new BsonDocument("_id", item.get("_id")),
                            Updates.inc("marks", 1)));
                }));
        assertThrows(MigrationFailedException.class, () -> runner(m).build().migrate());
        assertEquals(1, database.getCollection("tenantry_migration_checkpoints").countDocuments(),
                "a failed migration without rollback keeps its checkpoint");

        broken.set(false);
        runner(m).progressListener((step, done, total, rate) -> bars.add(step + " " + done + "/" + total)).build()
                .migrate();

        assertEquals(45 + 60, handled.get(), "the 4 acknowledged batches are not handled again; the 5th is redone");
        assertEquals(100, items.countDocuments(Filters.eq("marks", 1)), "every item marked exactly once");
        assertEquals(0, database.getCollection("tenantry_migration_checkpoints").countDocuments());
        assertEquals("mark-items (resumed after 40 documents) 60/60", bars.get(bars.size() - 1));
    }

    @Test
    void verifyRerunsAnExecutedMigrationsCheckReadOnly() {
        AtomicBoolean broken = new AtomicBoolean(false);
        List<Boolean> dryRuns = new ArrayList<>();
        TestMigration m = new TestMigration("checked", 1).onVerify(ctx -> {
            dryRuns.add(ctx.dryRun());
            return broken.get() ? MigrationReport.failed("3 customers lack a tenant") : MigrationReport.ok();
        });
        MigrationRunner runner = runner(m).build();
        IllegalStateException notYet = assertThrows(IllegalStateException.class, () -> runner.verify("checked"));
        assertTrue(notYet.getMessage().contains("PENDING"), notYet.getMessage());
        runner.migrate();
        Document before = history("checked");

        broken.set(true);
        assertEquals(List.of("3 customers lack a tenant"), runner.verify("checked").problems());
        assertEquals(before, history("checked"), "verify records nothing");
        assertEquals(0, database.getCollection("tenantry_migration_lock").countDocuments(), "and takes no lock");
        assertEquals(List.of(false, true), dryRuns, "the rerun is read-only");
        assertThrows(IllegalArgumentException.class, () -> runner.verify("unknown"));
    }

    @Test
    void checkpointsAreRefusedInADryRun() {
        TestMigration m = new TestMigration("planning", 1).onPlan(ctx -> {
            ctx.checkpoint("step");
            return Plan.empty();
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner(m).build().plan());
        assertTrue(e.getMessage().contains("dry run"), e.getMessage());
    }

    @Test
    void changedFingerprintIsDetectedAndReportedAndNothingRuns() {
        runner(new TestMigration("m1", 1).fingerprint("aaa")).build().migrate();
        TestMigration edited = new TestMigration("m1", 1).fingerprint("bbb");
        TestMigration added = new TestMigration("m2", 2);
        MigrationRunner runner = runner(edited, added).build();

        MigrationStatus s = runner.status().get(0);
        assertEquals(MigrationState.EXECUTED, s.state());
        assertTrue(s.fingerprintChanged());
        assertFalse(runner.status().get(1).fingerprintChanged());

        MigrationFingerprintException e = assertThrows(MigrationFingerprintException.class, runner::migrate);
        assertEquals(List.of("m1"), e.changedIds());
        assertTrue(e.getMessage().contains("m1 (version 1) ran with fingerprint aaa but is now bbb"), e.getMessage());
        assertEquals(0, edited.executions.get());
        assertEquals(0, added.executions.get(), "nothing runs while an applied migration differs");
        assertThrows(MigrationFingerprintException.class, runner::plan);
    }

    @Test
    void duplicateIdsOrVersionsAreRefusedNamingBoth() {
        IllegalArgumentException ids = assertThrows(IllegalArgumentException.class,
                () -> runner(new TestMigration("x", 1), new TestMigration("x", 2)).build());
        assertTrue(ids.getMessage().contains("x (") && ids.getMessage().contains("version 1")
                && ids.getMessage().contains("version 2") && ids.getMessage().contains("share id x"), ids.getMessage());
        IllegalArgumentException versions = assertThrows(IllegalArgumentException.class,
                () -> runner(new TestMigration("a", 7), new TestMigration("b", 7)).build());
        assertTrue(versions.getMessage().contains("a (") && versions.getMessage().contains("b (")
                && versions.getMessage().contains("share version 7"), versions.getMessage());
    }

    @Test
    void dryRunPlansAndWritesNothing(MongoBackend backend) {
        database.getCollection("customers").insertMany(List.of(new Document("name", "a"),
                new Document("name", "b").append("tenant", "t1"), new Document("name", "c")));
        TestMigration m = new TestMigration("tag-customers", 1).onPlan(ctx -> {
            assertTrue(ctx.dryRun());
            ctx.checkLease();
            ctx.count("indexes to create", 1);
            return Plan.of("customers to update",
                    ctx.database().getCollection("customers").countDocuments(Filters.exists("tenant", false)));
        });
        Map<String, List<Document>> before = snapshot();
        List<String> commands = Collections.synchronizedList(new ArrayList<>());
        try (MongoClient watched = backend.newClient(settings -> settings.addCommandListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.add(event.getCommandName());
            }
        }))) {
            MigrationRunner runner = MigrationRunner.builder(watched, database.getName()).migrations(m).clock(clock)
                    .build();

            Map<String, Plan> plans = runner.plan();

            assertEquals(List.of("tag-customers"), List.copyOf(plans.keySet()));
            assertEquals(Map.of("customers to update", 2L, "indexes to create", 1L), plans.get("tag-customers").counts());
        }
        assertEquals(0, m.executions.get());
        assertEquals(before, snapshot(), "no collection or document changed");
        assertEquals(List.of("customers"), database.listCollectionNames().into(new ArrayList<>()),
                "no lock or history collection was created");
        List<String> writes = commands.stream().filter(c -> List.of("insert", "update", "delete", "findAndModify",
                "create", "createIndexes", "drop").contains(c)).toList();
        assertEquals(List.of(), writes, "commands sent: " + commands);
    }

    @Test
    void dryRunSkipsExecutedMigrations() {
        TestMigration done = new TestMigration("done", 1).onPlan(ctx -> Plan.of("x", 1));
        runner(done).build().migrate();
        TestMigration todo = new TestMigration("todo", 2).onPlan(ctx -> Plan.of("y", 4));
        assertEquals(Map.of("todo", Plan.of("y", 4)), runner(done, todo).build().plan());
    }

    private Map<String, List<Document>> snapshot() {
        Map<String, List<Document>> out = new TreeMap<>();
        for (String name : database.listCollectionNames()) {
            out.put(name, database.getCollection(name).find().sort(new Document("_id", 1)).into(new ArrayList<>()));
        }
        return out;
    }
}
