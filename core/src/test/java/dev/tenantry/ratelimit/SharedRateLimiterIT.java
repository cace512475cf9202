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
import dev.tenantry.ratelimit.internal.MongoStore;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.EmbeddedMongo;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB-backed limiter writing decisions by compare-and-swap (every server): one limit across app instances, one
 * round trip per decision, an explicit outage rule. {@link SharedPipelineRateLimiterIT} runs the same with update
 * pipelines.
 */
@MongoTest
class SharedRateLimiterIT extends RateLimiterContract {

    private static final TenantId ACME = TenantId.of("acme");

    private final MongoBackend backend;
    private final MongoDatabase database;

    SharedRateLimiterIT(MongoBackend backend, MongoDatabase database) {
        this.backend = backend;
        this.database = database;
    }

    /** How this class's stores write decisions. */
    MongoStore.Mode mode() {
        return MongoStore.Mode.COMPARE_AND_SWAP;
    }

    @Override
    RateLimiter.Builder store(RateLimiter.Builder builder, String name) {
        return builder.shared(database, name, FailPolicy.CLOSED, Duration.ofSeconds(5), mode());
    }

    private RateLimiter sharedLimiter(MongoDatabase db, String collection, Bandwidth... bandwidths) {
        return RateLimiter.builder().plan("FREE", bandwidths).everyTenantOn("FREE").clock(clock)
                .shared(db, collection, FailPolicy.CLOSED, Duration.ofSeconds(5), mode()).build();
    }

    @Test
    void updatePipelinesAreUsedWhereTheServerRunsThem() {
        MongoStore store = new MongoStore(database, "detect", FailPolicy.CLOSED, Duration.ofSeconds(5),
                System::nanoTime);
        assertEquals(backend.supports(Capability.UPDATE_PIPELINES), store.usesUpdatePipelines());
        assertEquals(0, database.getCollection("detect").countDocuments(), "the probe leaves nothing behind");
    }

    /**
     * The first requests for a key, from several app servers at once, all race to create its bucket. A server may
     * answer such an upsert race with a duplicate key error: that is contention, not an outage, so no request may be
     * refused by the fail policy while the bucket has tokens.
     */
    @Test
    void racingFirstRequestsForANewKeyAreAllAdmitted() throws Exception {
        int servers = 6;
        int rounds = 150;
        List<MongoClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(servers);
        try {
            List<RateLimiter> limiters = new ArrayList<>();
            for (int i = 0; i < servers; i++) {
                MongoClient client = backend.newClient();
                clients.add(client);
                limiters.add(sharedLimiter(client.getDatabase(database.getName()), "first",
                        Bandwidth.of(servers, Duration.ofHours(1))));
            }
            for (int round = 0; round < rounds; round++) {
                RateLimitKey key = RateLimitKey.tenant(TenantId.of("fresh-" + round));
                CyclicBarrier start = new CyclicBarrier(servers);
                List<Future<Boolean>> decisions = new ArrayList<>();
                for (RateLimiter limiter : limiters) {
                    decisions.add(pool.submit(() -> {
                        start.await();
                        return limiter.tryAcquire(key).allowed();
                    }));
                }
                int admitted = 0;
                for (Future<Boolean> decision : decisions) {
                    admitted += decision.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(servers, admitted, "round " + round + ": every first request fits the new bucket");
            }
        } finally {
            pool.shutdownNow();
            clients.forEach(MongoClient::close);
        }
    }

    @Test
    void twoAppServersEnforceOneLimit() throws Exception {
        int capacity = 200;
        try (MongoClient second = backend.newClient()) {
            RateLimiter one = sharedLimiter(database, "two", Bandwidth.of(capacity, 1, Duration.ofDays(1)));
            RateLimiter two = sharedLimiter(second.getDatabase(database.getName()), "two",
                    Bandwidth.of(capacity, 1, Duration.ofDays(1)));
            assertEquals(capacity, admittedFromThreads(List.of(one, two), RateLimitKey.tenant(ACME), 4, 80));
        }
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
            RateLimiter limiter = sharedLimiter(client.getDatabase(database.getName()), "trips",
                    Bandwidth.of(3, Duration.ofHours(1)));
            RateLimitKey key = RateLimitKey.tenant(ACME);
            commands.clear();
            assertTrue(limiter.tryAcquire(key).allowed());
            assertEquals(List.of(admittedCommand()), commands, "a new key is created, already charged, in one upsert");
            for (int i = 0; i < 2; i++) {
                commands.clear();
                assertTrue(limiter.tryAcquire(key).allowed());
                assertEquals(List.of(admittedCommand()), commands, "an admitted request is one round trip");
            }
            commands.clear();
            assertFalse(limiter.tryAcquire(key).allowed());
            assertEquals(List.of(), commands, "a denial needs no round trip: others only take tokens away");
        }
    }

    /** The one command an admitted request to an existing key sends. */
    String admittedCommand() {
        return "update"; // the compare-and-swap
    }

    @Test
    void mongoDbDownFollowsTheFailPolicy() {
        try (EmbeddedMongo own = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(MongoClientSettings.builder()
                     .applyConnectionString(own.connectionString())
                     .applyToClusterSettings(c -> c.serverSelectionTimeout(200, TimeUnit.MILLISECONDS)).build())) {
            MongoDatabase db = client.getDatabase("limits");
            RateLimiter closed = RateLimiter.builder().plan("FREE", Bandwidth.of(5, Duration.ofHours(1)))
                    .everyTenantOn("FREE").clock(clock)
                    .shared(db, "b", FailPolicy.CLOSED, Duration.ofMillis(300), mode())
                    .build();
            RateLimiter open = RateLimiter.builder().plan("FREE", Bandwidth.of(5, Duration.ofHours(1)))
                    .everyTenantOn("FREE").clock(clock)
                    .shared(db, "b", FailPolicy.OPEN, Duration.ofMillis(300), mode())
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
