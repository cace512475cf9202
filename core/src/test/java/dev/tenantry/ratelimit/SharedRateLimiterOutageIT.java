package dev.tenantry.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import dev.tenantry.TenantId;
import dev.tenantry.faults.FaultyMongo;
import dev.tenantry.faults.WireProxy;
import dev.tenantry.ratelimit.internal.MongoStore;
import dev.tenantry.testing.EmbeddedMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared limiter during an outage: sixteen threads deciding for one hot key each get their answer within the
 * store's timeout plus a small margin, whether MongoDB is down (connections refused) or hangs (requests swallowed by a
 * proxy), because no lock is held across a round trip. Runs its own embedded server behind the proxy with the
 * client's default timeouts: only the limiter's own deadline bounds a decision. Decisions are written by
 * compare-and-swap here (the embedded server runs no update pipelines); the deadline is the same in both modes.
 */
class SharedRateLimiterOutageIT {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** Local work and thread scheduling on a busy two-core machine; far below what queuing behind a lock costs. */
    private static final long MARGIN_MILLIS = 1_000;
    private static final int THREADS = 16;
    private static final int DECISIONS_PER_THREAD = 3;

    private FaultyMongo faulty;
    private EmbeddedMongo mongo;
    private WireProxy proxy;
    private MongoClient client;

    @BeforeEach
    void start() {
        faulty = FaultyMongo.startWithDriverDefaults(); // 30 s server selection: only the limiter's deadline bounds
        mongo = faulty.mongo();
        proxy = faulty.proxy();
        client = faulty.client();
        client.getDatabase("limits").runCommand(new Document("ping", 1)); // connected before anything is timed
    }

    /** Takes a first permit while MongoDB is up (retried: a cold connection on a busy machine may miss 500 ms). */
    private static void warmUp(RateLimiter limiter, RateLimitKey key) {
        for (int i = 0; i < 20; i++) {
            if (limiter.tryAcquire(key).allowed()) {
                return;
            }
        }
        throw new AssertionError("the limiter never admitted while MongoDB was up");
    }

    @AfterEach
    void stop() {
        faulty.close();
    }

    private RateLimiter limiter(FailPolicy policy) {
        return RateLimiter.builder().plan("FREE", Bandwidth.of(1_000, Duration.ofHours(1))).everyTenantOn("FREE")
                .shared(client.getDatabase("limits"), "buckets", policy, TIMEOUT, MongoStore.Mode.COMPARE_AND_SWAP)
                .build();
    }

    /** The slowest decision, in milliseconds, of {@link #THREADS} threads released together on one key. */
    private static long slowestDecision(RateLimiter limiter, RateLimitKey key, AtomicInteger allowed)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong slowest = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < DECISIONS_PER_THREAD; i++) {
                    long start = System.nanoTime();
                    if (limiter.tryAcquire(key).allowed()) {
                        allowed.incrementAndGet();
                    }
                    slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return slowest.get();
    }

    @Test
    void withMongoDbDownEveryDecisionReturnsWithinTheTimeout() throws Exception {
        RateLimiter limiter = limiter(FailPolicy.CLOSED);
        RateLimitKey key = RateLimitKey.tenant(TenantId.of("hot"));
        warmUp(limiter, key);
        mongo.stop();
        AtomicInteger allowed = new AtomicInteger();
        long slowest = slowestDecision(limiter, key, allowed);
        assertTrue(slowest <= TIMEOUT.toMillis() + MARGIN_MILLIS, "slowest decision took " + slowest + " ms");
        assertEquals(0, allowed.get(), "FailPolicy.CLOSED refuses while MongoDB cannot answer");
    }

    @Test
    void withMongoDbHangingEveryDecisionReturnsWithinTheTimeout() throws Exception {
        RateLimiter limiter = limiter(FailPolicy.OPEN);
        RateLimitKey key = RateLimitKey.tenant(TenantId.of("hot"));
        warmUp(limiter, key);
        proxy.freeze();
        AtomicInteger allowed = new AtomicInteger();
        long slowest = slowestDecision(limiter, key, allowed);
        assertTrue(slowest <= TIMEOUT.toMillis() + MARGIN_MILLIS, "slowest decision took " + slowest + " ms");
        assertEquals(THREADS * DECISIONS_PER_THREAD, allowed.get(), "FailPolicy.OPEN admits while MongoDB hangs");
    }

    @Test
    void sixteenThreadsOnOneKeyStillGetExactlyTheCapacityWhenMongoDbAnswers() throws Exception {
        RateLimiter limiter = RateLimiter.builder().plan("FREE", Bandwidth.of(40, 1, Duration.ofDays(1)))
                .everyTenantOn("FREE").shared(client.getDatabase("limits"), "exact", FailPolicy.CLOSED,
                        Duration.ofSeconds(10), MongoStore.Mode.COMPARE_AND_SWAP).build();
        AtomicInteger allowed = new AtomicInteger();
        slowestDecision(limiter, RateLimitKey.tenant(TenantId.of("hot")), allowed);
        assertEquals(40, allowed.get(), "no lock, and still no token granted twice or lost to contention");
    }
}
