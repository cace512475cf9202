package dev.tenantry.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.TenantId;
import dev.tenantry.testing.EmbeddedMongo;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The MongoDB-backed limiter: one limit across app instances, one round trip per decision, an explicit outage rule. */
@MongoTest
class SharedRateLimiterIT {

    private static final TenantId ACME = TenantId.of("acme");

    private final MongoBackend backend;
    private final MongoDatabase database;
    private final FakeClock clock = new FakeClock();

    SharedRateLimiterIT(MongoBackend backend, MongoDatabase database) {
        this.backend = backend;
        this.database = database;
    }

    private RateLimiter limiter(MongoDatabase db, String collection, Bandwidth... bandwidths) {
        return RateLimiter.builder().plan("FREE", bandwidths).everyTenantOn("FREE").clock(clock)
                .shared(db, collection, FailPolicy.CLOSED, Duration.ofSeconds(5)).build();
    }

    private static int drain(RateLimiter limiter, RateLimitKey key) {
        int granted = 0;
        while (limiter.tryAcquire(key).allowed()) {
            granted++;
        }
        return granted;
    }

    @Test
    void refillIsExactAndKeysNeverShare() {
        RateLimiter limiter = limiter(database, "exact", Bandwidth.of(3, Duration.ofSeconds(1)));
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertEquals(3, drain(limiter, key));
        clock.advanceNanos(333_333_333);
        assertFalse(limiter.tryAcquire(key).allowed());
        clock.advanceNanos(1);
        assertTrue(limiter.tryAcquire(key).allowed());
        assertEquals(3, drain(limiter, RateLimitKey.tenant(TenantId.of("globex"))));
        assertEquals(3, drain(limiter, RateLimitKey.user(ACME, "u1")));
        RateLimitDecision status = limiter.status(key);
        assertEquals(0, status.remaining());
        assertEquals("\"FREE\";r=0;t=1", status.rateLimitHeader());
    }

    private int admittedFromThreads(List<RateLimiter> limiters, RateLimitKey key, int threadsPerLimiter,
                                    int attemptsPerThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerLimiter * limiters.size());
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (RateLimiter limiter : limiters) {
            for (int t = 0; t < threadsPerLimiter; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attemptsPerThread; i++) {
                        if (limiter.tryAcquire(key).allowed()) {
                            granted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return granted.get();
    }

    @Test
    void eightThreadsGetExactlyTheCapacity() throws Exception {
        int capacity = 200;
        RateLimiter limiter = limiter(database, "eight", Bandwidth.of(capacity, 1, Duration.ofDays(1)));
        assertEquals(capacity, admittedFromThreads(List.of(limiter), RateLimitKey.tenant(ACME), 8, 60));
    }

    @Test
    void twoAppServersEnforceOneLimit() throws Exception {
        int capacity = 200;
        try (MongoClient second = backend.newClient()) {
            RateLimiter one = limiter(database, "two", Bandwidth.of(capacity, 1, Duration.ofDays(1)));
            RateLimiter two = limiter(second.getDatabase(database.getName()), "two",
                    Bandwidth.of(capacity, 1, Duration.ofDays(1)));
            assertEquals(capacity, admittedFromThreads(List.of(one, two), RateLimitKey.tenant(ACME), 4, 80));
        }
    }

    @Test
    void planChangesTakeEffect() {
        Map<TenantId, String> planOf = new ConcurrentHashMap<>(Map.of(ACME, "FREE"));
        RateLimiter limiter = RateLimiter.builder().clock(clock)
                .plan("FREE", Bandwidth.of(5, Duration.ofHours(1)))
                .plan("PRO", Bandwidth.of(100, Duration.ofHours(1)))
                .planResolver(planOf::get).shared(database, "plans", FailPolicy.CLOSED, Duration.ofSeconds(5))
                .build();
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertEquals(5, drain(limiter, key));
        planOf.put(ACME, "PRO");
        limiter.invalidatePlan(ACME);
        clock.advance(Duration.ofMinutes(6));
        assertEquals(10, drain(limiter, key), "PRO refills 100 an hour: 10 in 6 minutes, from the 0 left");
        assertEquals("PRO", limiter.status(key).policy());
    }

    @Test
    void oneRoundTripPerDecision() {
        List<String> commands = new CopyOnWriteArrayList<>();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (!List.of("hello", "isMaster", "ismaster", "ping", "endSessions").contains(event.getCommandName())) {
                    commands.add(event.getCommandName());
                }
            }
        };
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(counter))) {
            RateLimiter limiter = limiter(client.getDatabase(database.getName()), "trips",
                    Bandwidth.of(3, Duration.ofHours(1)));
            RateLimitKey key = RateLimitKey.tenant(ACME);
            commands.clear();
            assertTrue(limiter.tryAcquire(key).allowed());
            assertEquals(List.of("findAndModify"), commands, "a new key is created, already charged, in one upsert");
            for (int i = 0; i < 2; i++) {
                commands.clear();
                assertTrue(limiter.tryAcquire(key).allowed());
                assertEquals(List.of("update"), commands, "an admitted request is one compare-and-swap");
            }
            commands.clear();
            assertFalse(limiter.tryAcquire(key).allowed());
            assertEquals(List.of(), commands, "a denial needs no round trip: others only take tokens away");
        }
    }

    @Test
    void mongoDbDownFollowsTheFailPolicy() {
        try (EmbeddedMongo own = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(MongoClientSettings.builder()
                     .applyConnectionString(own.connectionString())
                     .applyToClusterSettings(c -> c.serverSelectionTimeout(200, TimeUnit.MILLISECONDS)).build())) {
            MongoDatabase db = client.getDatabase("limits");
            RateLimiter closed = RateLimiter.builder().plan("FREE", Bandwidth.of(5, Duration.ofHours(1)))
                    .everyTenantOn("FREE").clock(clock).shared(db, "b", FailPolicy.CLOSED, Duration.ofMillis(300))
                    .build();
            RateLimiter open = RateLimiter.builder().plan("FREE", Bandwidth.of(5, Duration.ofHours(1)))
                    .everyTenantOn("FREE").clock(clock).shared(db, "b", FailPolicy.OPEN, Duration.ofMillis(300))
                    .build();
            RateLimitKey fresh = RateLimitKey.tenant(TenantId.of("during-outage"));
            own.stop();
            RateLimitDecision refused = closed.tryAcquire(fresh);
            assertFalse(refused.allowed());
            assertEquals(1, refused.retryAfterSeconds());
            assertTrue(open.tryAcquire(fresh).allowed());
            own.restart();
            // The driver rediscovers the server in the background; the limiter is back as soon as it is.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean recovered = false;
            while (!recovered && System.nanoTime() < deadline) {
                recovered = closed.tryAcquire(fresh).allowed();
            }
            assertTrue(recovered, "back to normal once MongoDB is back");
        }
    }
}
