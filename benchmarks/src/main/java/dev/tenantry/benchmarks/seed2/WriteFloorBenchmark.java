package dev.tenantry.benchmarks.seed2;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.benchmarks.BenchmarkServer;
import dev.tenantry.testing.EmbeddedMongo;
import dev.tenantry.testing.LatencyProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ceiling a server puts on {@link Seed2Benchmark}'s ratio: the time per document of an {@code _id} update sent
 * alone ({@code oneByOne}, as the seed's scripts send theirs) against the same update in unordered bulk writes of
 * 1,000 ({@code inBulk}, as the migration kit sends its), on {@value #DOCUMENTS} documents. Both ways must change the
 * same documents, so however little else the kit does, it cannot beat the per-document port by more than about
 * {@code oneByOne / inBulk} on a server. Scores are microseconds per document. The server is an in-process {@link
 * EmbeddedMongo} unless {@code MONGODB_URI} names a real one; with {@link #latencyMillis} above 0 the client reaches it
 * through a {@link LatencyProxy} holding each message that long in each direction, as a network would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class WriteFloorBenchmark {

    /** Documents updated per invocation. */
    static final int DOCUMENTS = 20_000;
    private static final int BATCH = 1_000;

    /** The delay the proxy adds to each message in each direction; 0 connects directly, without the proxy. */
    @Param({"0", "1"})
    public int latencyMillis;

    private BenchmarkServer server;
    private @Nullable LatencyProxy proxy;
    private MongoClient client;
    private MongoCollection<Document> documents;
    private int round;

    /** Starts (or connects to) the server, and the proxy in front of it, and writes the documents. */
    @Setup(Level.Trial)
    public void start() {
        server = BenchmarkServer.start();
        ConnectionString to = server.connectionString();
        if (latencyMillis > 0) {
            proxy = LatencyProxy.start(to, Duration.ofMillis(latencyMillis));
            to = proxy.connectionString();
        }
        client = MongoClients.create(to);
        documents = client.getDatabase("writeFloorBench").getCollection("bookings");
        if (server.isReal()) {
            documents.drop();
        }
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            batch.add(new Document("_id", i).append("userId", "user-" + i).append("serviceId", "service-" + i % 50));
            if (batch.size() == BATCH) {
                documents.insertMany(batch);
                batch.clear();
            }
        }
    }

    /** Each invocation writes a new value, so no update is a no-op. */
    @Setup(Level.Invocation)
    public void nextRound() {
        round++;
    }

    /** One update command per document. */
    @Benchmark
    @OperationsPerInvocation(DOCUMENTS)
    public int oneByOne() {
        for (int i = 0; i < DOCUMENTS; i++) {
            documents.updateOne(Filters.eq("_id", i), Updates.set("customerId", "customer-" + i + "-" + round));
        }
        return DOCUMENTS;
    }

    /** The same updates, 1,000 to an unordered bulk write. */
    @Benchmark
    @OperationsPerInvocation(DOCUMENTS)
    public int inBulk() {
        List<WriteModel<Document>> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < DOCUMENTS; i++) {
            batch.add(new UpdateOneModel<>(Filters.eq("_id", i), Updates.set("customerId", "customer-" + i + "-"
                    + round)));
            if (batch.size() == BATCH) {
                documents.bulkWrite(batch, new BulkWriteOptions().ordered(false));
                batch.clear();
            }
        }
        return DOCUMENTS;
    }

    /** Drops the documents and stops the proxy and the server. */
    @TearDown(Level.Trial)
    public void stop() {
        documents.drop();
        client.close();
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }
}
