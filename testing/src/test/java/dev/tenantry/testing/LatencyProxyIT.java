package dev.tenantry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The latency proxy: every message arrives whole, in order, and late by the delay, each way. */
class LatencyProxyIT {

    private EmbeddedMongo mongo;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.start();
    }

    @AfterEach
    void stop() {
        mongo.close();
    }

    /** A client through the proxy whose monitor does not send heartbeats while a test counts messages. */
    private static MongoClient client(ConnectionString through) {
        return MongoClients.create(MongoClientSettings.builder().applyConnectionString(through)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(2, TimeUnit.SECONDS))
                .applyToServerSettings(s -> s.heartbeatFrequency(1, TimeUnit.HOURS))
                .applyToSocketSettings(s -> s.connectTimeout(2, TimeUnit.SECONDS)).build());
    }

    @Test
    void everythingTheServerSaysArrivesWholeThroughTheProxyLargeMessagesToo() {
        try (LatencyProxy proxy = LatencyProxy.start(mongo.connectionString(), Duration.ZERO);
             MongoClient client = client(proxy.connectionString())) {
            MongoCollection<Document> c = client.getDatabase("d").getCollection("c");
            byte[] big = new byte[6 * 1024 * 1024];
            Arrays.fill(big, (byte) 7);
            c.insertOne(new Document("_id", "big").append("data", new Binary(big)));
            List<Document> many = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                many.add(new Document("_id", i).append("n", i));
            }
            c.insertMany(many);
            assertEquals(2_001, c.countDocuments());
            assertEquals(1_999L * 2_000 / 2, c.find(new Document("n", new Document("$exists", true)))
                    .into(new ArrayList<>()).stream().mapToLong(d -> d.getInteger("n")).sum());
            assertTrue(Arrays.equals(big, c.find(new Document("_id", "big")).first().get("data", Binary.class)
                    .getData()));
        }
    }

    @Test
    void eachRoundTripTakesAtLeastTheDelayEachWayAndEachMessageIsCounted() {
        Duration delay = Duration.ofMillis(40);
        try (LatencyProxy proxy = LatencyProxy.start(mongo.connectionString(), delay);
             MongoClient client = client(proxy.connectionString())) {
            assertEquals(delay, proxy.delay());
            client.getDatabase("d").runCommand(new Document("ping", 1)); // connected and warm
            long before = proxy.messages();
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                client.getDatabase("d").runCommand(new Document("ping", 1));
            }
            long took = System.nanoTime() - start;
            assertTrue(took >= 3 * 2 * delay.toNanos(), "3 round trips of 2 x 40 ms took " + took / 1e6 + " ms");
            assertEquals(6, proxy.messages() - before, "a command and its reply each way, three times");
        }
    }

    @Test
    void messagesInFlightOverlapSoConcurrentCommandsAllArriveAndNoneWaitsForAnother() throws Exception {
        int threads = 8;
        try (LatencyProxy proxy = LatencyProxy.start(mongo.connectionString(), Duration.ofMillis(5));
             MongoClient client = client(proxy.connectionString())) {
            MongoCollection<Document> c = client.getDatabase("d").getCollection("c");
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 20; i++) {
                        c.insertOne(new Document("_id", thread * 100 + i));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(threads * 20, c.countDocuments());
        }
    }

    @Test
    void stopDropsEveryConnectionAndRestartListensOnTheSamePortAgain() {
        try (LatencyProxy proxy = LatencyProxy.start(mongo.connectionString(), Duration.ofMillis(1));
             MongoClient client = client(proxy.connectionString())) {
            MongoCollection<Document> c = client.getDatabase("d").getCollection("c");
            c.insertOne(new Document("_id", 1));
            int port = proxy.port();
            proxy.stop();
            assertFalse(proxy.isRunning());
            assertThrows(MongoException.class, c::countDocuments);
            proxy.restart();
            assertTrue(proxy.isRunning());
            assertEquals(port, proxy.port());
            assertEquals(1, c.countDocuments());
            assertTrue(proxy.toString().contains(":" + port + " -> "), proxy.toString());
        }
    }

    @Test
    void badInputGetsAClearError() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> LatencyProxy.start("127.0.0.1", mongo.port(), Duration.ofMillis(-1)));
        assertTrue(negative.getMessage().contains("PT-0.001S"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LatencyProxy.start("127.0.0.1", 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> LatencyProxy.startOn(70_000, "127.0.0.1", mongo.port(), Duration.ZERO));
    }
}
