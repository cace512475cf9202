package dev.tenantry.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The asynchronous trail under load: every accepted entry stored exactly once, chains intact. */
@MongoTest
class AsyncAuditIT {

    @Test
    void hundredThousandEntriesFromEightThreadsAreEachStoredOnce(MongoClient client, MongoDatabase database)
            throws Exception {
        int threads = 8;
        int perThread = 12_500;
        List<TenantId> tenants = List.of(TenantId.of("a1"), TenantId.of("a2"), TenantId.of("a3"), TenantId.of("a4"));
        AuditTrail trail = AuditTrail.builder(client, database.getName()).asynchronous().build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                TenantId tenant = tenants.get(t % tenants.size());
                futures.add(pool.submit(() -> {
                    start.await();
                    Tenants.run(tenant, () -> {
                        for (int i = 0; i < perThread; i++) {
                            trail.record(AuditAction.CREATE, "row", thread + "-" + i);
                        }
                    });
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
            trail.close();
        }
        assertEquals(threads * perThread, trail.stats().written());
        Set<String> ids = new HashSet<>();
        for (Document d : database.getCollection(AuditTrail.DEFAULT_COLLECTION).find()
                .projection(new Document("targetId", 1))) {
            assertTrue(ids.add(d.getString("targetId")), "stored twice: " + d.getString("targetId"));
        }
        assertEquals(threads * perThread, ids.size(), "every recorded entry stored");
        try (AuditTrail reader = AuditTrail.builder(client, database.getName()).build()) {
            for (TenantId tenant : tenants) {
                AuditVerification result = Tenants.call(tenant, reader::verify);
                assertTrue(result.intact(), tenant + ": " + result.problem());
                assertEquals(2L * perThread, result.entriesChecked());
            }
        }
        assertEquals(0, database.getCollection(AuditTrail.DEFAULT_COLLECTION)
                .countDocuments(Filters.exists("tenantId", false)));
    }
}
