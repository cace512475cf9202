package dev.tenantry.benchmarks.seed2;

import com.mongodb.client.MongoDatabase;
import dev.tenantry.benchmarks.BenchmarkServer;
import dev.tenantry.testing.EmbeddedMongo;
import dev.tenantry.testing.seeds.Seed2Dataset;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
 * migration kit ({@link KitMigration}) against a faithful port of the seed's per-document scripts
 * ({@link PerDocumentPort}), on one server in one run. Each measurement starts from the same freshly built dataset
 * (not timed) and migrates it once; the goal is the kit at least 20 times faster with identical results. After each
 * run the outcome's digest is printed ({@link Outcome}): the two methods must print the same one.
 *
 * <p>Documents per second = (users + bookings) / seconds. The server is an in-process {@link EmbeddedMongo} unless
 * {@code MONGODB_URI} names a real one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class Seed2Benchmark {

    private static final String DATABASE = "seed2Bench";
    private static final int BUSINESSES = 50;
    private static final long SEED = 20251103L;

    /** Users in the dataset; bookings are three times as many. */
    @Param("100000")
    public int users;

    private BenchmarkServer server;
    private MongoDatabase database;
    private long startNanos;

    /** Starts (or connects to) the server. */
    @Setup(Level.Trial)
    public void start() {
        server = BenchmarkServer.start();
        database = server.client().getDatabase(DATABASE);
    }

    /** Builds the same dataset before every run (not timed). */
    @Setup(Level.Invocation)
    public void seed() {
        Seed2Dataset.create(database, BUSINESSES, users, users * 3, SEED);
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
        return KitMigration.migrate(database);
    }

    /** Prints the rate and the outcome digest of the run that just ended (not timed). */
    @TearDown(Level.Invocation)
    public void report() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Outcome outcome = Outcome.of(database);
        System.out.printf(Locale.ROOT, "%n[seed2] %,d documents in %.1f s = %,.0f documents/s; %s%n",
                users * 4L, seconds, users * 4L / seconds, outcome);
    }

    /** Stops the server. */
    @TearDown(Level.Trial)
    public void stop() {
        database.drop();
        server.close();
    }
}
