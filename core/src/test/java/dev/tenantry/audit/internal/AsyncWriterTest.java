package dev.tenantry.audit.internal;

import static dev.tenantry.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditCloseReport;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.OverflowPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** The asynchronous writer against a sink that fails on demand: what is retried, what is kept aside, and closing. */
class AsyncWriterTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    /** Collects what the writer puts aside. */
    private static final class Kept implements DeadLetterSink {
        final List<AuditStore.Pending> entries = Collections.synchronizedList(new ArrayList<>());
        final List<String> reasons = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String put(List<AuditStore.Pending> batch, String reason) {
            entries.addAll(batch);
            reasons.add(reason);
            return place();
        }

        @Override
        public String place() {
            return "test";
        }
    }

    private static AuditStore.Pending entry(TenantId tenant, String target) {
        return new AuditStore.Pending(tenant, new ObjectId(), Instant.EPOCH,
                AuditEvent.of(AuditAction.CREATE).target("row", target).build());
    }

    private static AsyncWriter writer(AsyncWriter.Sink sink, Kept kept, int batchSize, Duration delay) {
        return new AsyncWriter(sink, kept, AuditTrail.builder(mock(MongoClient.class), "test")
                .asynchronous(1000, batchSize, delay).overflow(OverflowPolicy.BLOCK, Duration.ofSeconds(1))
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).writeTimeout(Duration.ofSeconds(5))
                .settings());
    }

    private static MongoCommandException refused(int code, String name) {
        return new MongoCommandException(new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("codeName", new BsonString(name)).append("errmsg", new BsonString("no")), new ServerAddress());
    }

    @Test
    void wakeUpSignalsInABatchNeverReachTheSink() throws Exception {
        Set<AuditStore.Pending> recorded = ConcurrentHashMap.newKeySet();
        List<AuditStore.Pending> stored = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AsyncWriter writer = writer((tenant, group, retry, timeout) -> {
            firstWrite.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stored.addAll(group);
        }, new Kept(), 64, Duration.ofMillis(1));
        AuditStore.Pending first = entry(ACME, "first");
        recorded.add(first);
        writer.enqueue(first);
        firstWrite.await();
        for (int i = 0; i < 10; i++) { // queued behind the write in progress, with every closer's signal among them
            AuditStore.Pending p = entry(ACME, "e" + i);
            recorded.add(p);
            writer.enqueue(p);
        }
        List<Thread> closers = new ArrayList<>();
        List<AuditCloseReport> reports = Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < 5; c++) {
            Thread closer = new Thread(() -> reports.add(writer.close(Duration.ofSeconds(30))));
            closer.start();
            closers.add(closer);
        }
        until("every closer has signalled", () -> closers.stream().allMatch(t -> t.getState()
                == Thread.State.TIMED_WAITING));
        release.countDown();
        for (Thread closer : closers) {
            closer.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(11, stored.size());
        assertTrue(recorded.containsAll(stored), "only recorded entries reach the sink: " + stored);
        assertEquals(5, reports.size());
        reports.forEach(r -> assertEquals(new AuditCloseReport(0, "test"), r));
    }

    @Test
    void anEntryRefusedForGoodIsKeptAsideAndHoldsNobodyUp() {
        Kept kept = new Kept();
        List<AuditStore.Pending> stored = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger attempts = new AtomicInteger();
        AsyncWriter writer = writer((tenant, group, retry, timeout) -> {
            attempts.incrementAndGet();
            if (group.stream().anyMatch(p -> "bad".equals(p.event().targetId()))) {
                throw refused(121, "DocumentValidationFailure");
            }
            stored.addAll(group);
        }, kept, 64, Duration.ofMillis(5));
        for (int i = 0; i < 5; i++) {
            writer.enqueue(entry(ACME, i == 2 ? "bad" : "a" + i));
            writer.enqueue(entry(GLOBEX, "g" + i));
        }
        until("everything is settled", () -> writer.written() + writer.deadLettered() == 10);
        assertEquals(9, stored.size());
        assertEquals(1, writer.deadLettered());
        assertEquals("bad", kept.entries.get(0).event().targetId());
        assertTrue(kept.reasons.get(0).contains("DocumentValidationFailure"), kept.reasons.get(0));
        assertTrue(attempts.get() <= 1 + 1 + 5 + 1, "one try of the group, then each entry once: " + attempts);
        assertTrue(writer.close(Duration.ofSeconds(5)).complete());
    }

    @Test
    void aFailureOutsideTheDriverIsNotRetriedEither() {
        Kept kept = new Kept();
        AsyncWriter writer = writer((tenant, group, retry, timeout) -> {
            throw new IllegalStateException("a guard refused the tenant");
        }, kept, 64, Duration.ofMillis(1));
        writer.enqueue(entry(ACME, "x"));
        until("the entry is kept aside", () -> writer.deadLettered() == 1);
        assertEquals(1, writer.failedAttempts());
        writer.close(Duration.ofSeconds(5));
    }

    @Test
    void transientFailuresAreRetriedUntilTheyPass() {
        Kept kept = new Kept();
        AtomicInteger failures = new AtomicInteger(4);
        AsyncWriter writer = writer((tenant, group, retry, timeout) -> {
            if (failures.getAndDecrement() > 0) {
                throw new MongoSocketReadException("connection reset", new ServerAddress());
            }
        }, kept, 64, Duration.ofMillis(1));
        writer.enqueue(entry(ACME, "x"));
        until("the entry is written", () -> writer.written() == 1);
        assertEquals(4, writer.failedAttempts());
        assertEquals(0, writer.deadLettered());
        writer.close(Duration.ofSeconds(5));
    }

    @Test
    void aCloseDeadlineKeepsWhatIsLeftAsideAndSaysHowMuch() {
        Kept kept = new Kept();
        AsyncWriter writer = writer((tenant, group, retry, timeout) -> {
            throw new MongoSocketReadException("down", new ServerAddress());
        }, kept, 4, Duration.ofMillis(1));
        for (int i = 0; i < 10; i++) {
            writer.enqueue(entry(ACME, "e" + i));
        }
        long start = System.nanoTime();
        AuditCloseReport report = writer.close(Duration.ofMillis(200));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(10, report.unwritten());
        assertEquals(10, kept.entries.size(), "the entries themselves are kept");
        assertEquals(10, writer.deadLettered());
        assertTrue(took < 200 + 5_000, "returned by its deadline (plus the dead letters' bound): " + took + " ms");
    }
}
