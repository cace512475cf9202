package dev.tenantry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@MongoTest
class MigrationRunnerLockIT {

    private static final String LOCK = "tenantry_migration_lock";

    private final MongoClient client;
    private final MongoDatabase database;
    private final MongoBackend backend;
    private final MutableClock clock = new MutableClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    MigrationRunnerLockIT(MongoClient client, MongoDatabase database, MongoBackend backend) {
        this.client = client;
        this.database = database;
        this.backend = backend;
    }

    @BeforeEach
    void dropCollections() {
        for (String name : database.listCollectionNames()) {
            database.getCollection(name).drop();
        }
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static List<TestMigration> migrations() {
        List<TestMigration> list = new ArrayList<>();
        for (int v = 1; v <= 5; v++) {
            int n = v;
            list.add(new TestMigration("m" + v, v).onExecute(ctx -> {
                ctx.checkLease();
                ctx.database().getCollection("data").insertOne(new Document("m", n));
            }));
        }
        return list;
    }

    @Test
    void twoRunnersStartedTogetherExecuteEachMigrationExactlyOnce() throws Exception {
        try (MongoClient a = backend.newClient(); MongoClient b = backend.newClient()) {
            for (int round = 0; round < 20; round++) {
                dropCollections();
                List<TestMigration> migrations = migrations();
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<List<MigrationStatus>>> results = new ArrayList<>();
                for (MongoClient c : List.of(a, b)) {
                    MigrationRunner runner = MigrationRunner.builder(c, database.getName()).migrations(migrations)
                            .clock(clock).build();
                    results.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return runner.migrate();
                    }));
                }
                int executedByRunners = 0;
                int succeeded = 0;
                for (Future<List<MigrationStatus>> f : results) {
                    try {
                        executedByRunners += f.get(30, TimeUnit.SECONDS).size();
                        succeeded++;
                    } catch (ExecutionException e) {
                        MigrationLockedException locked = assertInstanceOf(MigrationLockedException.class,
                                e.getCause(), "round " + round);
                        assertTrue(locked.getMessage().contains("locked by " + locked.owner()), locked.getMessage());
                    }
                }
                assertTrue(succeeded >= 1, "round " + round + ": someone migrated");
                assertEquals(5, executedByRunners, "round " + round + ": the runners ran 5 migrations in all");
                for (TestMigration m : migrations) {
                    assertEquals(1, m.executions.get(), "round " + round + ": " + m.id() + " executions");
                }
                assertEquals(5, database.getCollection("data").countDocuments());
                assertEquals(0, database.getCollection(LOCK).countDocuments(), "lock released");
            }
        }
    }

    @Test
    void aRunnerThatWaitsForTheLockFindsNothingPending() throws Exception {
        try (MongoClient a = backend.newClient(); MongoClient b = backend.newClient()) {
            for (int round = 0; round < 10; round++) {
                dropCollections();
                List<TestMigration> migrations = migrations();
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<List<MigrationStatus>>> results = new ArrayList<>();
                for (MongoClient c : List.of(a, b)) {
                    MigrationRunner runner = MigrationRunner.builder(c, database.getName()).migrations(migrations)
                            .clock(clock).waitForLock(Duration.ofSeconds(30)).build();
                    results.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return runner.migrate();
                    }));
                }
                int executed = 0;
                for (Future<List<MigrationStatus>> f : results) {
                    executed += f.get(60, TimeUnit.SECONDS).size();
                }
                assertEquals(5, executed, "round " + round);
                for (TestMigration m : migrations) {
                    assertEquals(1, m.executions.get(), "round " + round + ": " + m.id());
                }
            }
        }
    }

    @Test
    void aLiveLeaseMakesTheSecondRunnerExitNamingTheHolder() {
        Instant expiry = clock.instant().plusSeconds(30);
        database.getCollection(LOCK).insertOne(new Document("_id", "lock").append("owner", "other-host-42")
                .append("expiresAt", Date.from(expiry)).append("acquiredAt", Date.from(clock.instant())));
        List<TestMigration> migrations = migrations();
        MigrationRunner runner = MigrationRunner.builder(client, database.getName()).migrations(migrations)
                .clock(clock).build();

        MigrationLockedException e = assertThrows(MigrationLockedException.class, runner::migrate);

        assertEquals("other-host-42", e.owner());
        assertEquals(expiry, e.expiresAt());
        assertTrue(e.getMessage().contains("other-host-42") && e.getMessage().contains(expiry.toString()),
                e.getMessage());
        assertTrue(migrations.stream().allMatch(m -> m.executions.get() == 0));
        assertEquals("other-host-42", database.getCollection(LOCK).find().first().getString("owner"),
                "someone else's lock is left alone");
    }

    @Test
    void aDeadRunnersExpiredLeaseIsTakenOver() {
        database.getCollection(LOCK).insertOne(new Document("_id", "lock").append("owner", "dead-runner")
                .append("expiresAt", Date.from(clock.instant().minusSeconds(1)))
                .append("acquiredAt", Date.from(clock.instant().minusSeconds(61))));
        List<TestMigration> migrations = migrations();
        AtomicReference<String> holder = new AtomicReference<>();
        migrations.get(0).onExecute(ctx -> {
            ctx.checkLease();
            holder.set(ctx.database().getCollection(LOCK).find().first().getString("owner"));
        });

        List<MigrationStatus> ran = MigrationRunner.builder(client, database.getName()).migrations(migrations)
                .clock(clock).owner("new-runner").build().migrate();

        assertEquals(5, ran.size());
        assertEquals("new-runner", holder.get());
        assertEquals(0, database.getCollection(LOCK).countDocuments(), "released after the run");
    }

    @Test
    void checkLeaseThrowsOnceAnotherRunnerTookTheLeaseOverAndNothingIsRolledBack() {
        Duration lease = Duration.ofSeconds(60);
        MongoCollection<Document> lockCollection = database.getCollection(LOCK);
        AtomicReference<LeaseLostException> seen = new AtomicReference<>();
        TestMigration slow = new TestMigration("slow", 1).onExecute(ctx -> {
            ctx.checkLease();
            clock.advance(lease.plusSeconds(1)); // the lease ran out (say, a long GC pause)
            assertTrue(new LeaseLock(lockCollection, "intruder", clock, lease).tryAcquire());
            LeaseLostException e = assertThrows(LeaseLostException.class, ctx::checkLease);
            seen.set(e);
            throw e;
        }).onRollback(ctx -> fail("must not roll back under someone else's lock"));

        MigrationFailedException e = assertThrows(MigrationFailedException.class, () -> MigrationRunner
                .builder(client, database.getName()).migrations(slow).clock(clock).owner("me").leaseDuration(lease)
                .build().migrate());

        assertNotNull(seen.get());
        assertTrue(seen.get().getMessage().contains("intruder took it over"), seen.get().getMessage());
        assertInstanceOf(LeaseLostException.class, e.getCause());
        assertEquals(0, slow.rollbacks.get());
        assertNull(e.rollbackError());
        assertEquals("intruder", lockCollection.find().first().getString("owner"), "the intruder's lock stays");
    }

    @Test
    void checkLeaseThrowsOnceTheLeaseExpired() {
        Duration lease = Duration.ofSeconds(60);
        TestMigration slow = new TestMigration("slow", 1).onExecute(ctx -> {
            clock.advance(lease);
            ctx.checkLease();
        });
        MigrationFailedException e = assertThrows(MigrationFailedException.class, () -> MigrationRunner
                .builder(client, database.getName()).migrations(slow).clock(clock).leaseDuration(lease).build()
                .migrate());
        assertTrue(e.getCause().getMessage().contains("lease expired"), e.getCause().getMessage());
    }
}
