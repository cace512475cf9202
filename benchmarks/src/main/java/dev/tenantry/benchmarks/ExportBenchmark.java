package dev.tenantry.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.DataExport;
import dev.tenantry.export.DataExports;
import dev.tenantry.ExportFormat;
import dev.tenantry.export.ExportScope;
import dev.tenantry.export.ExportSink;
import dev.tenantry.export.ExportStatus;
import dev.tenantry.testing.EmbeddedMongo;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.RawBsonDocument;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Measures a whole data export of one tenant's {@value #DOCUMENTS} small documents (to a stream that discards the
 * bytes) against a plain cursor read of the same documents through the raw driver ({@code find} by tenant, each
 * document consumed), on one server in one run. The goal is an export rate of at least 0.7 of the raw read rate:
 * divide {@code rawCursorRead} by {@code export} (both are milliseconds per full pass, lower is better).
 *
 * <p>The raw read decodes nothing ({@link RawBsonDocument}), which is the fastest a driver user can read; the export
 * also writes every value as JSON (or CSV) and keeps a record of the job (two small writes per export). The server is
 * an in-process {@link EmbeddedMongo} unless {@code MONGODB_URI} names a real one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExportBenchmark {

    static final int DOCUMENTS = 100_000;
    private static final String DATABASE = "exportBench";
    private static final TenantId ACME = TenantId.of("acme");

    /** The export format. */
    @Param({"NDJSON", "JSON", "CSV"})
    public ExportFormat format;

    private BenchmarkServer server;
    private MongoClient client;
    private MongoCollection<RawBsonDocument> raw;
    private DataExports exports;

    /** Starts (or connects to) the server and seeds the tenant's documents, plus another tenant's. */
    @Setup(Level.Trial)
    public void setUp() {
        server = BenchmarkServer.start();
        client = server.client();
        if (server.isReal()) {
            client.getDatabase(DATABASE).drop();
        }
        MongoCollection<Document> items = client.getDatabase(DATABASE).getCollection("items");
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS * 2; i++) {
            batch.add(new Document("_id", i).append("tenantId", i % 2 == 0 ? "acme" : "globex")
                    .append("name", "item-" + i).append("n", i % 1000).append("even", i % 4 == 0));
            if (batch.size() == 10_000) {
                items.insertMany(batch);
                batch.clear();
            }
        }
        raw = client.getDatabase(DATABASE).getCollection("items", RawBsonDocument.class);
        TenantDatabase tdb = TenantDatabase.builder(client, DATABASE).collection("items").build();
        exports = DataExports.builder(client, DATABASE, tdb).build();
    }

    /** Closes the client and stops the embedded server, if one was started. */
    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    /** The raw driver: every document of the tenant, read and consumed, nothing decoded. */
    @Benchmark
    public long rawCursorRead(Blackhole blackhole) {
        long n = 0;
        for (RawBsonDocument document : raw.find(new Document("tenantId", "acme")).batchSize(1000)) {
            blackhole.consume(document);
            n++;
        }
        check(n);
        return n;
    }

    /** Tenantry: a recorded export of the tenant in the format, written to a stream that discards it. */
    @Benchmark
    public DataExport export() {
        return Tenants.call(ACME, () -> {
            DataExport request = exports.request(ExportScope.tenant(), format, "benchmark");
            DataExport done = exports.run(request.id(), ExportSink.to(OutputStream.nullOutputStream()));
            if (done.status() != ExportStatus.COMPLETED) {
                throw new IllegalStateException("export failed: " + done);
            }
            check(done.total());
            return done;
        });
    }

    private static void check(long n) {
        if (n != DOCUMENTS) {
            throw new IllegalStateException("read " + n + " documents, expected " + DOCUMENTS);
        }
    }
}
