package dev.tenantry.migration.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.tenantry.testing.Await;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Batched steps: id-range pages, per-item failures recorded, checkpoints that make an interrupted step resumable. */
@MongoTest
class BatchesIT {

    private static final int USERS = 230;
    private static final int BATCH = 25;

    private final MongoDatabase database;
    private MongoCollection<BsonDocument> users;
    private MongoCollection<BsonDocument> customers;
    private MongoCollection<BsonDocument> checkpoints;

    BatchesIT(MongoDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void seed() {
        database.drop();
        users = database.getCollection("users", BsonDocument.class);
        customers = database.getCollection("customers", BsonDocument.class);
        checkpoints = database.getCollection("checkpoints", BsonDocument.class);
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("role", new BsonString(i % 3 == 0 ? "owner"
                    : "customer")).append("business", new BsonString("b" + i % 7)));
        }
        users.insertMany(docs);
    }

    /** The step under test: one customer per customer-user (deterministic id), and the user marked as split. */
    private static List<WriteModel<BsonDocument>> split(BsonDocument user) {
        BsonValue id = user.get("_id");
        return List.of(new InsertOneModel<>(new BsonDocument("_id", new BsonString("c-" + id.asInt32().getValue()))
                        .append("business", user.get("business")).append("userId", id)),
                new UpdateOneModel<>(new BsonDocument("_id", id), Updates.set("split", true)));
    }

    private Batches step() {
        return Batches.over(users).filter(Filters.eq("role", "customer")).into(customers).batchSize(BATCH)
                .checkpoint(Checkpoint.stored(checkpoints, "split")).name("split");
    }

    /** {@link #step()}, reading ahead or not. */
    private Batches step(boolean readAhead) {
        return readAhead ? step().readAhead() : step();
    }

    private List<Object> state() {
        return List.of(users.find().sort(new Document("_id", 1)).into(new ArrayList<>()),
                customers.find().sort(new Document("_id", 1)).into(new ArrayList<>()));
    }

    @ParameterizedTest(name = "read ahead: {0}")
    @ValueSource(booleans = {false, true})
    void aStepPagesThroughEveryMatchingDocumentOnce(boolean readAhead) {
        Batches step = Batches.over(users).filter(Filters.eq("role", "customer")).batchSize(BATCH);
        BatchReport report = (readAhead ? step.readAhead() : step).run(user -> List.of(new UpdateOneModel<>(
                new BsonDocument("_id", user.get("_id")), Updates.set("seen", true))));
        long customersCount = users.countDocuments(Filters.eq("role", "customer"));
        assertEquals(customersCount, report.read());
        assertEquals(customersCount, report.modified());
        assertEquals((customersCount + BATCH - 1) / BATCH, report.batches());
        assertEquals(customersCount, users.countDocuments(Filters.eq("seen", true)));
        assertEquals(0, users.countDocuments(Filters.and(Filters.eq("role", "owner"), Filters.exists("seen"))));
        assertFalse(report.resumed());
    }

    @ParameterizedTest(name = "read ahead: {0}")
    @ValueSource(booleans = {false, true})
    void aStepReadsOneCursorAndReopensItAfterTheLastPageTakenWhenTheServerDropsIt(boolean readAhead,
            MongoBackend backend) {
        List<Long> cursorIds = Collections.synchronizedList(new ArrayList<>());
        List<String> commands = Collections.synchronizedList(new ArrayList<>());
        try (MongoClient watched = backend.newClient(settings -> settings.addCommandListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.add(event.getCommandName());
            }

            @Override
            public void commandSucceeded(CommandSucceededEvent event) {
                if (event.getCommandName().equals("find")) {
                    cursorIds.add(event.getResponse().getDocument("cursor").getInt64("id").getValue());
                }
            }
        }))) {
            MongoCollection<BsonDocument> watchedUsers = watched.getDatabase(database.getName())
                    .getCollection("users", BsonDocument.class);
            List<BsonValue> seen = new ArrayList<>();
            int[] pages = {0};
            Batches step = Batches.over(watchedUsers).filter(Filters.eq("role", "customer")).batchSize(BATCH)
                    .checkpoint(Checkpoint.stored(checkpoints, "read"));
            BatchReport report = (readAhead ? step.readAhead() : step).runPages(page -> {
                        page.forEach(user -> seen.add(user.get("_id")));
                        if (++pages[0] == 3) { // the server drops the cursor, as after an idle timeout
                            database.runCommand(new Document("killCursors", "users").append("cursors",
                                    List.of(cursorIds.get(cursorIds.size() - 1))));
                        }
                        return List.of(new UpdateOneModel<>(new BsonDocument("_id", page.get(0).get("_id")),
                                Updates.set("first", true)));
                    });
            List<BsonValue> expected = users.find(Filters.eq("role", "customer")).sort(new Document("_id", 1))
                    .map(user -> user.get("_id")).into(new ArrayList<>());
            assertEquals(expected, seen, "every matching document once, in _id order");
            assertEquals(expected.size(), report.read());
            assertEquals(2, commands.stream().filter("find"::equals).count(), commands.toString());
            assertTrue(commands.contains("getMore"), commands.toString());
        }
    }

    @Test
    void refusedItemsAreRecordedAndTheStepGoesOn() {
        customers.insertOne(new BsonDocument("_id", new BsonString("c-1"))); // planted: user 1's customer exists
        BatchReport report = Batches.over(users).filter(Filters.eq("role", "customer")).into(customers)
                .batchSize(BATCH).run(user -> List.of(new InsertOneModel<>(new BsonDocument("_id",
                        new BsonString("c-" + user.getInt32("_id").getValue())))));
        assertEquals(1, report.failed());
        assertEquals(11000, report.failures().get(0).code());
        assertTrue(report.failures().get(0).id().contains("1"), report.failures().get(0).id());
        assertEquals(users.countDocuments(Filters.eq("role", "customer")), customers.countDocuments());
    }

    @ParameterizedTest(name = "read ahead: {0}")
    @ValueSource(booleans = {false, true})
    void aFailureAtEveryBatchBoundaryThenARerunEndsExactlyAsAnUninterruptedRun(boolean readAhead) {
        step().run(BatchesIT::split);
        List<Object> uninterrupted = state();
        long batches = (users.countDocuments(Filters.eq("role", "customer")) + BATCH - 1) / BATCH;

        for (int boundary = 1; boundary <= batches; boundary++) {
            for (boolean afterWrite : new boolean[] {false, true}) {
                seed();
                int failAt = boundary;
                int[] saved = {0};
                Checkpoint stored = Checkpoint.stored(checkpoints, "split");
                Checkpoint crashing = new DelegatingCheckpoint(stored) {
                    @Override
                    public void save(Position position) {
                        if (++saved[0] == failAt && afterWrite) {
                            throw new IllegalStateException("crash after batch " + failAt + " was written");
                        }
                        super.save(position);
                        if (saved[0] == failAt) {
                            throw new IllegalStateException("crash after batch " + failAt + " was checkpointed");
                        }
                    }
                };
                assertThrows(IllegalStateException.class, () -> step(readAhead).checkpoint(crashing)
                        .run(BatchesIT::split));
                BatchReport rerun = step(readAhead).run(BatchesIT::split);
                assertTrue(rerun.resumed() || boundary == 1 && afterWrite, "boundary " + boundary);
                assertEquals(uninterrupted, state(), "boundary " + boundary + (afterWrite ? " (written, not "
                        + "checkpointed)" : " (checkpointed)"));
                assertEquals(0, checkpoints.countDocuments(), "the checkpoint is cleared once complete");
            }
        }
    }

    @Test
    void badInputGetsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> Batches.over(users).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> Batches.over(users).throttle(java.time.Duration
                .ofSeconds(-1)));
    }

    @Test
    void aPageHandlerSeesWholePagesAndAFailedWriteNamesTheWrittenDocument() {
        customers.insertOne(new BsonDocument("_id", new BsonString("c-1")));
        List<Integer> pageSizes = new ArrayList<>();
        BatchReport report = step().projection(new Document("business", 1)).runPages(page -> {
            pageSizes.add(page.size());
            List<WriteModel<BsonDocument>> writes = new ArrayList<>();
            for (BsonDocument user : page) {
                assertFalse(user.containsKey("role"), "the projection leaves role out");
                writes.add(new InsertOneModel<>(new BsonDocument("_id", new BsonString("c-" + user.getInt32("_id")
                        .getValue())).append("business", user.get("business"))));
            }
            return writes;
        });
        long customerUsers = users.countDocuments(Filters.eq("role", "customer"));
        assertEquals(customerUsers, pageSizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(pageSizes.stream().allMatch(n -> n <= BATCH), pageSizes.toString());
        assertEquals(customerUsers, customers.countDocuments());
        assertEquals(1, report.failed());
        assertEquals("{\"_id\": \"c-1\"}", report.failures().get(0).id());
    }

    @ParameterizedTest(name = "read ahead: {0}")
    @ValueSource(booleans = {false, true})
    void aFailingCheckBeforeAWriteStopsTheStepWithNothingOfThatBatchWritten(boolean readAhead) {
        int[] checks = {0};
        IllegalStateException lost = assertThrows(IllegalStateException.class, () -> step(readAhead).beforeWrite(() -> {
            if (++checks[0] == 3) {
                throw new IllegalStateException("lease lost");
            }
        }).run(BatchesIT::split));
        assertEquals("lease lost", lost.getMessage());
        assertEquals(2L * BATCH, customers.countDocuments(), "two batches written, the third not");
        assertEquals(2L * BATCH, done(Checkpoint.stored(checkpoints, "split")));
    }

    @Test
    void transactionsAreUsedOnlyWhereTheServerHasThem(com.mongodb.client.MongoClient client) {
        BatchReport report = step().transactions(client).run(BatchesIT::split);
        assertEquals(users.countDocuments(Filters.eq("role", "customer")), report.inserted());
        assertEquals(report.inserted(), customers.countDocuments());
    }

    @Test
    void readingAheadPreparesTheNextPageWhileTheLastIsWrittenAndEndsAsARunThatDoesNot() {
        step().run(BatchesIT::split);
        List<Object> sequential = state();
        seed();
        // batch 1's checkpoint waits until the handler has seen page 2: only a step that reads ahead gets there
        CountDownLatch secondPageSeen = new CountDownLatch(1);
        Checkpoint stored = Checkpoint.stored(checkpoints, "split");
        Checkpoint waiting = new DelegatingCheckpoint(stored) {
            @Override
            public void save(Position position) {
                if (position.done() == BATCH) {
                    Await.latch("the handler of page 2 runs while batch 1 is written", secondPageSeen);
                }
                super.save(position);
            }
        };
        int[] pages = {0};
        BatchReport report = step().readAhead().checkpoint(waiting).runPages(page -> {
            if (++pages[0] == 2) {
                secondPageSeen.countDown();
            }
            List<WriteModel<BsonDocument>> writes = new ArrayList<>();
            page.forEach(user -> writes.addAll(split(user)));
            return writes;
        });
        assertEquals(sequential, state());
        assertEquals(users.countDocuments(Filters.eq("role", "customer")), report.inserted());
        assertEquals(0, checkpoints.countDocuments(), "the checkpoint is cleared once complete");
    }

    @Test
    void whenTheHandlerOfThePageReadAheadFailsTheBatchInFlightIsStillWrittenAndCheckpointed() {
        int[] pages = {0};
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> step().readAhead()
                .runPages(page -> {
                    if (++pages[0] == 3) {
                        throw new IllegalStateException("handler failed on page 3");
                    }
                    List<WriteModel<BsonDocument>> writes = new ArrayList<>();
                    page.forEach(user -> writes.addAll(split(user)));
                    return writes;
                }));
        assertEquals("handler failed on page 3", failed.getMessage());
        assertEquals(2L * BATCH, customers.countDocuments(), "batches 1 and 2 written, nothing of page 3");
        assertEquals(2L * BATCH, done(Checkpoint.stored(checkpoints, "split")));
    }

    @Test
    void aBatchInFlightThatFailsWhileThePageReadAheadFailsTooIsReportedAlongside() {
        Checkpoint stored = Checkpoint.stored(checkpoints, "split");
        CountDownLatch handlerFailed = new CountDownLatch(1);
        Checkpoint failing = new DelegatingCheckpoint(stored) {
            @Override
            public void save(Position position) {
                if (position.done() == 2L * BATCH) {
                    Await.latch("the handler of page 3 runs while batch 2 is written", handlerFailed);
                    throw new IllegalStateException("checkpoint of batch 2 failed");
                }
                super.save(position);
            }
        };
        int[] pages = {0};
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> step().readAhead()
                .checkpoint(failing).runPages(page -> {
                    if (++pages[0] == 3) {
                        handlerFailed.countDown();
                        throw new IllegalStateException("handler failed on page 3");
                    }
                    List<WriteModel<BsonDocument>> writes = new ArrayList<>();
                    page.forEach(user -> writes.addAll(split(user)));
                    return writes;
                }));
        assertEquals("handler failed on page 3", failed.getMessage());
        assertEquals(1, failed.getSuppressed().length);
        assertEquals("checkpoint of batch 2 failed", failed.getSuppressed()[0].getMessage());
        assertEquals(1L * BATCH, done(stored), "the checkpoint holds batch 1, the last acknowledged");
        assertEquals(2L * BATCH, customers.countDocuments(), "batch 2 was written, so a rerun writes it again");
    }

    private static long done(Checkpoint checkpoint) {
        Checkpoint.Position position = checkpoint.load();
        return position == null ? 0 : position.done();
    }


    /** A checkpoint passing everything to another; tests override what they need. */
    private static class DelegatingCheckpoint implements Checkpoint {
        private final Checkpoint delegate;

        DelegatingCheckpoint(Checkpoint delegate) {
            this.delegate = delegate;
        }

        @Override
        public @Nullable Position load() {
            return delegate.load();
        }

        @Override
        public void save(Position position) {
            delegate.save(position);
        }

        @Override
        public void clear() {
            delegate.clear();
        }
    }
}
