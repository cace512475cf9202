package dev.tenantry.benchmarks.seed2;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.benchmarks.BenchmarkServer;
import dev.tenantry.testing.EmbeddedMongo;
import dev.tenantry.testing.LatencyProxy;
import dev.tenantry.testing.seeds.Seed2Dataset;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seed 2's restructure of {@link #users} users and three bookings per user across 50 businesses, through the
 * migration kit ({@link KitMigration}, run by a migration runner, verification included) against a faithful port of
 * the seed's per-document scripts ({@link PerDocumentPort}), on one server in one run, optionally through a
 * {@link LatencyProxy} that holds every message {@link #latencyMillis} milliseconds in each direction, as a network
 * would. Each measurement starts from the same freshly built dataset (not timed) and migrates it once. After each run
 * the commands sent (round trips) and the outcome's digest are printed ({@link Outcome}): the two methods must print
 * the same digest. Goals: the kit sends at most 1/40 of the port's commands, and through the proxy at 1 ms each way it
 * is at least 4 times faster.
 *
 * <p>The server is an in-process {@link EmbeddedMongo} unless {@code MONGODB_URI} names a real one (through the
 * proxy, the URI's first host, which must be the primary).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.de.bwaldvogel=off"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class Seed2Benchmark {

    private static final String DATABASE = "seed2Bench";
    private static final int BUSINESSES = 50;
    private static final long SEED = 20251103L;

    /** Users in the dataset; bookings are three times as many. */
    @Param("20000")
    public int users;

    /** The delay the proxy adds to each message in each direction; 0 connects directly, without the proxy. */
    @Param({"0", "1"})
    public int latencyMillis;

    private BenchmarkServer server;
    private @Nullable LatencyProxy proxy;
    private MongoClient client;
    private MongoDatabase database;
    private final CommandCounter commands = new CommandCounter();
    private long startNanos;

    /** Starts (or connects to) the server, and the proxy in front of it. */
    @Setup(Level.Trial)
    public void start() {
        server = BenchmarkServer.start();
        ConnectionString to = server.connectionString();
        if (latencyMillis > 0) {
            proxy = LatencyProxy.start(to, Duration.ofMillis(latencyMillis));
            to = proxy.connectionString();
        }
        client = MongoClients.create(MongoClientSettings.builder().applyConnectionString(to)
                .addCommandListener(commands).build());
        database = client.getDatabase(DATABASE);
    }

    /** Builds the same dataset before every run (not timed, and directly, not through the proxy). */
    @Setup(Level.Invocation)
    public void seed() {
        Seed2Dataset.create(server.client().getDatabase(DATABASE), BUSINESSES, users, users * 3, SEED);
        commands.reset();
        startNanos = System.nanoTime();
    }

    /** The seed's scripts, one document at a time. */
    @Benchmark
    public long perDocumentPort() {
        return PerDocumentPort.migrate(database);
    }

    /** The migration kit's batched steps, verified at the end. */
    @Benchmark
    public long migrationKit() {
        return KitMigration.migrate(client, DATABASE);
    }

    /** Prints the time, the commands sent and the outcome digest of the run that just ended (not timed). */
    @TearDown(Level.Invocation)
    public void report() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long sent = commands.total();
        Outcome outcome = Outcome.of(server.client().getDatabase(DATABASE));
        System.out.printf(Locale.ROOT, "%n[seed2] %,d documents in %.1f s = %,.0f documents/s, %d ms latency each way;"
                + " %,d commands %s; %s%n", users * 4L, seconds, users * 4L / seconds, latencyMillis, sent,
                commands.byName(), outcome);
    }

    /** Stops the proxy and the server. */
    @TearDown(Level.Trial)
    public void stop() {
        client.close();
        if (proxy != null) {
            proxy.close();
        }
        server.client().getDatabase(DATABASE).drop();
        server.close();
    }
}
