package dev.tenantry.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.result.InsertOneResult;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditStats;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.AuditVerification;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.testing.EmbeddedMongo;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.ObjectId;
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
 * Measures the throughput of recording audit entries through an asynchronous, batched {@link AuditTrail}, including
 * the writes being acknowledged, against a synchronous trail and against one hand-written {@code insertOne} per
 * entry, on one server in one run; and the latency of handing one entry to the asynchronous trail.
 *
 * <p>Throughput (ops/s, one op = one audit entry): {@code syncRecord} records through a synchronous trail (each call
 * reads the chain's tail, inserts the entry and advances the tenant's head before it returns);
 * {@code rawInsertPerEntry} inserts an equivalent small document with the raw driver, without a chain: the "one
 * synchronous insert per entry" a user would write by hand; {@code asyncRecord} records {@value #ASYNC_BATCH} entries
 * through an asynchronous trail and then waits until {@link AuditStats#written()} says MongoDB acknowledged all of
 * them, so its figure is sustained write throughput, not enqueue speed. Read {@code asyncRecord / syncRecord} and
 * {@code asyncRecord / rawInsertPerEntry}.
 *
 * <p>Latency (sample time, ns): {@code asyncEnqueue} is one {@code Tenants.run(acme, () -> trail.record(...))} on an
 * asynchronous trail with the default settings, whose writer drains in the background meanwhile; {@code scopeOnly}
 * is the same scope around an empty task, so {@code asyncEnqueue - scopeOnly} is {@code record} itself. Outside the
 * timed calls the benchmark holds the queue well below its capacity, so under the default {@link
 * dev.tenantry.audit.OverflowPolicy#BLOCK} policy a measured call never waits for room. {@code asyncEnqueue} runs
 * twice: {@code load=backlog} records as fast as the queue allows (the writer always has work), {@code load=paced}
 * records at a steady rate the writer keeps up with (the writer is mostly waiting for entries, as under an
 * application's steady load); see {@link EnqueueTrail}.
 *
 * <p>The server is an in-process {@link EmbeddedMongo} unless the environment variable {@code MONGODB_URI} names a
 * real one. Every measured or warmup iteration starts on an empty log: a freshly started embedded server, or freshly
 * dropped collections on a real one. At the end of every iteration the trail is closed (which writes whatever is still
 * queued) and the iteration fails unless every recorded entry was written, none was dropped or retried, and the
 * tenant's chain verifies; the raw side must hold one document per operation.
 *
 * <p>The embedded server builds no secondary indexes, so the trail's tail read ({@code seq} descending, limit 1)
 * scans and sorts the tenant's whole log there: a synchronous record gets slower with every entry in the log, and an
 * asynchronous one with every entry per batch. Against a real server the read uses the unique {@code (tenant, seq)}
 * index and costs the same at any size.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.de.bwaldvogel=error"})
// The in-process server's write path takes about 15 s to reach a steady state on a small machine.
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
public class AuditBenchmark {

    /** Entries recorded per {@code asyncRecord} invocation before waiting for them to be written. */
    static final int ASYNC_BATCH = 10_000;
    /** The asynchronous trail's largest batch; {@link #ASYNC_BATCH} is a multiple of it (see {@link AsyncTrail}). */
    static final int WRITER_BATCH = 500;
    /** How long the asynchronous trail's writer waits for a batch to fill. */
    static final Duration WRITER_DELAY = Duration.ofMillis(20);
    /** {@code asyncEnqueue} keeps at most this many entries queued (plus one check interval), a quarter of capacity. */
    static final int ENQUEUE_HIGH_WATER = AuditTrail.Builder.DEFAULT_QUEUE_CAPACITY / 4;
    /** How many {@code asyncEnqueue} calls pass between two looks at the queue (a look takes the queue's lock). */
    static final int ENQUEUE_CHECK_INTERVAL = 1024;
    /** {@code asyncEnqueue} with {@code load=paced} records one entry per this many nanoseconds. */
    static final long PACE_NANOS = 200_000;
    /** The entries per second {@link #PACE_NANOS} makes. */
    static final long PACED_RATE = 1_000_000_000L / PACE_NANOS;

    private static final String DATABASE = "bench";
    private static final String RAW_NAME = "rawAuditLog";
    private static final String FIELD = TenantDatabase.DEFAULT_TENANT_FIELD;
    private static final TenantId ACME = TenantId.of("acme");
    private static final String TARGET_TYPE = "orders";
    /** Target ids cycled through by every benchmark, built once so no string building is measured. */
    private static final String[] TARGET_IDS = new String[1024];

    static {
        for (int i = 0; i < TARGET_IDS.length; i++) {
            TARGET_IDS[i] = String.format("order-%04d", i);
        }
    }

    private static final Tenants.Task<RuntimeException> NOOP = () -> { };

    /** An empty server for one iteration: a fresh embedded one, or the real one with this benchmark's data dropped. */
    static final class Server implements AutoCloseable {
        private final BenchmarkServer server = BenchmarkServer.start();

        Server() {
            if (server.isReal()) {
                MongoDatabase db = server.client().getDatabase(DATABASE);
                db.getCollection(AuditTrail.DEFAULT_COLLECTION).drop();
                db.getCollection(AuditTrail.DEFAULT_COLLECTION + "Heads").drop();
                db.getCollection(RAW_NAME).drop();
            }
        }

        MongoClient client() {
            return server.client();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** Closes {@code trail} and fails unless it wrote {@code recorded} entries cleanly into an intact chain. */
    static void closeAndCheck(AuditTrail trail, long recorded) {
        trail.close();
        AuditStats stats = trail.stats();
        if (stats.written() != recorded || stats.dropped() != 0 || stats.failedAttempts() != 0 || stats.queued() != 0) {
            throw new IllegalStateException("recorded " + recorded + " entries but the trail reports " + stats);
        }
        AuditVerification verification = Tenants.call(ACME, trail::verify);
        if (!verification.intact() || verification.entriesChecked() != recorded) {
            throw new IllegalStateException("recorded " + recorded + " entries but verification reports "
                    + verification);
        }
    }

    static String targetId(long n) {
        return TARGET_IDS[(int) (n & (TARGET_IDS.length - 1))];
    }

    // ---------------------------------------------------------------- states

    /** A synchronous trail (the default) on an empty server, per iteration. */
    @State(Scope.Benchmark)
    public static class SyncTrail {
        Server server;
        AuditTrail trail;
        long recorded;

        /** Starts an empty server and builds the trail. */
        @Setup(Level.Iteration)
        public void setUp() {
            server = new Server();
            trail = AuditTrail.builder(server.client(), DATABASE).build();
            recorded = 0;
        }

        /** Checks what was written, then stops the server. */
        @TearDown(Level.Iteration)
        public void tearDown() {
            try {
                closeAndCheck(trail, recorded);
            } finally {
                server.close();
            }
        }
    }

    /** A raw collection for hand-written audit documents, with the trail's query indexes minus the chain's. */
    @State(Scope.Benchmark)
    public static class RawLog {
        Server server;
        MongoCollection<Document> log;
        long inserted;

        /** Starts an empty server and creates the collection's indexes. */
        @Setup(Level.Iteration)
        public void setUp() {
            server = new Server();
            log = server.client().getDatabase(DATABASE).getCollection(RAW_NAME);
            // What a hand-written log needs to answer the trail's queries; the embedded server ignores them.
            log.createIndexes(List.of(
                    new IndexModel(Indexes.compoundIndex(Indexes.ascending(FIELD), Indexes.descending("time"))),
                    new IndexModel(Indexes.compoundIndex(Indexes.ascending(FIELD), Indexes.ascending("actorId"),
                            Indexes.descending("time"))),
                    new IndexModel(Indexes.compoundIndex(Indexes.ascending(FIELD), Indexes.ascending("action"),
                            Indexes.descending("time"))),
                    new IndexModel(Indexes.compoundIndex(Indexes.ascending(FIELD), Indexes.ascending("targetType"),
                            Indexes.ascending("targetId"), Indexes.descending("time")))));
            inserted = 0;
        }

        /** Checks that every insert landed, then stops the server. */
        @TearDown(Level.Iteration)
        public void tearDown() {
            try {
                long count = log.countDocuments();
                if (count != inserted) {
                    throw new IllegalStateException("inserted " + inserted + " documents but " + count + " stored");
                }
            } finally {
                server.close();
            }
        }
    }

    /**
     * An asynchronous trail (capacity 65,536, batches of {@value #WRITER_BATCH}, 20 ms delay) on an empty server, per
     * iteration. {@link #ASYNC_BATCH} is a multiple of the batch size and the queue is empty when an invocation
     * starts, so every batch fills and none waits out the delay.
     */
    @State(Scope.Benchmark)
    public static class AsyncTrail {
        Server server;
        AuditTrail trail;
        long recorded;

        /** Starts an empty server and builds the trail. */
        @Setup(Level.Iteration)
        public void setUp() {
            server = new Server();
            trail = AuditTrail.builder(server.client(), DATABASE)
                    .asynchronous(AuditTrail.Builder.DEFAULT_QUEUE_CAPACITY, WRITER_BATCH, WRITER_DELAY)
                    .build();
            recorded = 0;
        }

        /** Closes the trail (nothing is left queued), checks what was written, then stops the server. */
        @TearDown(Level.Iteration)
        public void tearDown() {
            try {
                closeAndCheck(trail, recorded);
            } finally {
                server.close();
            }
        }
    }

    /**
     * An asynchronous trail with the default settings on an empty server, per iteration, fed in one of two ways
     * (between measured calls, not timed): {@code backlog} records as fast as it can while holding the queue below a
     * quarter of its capacity, so the writer always has work and never waits for entries; {@code paced} records one
     * entry every {@value #PACE_NANOS} ns ({@value #PACED_RATE} entries/s), well below what the writer drains, so the
     * writer is mostly waiting for entries and a record often has to wake it, as in an application under steady load.
     */
    @State(Scope.Benchmark)
    public static class EnqueueTrail {
        /** {@code backlog}: as fast as the queue allows; {@code paced}: a steady {@value #PACED_RATE} entries/s. */
        @Param({"backlog", "paced"})
        public String load;

        Server server;
        AuditTrail trail;
        long recorded;
        private boolean paced;
        private long nextAt;

        /** Starts an empty server and builds the trail. */
        @Setup(Level.Iteration)
        public void setUp() {
            server = new Server();
            trail = AuditTrail.builder(server.client(), DATABASE).asynchronous().build();
            recorded = 0;
            paced = "paced".equals(load);
            nextAt = System.nanoTime();
        }

        /**
         * Not measured: paces the calls if asked, and every {@value #ENQUEUE_CHECK_INTERVAL} calls waits while more
         * than {@value #ENQUEUE_HIGH_WATER} entries are queued, so the queue never fills and a measured call never
         * blocks.
         */
        @Setup(Level.Invocation)
        public void beforeRecord() {
            if (recorded % ENQUEUE_CHECK_INTERVAL == 0) {
                while (trail.stats().queued() > ENQUEUE_HIGH_WATER) {
                    Thread.yield();
                }
            }
            if (paced) {
                long now;
                while ((now = System.nanoTime()) < nextAt) {
                    Thread.yield();
                }
                nextAt += PACE_NANOS;
                if (nextAt < now) {
                    nextAt = now + PACE_NANOS; // late (descheduled): no burst to catch up
                }
            }
        }

        /** Closes the trail (writing what is still queued), checks what was written, then stops the server. */
        @TearDown(Level.Iteration)
        public void tearDown() {
            try {
                closeAndCheck(trail, recorded);
            } finally {
                server.close();
            }
        }
    }

    // ---------------------------------------------------------------- throughput

    /** Synchronous trail: one entry per op, acknowledged (tail read, insert, head update) before the call returns. */
    @Benchmark
    public void syncRecord(SyncTrail s) {
        String id = targetId(s.recorded++);
        Tenants.run(ACME, () -> s.trail.record(AuditAction.UPDATE, TARGET_TYPE, id));
    }

    /** Raw driver: one acknowledged {@code insertOne} of an equivalent audit document per op, no chain. */
    @Benchmark
    public InsertOneResult rawInsertPerEntry(RawLog s) {
        Document entry = new Document("_id", new ObjectId())
                .append(FIELD, ACME.value())
                .append("time", new Date())
                .append("action", AuditAction.UPDATE.name())
                .append("outcome", "SUCCESS")
                .append("targetType", TARGET_TYPE)
                .append("targetId", targetId(s.inserted++));
        return s.log.insertOne(entry);
    }

    /**
     * Asynchronous trail: records {@value #ASYNC_BATCH} entries, each in its own scope, then waits (yielding, without
     * sleeping) until MongoDB acknowledged all of them; the score is per entry.
     */
    @Benchmark
    @OperationsPerInvocation(ASYNC_BATCH)
    public long asyncRecord(AsyncTrail s) {
        AuditTrail trail = s.trail;
        for (int i = 0; i < ASYNC_BATCH; i++) {
            String id = targetId(s.recorded++);
            Tenants.run(ACME, () -> trail.record(AuditAction.UPDATE, TARGET_TYPE, id));
        }
        long written;
        while ((written = trail.stats().written()) < s.recorded) {
            Thread.yield();
        }
        return written;
    }

    // ---------------------------------------------------------------- enqueue latency

    /** One entry handed to the asynchronous trail, scope included: returns once it is queued. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void asyncEnqueue(EnqueueTrail s) {
        String id = targetId(s.recorded++);
        Tenants.run(ACME, () -> s.trail.record(AuditAction.UPDATE, TARGET_TYPE, id));
    }

    /** The tenant scope around an empty task: subtract from {@code asyncEnqueue} to get {@code record} alone. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void scopeOnly() {
        Tenants.run(ACME, NOOP);
    }
}
