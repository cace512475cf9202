package dev.tenantry.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A cancelled deletion is never purged: {@code purgeDue()} and {@code cancelDeletion(id)} released together on a
 * tenant whose deletion is due, a thousand times. Either the cancel wins (the tenant is back, every document kept)
 * or it is refused because the purge has started (or finished), never both.
 */
@MongoTest
class PurgeRaceIT {

    private static final int ROUNDS = 1_000;

    private final MongoClient client;
    private final MongoDatabase database;

    PurgeRaceIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @Test
    void aCancelledDeletionIsNeverPurged() throws Exception {
        MutableClock clock = new MutableClock();
        TenantDatabase tdb = TenantDatabase.builder(client, database.getName())
                .collection("customers", IsolationStrategy.SHARED).build();
        TenantDirectory directory = TenantDirectory.builder(client, database.getName()).collectionName("raceTenants")
                .clock(clock).tenantDatabase(tdb).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int cancelled = 0;
        int purged = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                TenantId tenant = TenantId.of("race-" + round);
                directory.create(tenant, "Race " + round, "FREE");
                Tenants.run(tenant, () -> tdb.getCollection("customers").insertOne(new Document("name", "kept")));
                directory.scheduleDeletion(tenant, Duration.ZERO); // due at once

                CountDownLatch go = new CountDownLatch(1);
                Future<?> purge = pool.submit(() -> {
                    go.await();
                    return directory.purgeDue();
                });
                Future<TenantRecord> cancel = pool.submit(() -> {
                    go.await();
                    try {
                        return directory.cancelDeletion(tenant);
                    } catch (TenantStatusException | TenantNotFoundException refused) {
                        return null; // the purge started (or finished) first
                    }
                });
                go.countDown();
                purge.get(30, TimeUnit.SECONDS);
                TenantRecord restored = cancel.get(30, TimeUnit.SECONDS);
                long left = client.getDatabase(database.getName()).getCollection("customers")
                        .countDocuments(new Document("tenantId", tenant.value()));
                if (restored != null) {
                    cancelled++;
                    assertEquals(TenantStatus.ACTIVE, restored.status());
                    if (left != 1 || directory.find(tenant).isEmpty()) {
                        fail("round " + round + ": cancelDeletion returned " + restored.status() + " but the purge "
                                + "went on: " + left + " documents left, record " + directory.find(tenant));
                    }
                } else {
                    purged++;
                    assertEquals(0, left, "round " + round + ": the cancel was refused, so the purge ran to the end");
                    assertTrue(directory.find(tenant).isEmpty());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("PurgeRaceIT: %d rounds, cancel won %d, purge won %d%n", ROUNDS, cancelled, purged);
        assertEquals(ROUNDS, cancelled + purged);
    }
}
