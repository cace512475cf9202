package dev.tenantry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import dev.tenantry.migration.batch.BatchReport;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the runner records and refuses: totals across the runs of a resumed migration, even when a run dies without
 * recording its end; and migrations that read collections the database lacks, refused before anything is written.
 */
@MongoTest
class MigrationRunnerTruthIT {

    private static final int ITEMS = 100;

    private final MongoClient client;
    private final MongoDatabase database;

    MigrationRunnerTruthIT(MongoClient client, MongoDatabase database) {
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
        return MigrationRunner.builder(client, database.getName()).migrations(migrations).owner("me");
    }

    /** Thrown through the runner like a process kill: nothing records the run's end. */
    private static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("killed");
        }
    }

    /** Prepares one marker document, then marks the items in batches of 10, dying at batch 5 when told to. */
    private TestMigration marking(boolean[] kill) {
        return new TestMigration("mark", 1).fingerprint("f").onExecute(ctx -> {
            long prepared = ctx.database().getCollection("markers").replaceOne(Filters.eq("_id", "m"),
                    new Document("_id", "m"), new ReplaceOptions().upsert(true)).getUpsertedId() == null ? 0 : 1;
            ctx.count("prepared", prepared);
            int[] batches = {0};
            BatchReport report = ctx.batches("mark", ctx.database().getCollection("items", BsonDocument.class))
                    .batchSize(10).beforeWrite(() -> {
                        if (++batches[0] == 5 && kill[0]) {
                            throw new Killed();
                        }
                    }).run(item -> List.of(new UpdateOneModel<>(Filters.eq("_id", item.get("_id")),
                            Updates.set("marked", true))));
            ctx.count("marked", report.modified());
        });
    }

    @Test
    void aResumedRunRecordsTheTotalsOfEveryRunEvenWhenTheRunBeforeItDied() {
        List<Document> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            items.add(new Document("_id", i));
        }
        database.getCollection("items").insertMany(items);
        boolean[] kill = {true};
        assertThrows(Killed.class, () -> runner(marking(kill)).build().migrate());
        MigrationStatus died = runner(marking(kill)).build().status().get(0);
        assertEquals(MigrationState.RUNNING, died.state(), "nothing recorded its end");
        assertEquals(Map.of("prepared", 1L), died.counts(), "what it counted before it died is kept");

        kill[0] = false;
        List<MigrationStatus> ran = runner(marking(kill)).build().migrate();
        MigrationStatus done = ran.get(0);
        assertEquals(MigrationState.EXECUTED, done.state());
        assertEquals(Map.of("prepared", 1L, "marked", (long) ITEMS), done.counts(),
                "totals across both runs: 40 marked before the kill, 60 after");
        assertEquals(2, done.runs());
        assertEquals(ITEMS, database.getCollection("items").countDocuments(Filters.eq("marked", true)));
    }

    @Test
    void aRunAfterARollbackCountsAfresh() {
        database.getCollection("items").insertOne(new Document("_id", 1));
        boolean[] fail = {true};
        TestMigration m = new TestMigration("once", 1).fingerprint("f").onExecute(ctx -> {
            ctx.count("tried", 1);
            if (fail[0]) {
                throw new IllegalStateException("not yet");
            }
        }).onRollback(ctx -> { });
        assertThrows(MigrationFailedException.class, () -> runner(m).build().migrate());
        fail[0] = false;
        MigrationStatus done = runner(m).build().migrate().get(0);
        assertEquals(Map.of("tried", 1L), done.counts());
        assertEquals(1, done.runs());
    }

    @Test
    void aMigrationReadingMissingCollectionsIsRefusedBeforeAnythingIsWritten() {
        TestMigration reader = new TestMigration("read", 1).reads("users", "bookings");
        MissingCollectionsException refused = assertThrows(MissingCollectionsException.class,
                () -> runner(reader).build().migrate());
        assertEquals(List.of("bookings", "users"), refused.missing());
        assertEquals("read", refused.migrationId());
        assertTrue(refused.getMessage().contains("reads bookings, users, which database " + database.getName()
                + " does not have"), refused.getMessage());
        assertEquals(0, reader.executions.get());
        assertEquals(List.of(), database.listCollectionNames().into(new ArrayList<>()),
                "no lock, no history: an empty or mistyped database is not created");

        database.getCollection("users").insertOne(new Document("_id", 1));
        assertEquals(List.of("bookings"), assertThrows(MissingCollectionsException.class,
                () -> runner(reader).build().migrate()).missing());

        MigrationStatus allowed = runner(reader).allowMissingCollections().build().migrate().get(0);
        assertEquals(MigrationState.EXECUTED, allowed.state());
    }

    @Test
    void aCollectionAnEarlierMigrationCreatesIsThereWhenTheLaterOneIsChecked() {
        TestMigration creates = new TestMigration("create", 1).onExecute(ctx -> ctx.database()
                .getCollection("customers").insertOne(new Document("_id", 1)));
        TestMigration reads = new TestMigration("read", 2).reads("customers");
        List<MigrationStatus> ran = runner(creates, reads).build().migrate();
        assertEquals(List.of(MigrationState.EXECUTED, MigrationState.EXECUTED),
                ran.stream().map(MigrationStatus::state).toList());
    }

    @Test
    void thePlanPredictsTheRefusalAndNotesWhatEarlierPendingMigrationsMayChange() {
        TestMigration reader = new TestMigration("read", 1).reads("users");
        TestMigration later = new TestMigration("later", 2).reads("customers")
                .onPlan(ctx -> Plan.of("customers to touch", ctx.database().getCollection("customers")
                        .countDocuments()));
        Map<String, Plan> plans = runner(reader, later).build().plan();
        Plan first = plans.get("read");
        assertTrue(first.predictsFailure(), first.toString());
        assertEquals(List.of("users"), first.line(MigrationRunner.READS_LINE).failures().get(0).examples());
        Plan second = plans.get("later");
        assertTrue(!second.predictsFailure(), "an earlier pending migration may create customers: " + second);
        assertTrue(second.notes().stream().anyMatch(n -> n.contains("runs after pending read")), second.toString());
        assertTrue(second.notes().stream().anyMatch(n -> n.contains("reads customers, missing now")),
                second.toString());
        assertEquals(List.of(), database.listCollectionNames().into(new ArrayList<>()), "the plan writes nothing");
        assertEquals(new BsonInt32(0).intValue(), (int) (long) second.counts().get("customers to touch"));
    }

    @Test
    void everyCountIsWrittenToTheHistoryAsItIsMade() {
        MongoCollection<Document> history = database.getCollection("tenantry_migrations");
        long[] seen = new long[1];
        TestMigration m = new TestMigration("counting", 1).onExecute(ctx -> {
            ctx.count("first", 3);
            Document d = history.find(Filters.eq("_id", "counting")).first();
            seen[0] = d.get("counts", Document.class).get("first", Number.class).longValue();
        });
        runner(m).build().migrate();
        assertEquals(3, seen[0]);
    }
}
