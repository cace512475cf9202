package dev.tenantry.audit;

import static dev.tenantry.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.EmbeddedMongo;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous trail when MongoDB goes away: each overflow policy does what it says under a stalled writer, and
 * in blocking mode an outage mid-stream delays entries but loses none. These tests run their own embedded server so
 * they can stop it, whatever backend the rest of the suite uses.
 */
class AuditOutageIT {

    private static final TenantId TENANT = TenantId.of("outage");

    private EmbeddedMongo mongo;
    private MongoClient client;
    private final java.util.List<AuditTrail> trails = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.start();
        client = MongoClients.create(MongoClientSettings.builder().applyConnectionString(mongo.connectionString())
                .applyToClusterSettings(c -> c.serverSelectionTimeout(300, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(300, TimeUnit.MILLISECONDS)
                        .readTimeout(2, TimeUnit.SECONDS))
                .build());
    }

    @AfterEach
    void stop() {
        mongo.restart(); // a failed test may leave it down; closing a trail writes what it holds first
        trails.forEach(AuditTrail::close);
        client.close();
        mongo.close();
    }

    private AuditTrail trail(OverflowPolicy policy, int capacity) {
        AuditTrail trail = AuditTrail.builder(client, "audit").asynchronous(capacity, 1, Duration.ofMillis(1))
                .overflow(policy, Duration.ofMillis(100)).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
                .build();
        trails.add(trail);
        return trail;
    }

    private MongoCollection<Document> log() {
        return client.getDatabase("audit").getCollection(AuditTrail.DEFAULT_COLLECTION);
    }

    private Set<String> storedTargets() {
        Set<String> ids = new HashSet<>();
        for (Document d : log().find()) {
            assertTrue(ids.add(d.getString("targetId")), "stored twice: " + d.getString("targetId"));
        }
        return ids;
    }

    @Test
    void dropPolicyDropsAndCountsWhatDoesNotFit() {
        AuditTrail trail = trail(OverflowPolicy.DROP, 4);
        mongo.stop();
        Tenants.run(TENANT, () -> {
            for (int i = 0; i < 50; i++) {
                trail.record(AuditAction.CREATE, "row", Integer.toString(i));
            }
        });
        long dropped = trail.stats().dropped();
        assertTrue(dropped >= 50 - 4 - 1, "dropped " + dropped);
        mongo.restart();
        trail.close();
        assertEquals(50 - dropped, trail.stats().written());
        assertEquals(50 - dropped, storedTargets().size(), "what was accepted is stored; only what was counted is gone");
    }

    @Test
    void timeoutPolicyFailsTheCallerOnceTheQueueStaysFull() {
        AuditTrail trail = trail(OverflowPolicy.BLOCK_WITH_TIMEOUT, 4);
        mongo.stop();
        AtomicInteger accepted = new AtomicInteger();
        AuditOverflowException e = assertThrows(AuditOverflowException.class, () -> Tenants.run(TENANT, () -> {
            for (int i = 0; i < 50; i++) {
                trail.record(AuditAction.CREATE, "row", Integer.toString(i));
                accepted.incrementAndGet();
            }
        }));
        assertTrue(e.getMessage().contains("not recorded"), e.getMessage());
        assertTrue(accepted.get() <= 4 + 1, "accepted " + accepted);
        mongo.restart();
        trail.close();
        assertEquals(accepted.get(), storedTargets().size());
        assertEquals(0, trail.stats().dropped());
    }

    @Test
    void blockPolicyHoldsTheCallerUntilThereIsRoomAndLosesNothing() throws Exception {
        AuditTrail trail = trail(OverflowPolicy.BLOCK, 4);
        mongo.stop();
        AtomicInteger accepted = new AtomicInteger();
        Thread recorder = new Thread(() -> Tenants.run(TENANT, () -> {
            for (int i = 0; i < 20; i++) {
                trail.record(AuditAction.CREATE, "row", Integer.toString(i));
                accepted.incrementAndGet();
            }
        }));
        recorder.start();
        until("the recorder blocks on the full queue", () -> recorder.getState() == Thread.State.WAITING
                && trail.stats().queued() == 4);
        assertTrue(accepted.get() < 20, "the recorder must be held while the writer is stalled");
        until("the writer's attempts fail", () -> trail.stats().failedAttempts() > 0);
        mongo.restart();
        recorder.join(TimeUnit.SECONDS.toMillis(60));
        assertEquals(20, accepted.get());
        trail.close();
        assertEquals(20, storedTargets().size());
        assertTrue(Tenants.call(TENANT, trail::verify).intact());
    }

    @Test
    void anOutageMidStreamDelaysButLosesNothing() throws Exception {
        AuditTrail trail = AuditTrail.builder(client, "audit").asynchronous(1000, 50, Duration.ofMillis(2))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(100)).build();
        trails.add(trail);
        int total = 3000;
        AtomicInteger accepted = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                TenantId tenant = i % 2 == 0 ? TENANT : TenantId.of("outage-2");
                String id = Integer.toString(i);
                Tenants.run(tenant, () -> trail.record(AuditAction.UPDATE, "row", id));
                accepted.incrementAndGet();
            }
        });
        producer.start();
        until("some entries are written", () -> trail.stats().written() >= 300);
        mongo.stop();
        long failuresBefore = trail.stats().failedAttempts();
        until("writes fail during the outage", () -> trail.stats().failedAttempts() > failuresBefore + 2);
        mongo.restart();
        producer.join(TimeUnit.SECONDS.toMillis(120));
        trail.close();
        assertEquals(total, accepted.get());
        assertEquals(total, trail.stats().written());
        assertEquals(total, storedTargets().size(), "every entry stored exactly once across the outage");
        for (TenantId tenant : new TenantId[] {TENANT, TenantId.of("outage-2")}) {
            AuditVerification result = Tenants.call(tenant, trail::verify);
            assertTrue(result.intact(), tenant + ": " + result.problem());
        }
    }
}
