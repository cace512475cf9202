package dev.tenantry.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.ExportFormat;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.faults.FaultyMongo;
import dev.tenantry.faults.WireProxy;
import dev.tenantry.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports that cannot finish: a sink that cannot be opened, a runner that stops, MongoDB refusing the writes that
 * record the failure and remove the partial output. No export stays RUNNING for good, the first error is the one
 * thrown (and recorded where possible), and no partial file or GridFS chunk is left behind. Runs its own embedded
 * server behind a proxy that can refuse chosen commands.
 */
class ExportRecoveryIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final Duration LEASE = Duration.ofMinutes(1);

    private FaultyMongo faulty;
    private WireProxy proxy;
    private MongoClient client;
    private MongoDatabase db;
    private final MutableClock clock = new MutableClock();
    private TenantDatabase tdb;
    private DataExports exports;

    @BeforeEach
    void start() {
        faulty = FaultyMongo.start();
        proxy = faulty.proxy();
        client = faulty.client();
        db = client.getDatabase("app");
        tdb = TenantDatabase.builder(client, "app").collection("items", IsolationStrategy.SHARED).build();
        exports = DataExports.builder(client, "app", tdb).clock(clock).lease(LEASE).build();
        // Enough data for several GridFS chunks (255 KB each).
        List<Document> items = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            items.add(new Document("n", i).append("text", "x".repeat(300)));
        }
        Tenants.run(ACME, () -> tdb.getCollection("items").insertMany(items));
    }

    @AfterEach
    void stop() {
        faulty.close();
    }

    private DataExport record(String id) {
        return Tenants.call(ACME, () -> exports.find(id)).orElseThrow();
    }

    private long chunks() {
        return db.getCollection("exports.chunks").countDocuments();
    }

    @Test
    void aSinkThatCannotBeOpenedFailsTheExportWithWhy(@TempDir Path dir) {
        DataExport export = Tenants.call(ACME, () -> exports.request(ExportScope.tenant(), ExportFormat.JSON, "ann"));
        Path nowhere = dir.resolve("missing-folder").resolve("out.json");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Tenants.run(ACME,
                () -> exports.run(export.id(), ExportSink.file(nowhere))));
        assertTrue(e.getMessage().contains("could not open"), e.getMessage());
        DataExport failed = record(export.id());
        assertEquals(ExportStatus.FAILED, failed.status(), "not left RUNNING");
        assertTrue(failed.error().contains("could not open"), failed.error());
        assertNotNull(failed.completedAt());
    }

    @Test
    void whenMongoDbRefusesToRecordTheFailureTheFirstErrorIsThrownAndRecoveryCleansUp() {
        DataExport export = Tenants.call(ACME, () -> exports.request(ExportScope.tenant(), ExportFormat.NDJSON,
                "ann"));
        // The third chunk is refused (the first error); removing the chunks and recording FAILED are refused too.
        proxy.refuse(cmd -> cmd.getFirstKey().equals("insert") && "exports.chunks".equals(cmd.getString("insert")
                .getValue()) && cmd.getArray("documents").get(0).asDocument().getInt32("n").getValue() == 2,
                1, 11600, "InterruptedAtShutdown");
        proxy.refuse(cmd -> cmd.getFirstKey().equals("delete") && "exports.chunks".equals(cmd.getString("delete")
                .getValue()), 1, 13, "Unauthorized");
        proxy.refuse(cmd -> cmd.getFirstKey().equals("findAndModify") && "DataExport".equals(cmd.getString(
                "findAndModify").getValue()) && cmd.getDocument("update").containsKey("$unset"), 1, 13,
                "Unauthorized");
        MongoCommandException first = assertThrows(MongoCommandException.class, () -> Tenants.run(ACME,
                () -> exports.run(export.id(), ExportSink.gridFs())));
        assertEquals(11600, first.getErrorCode(), "the first error is the one thrown");
        assertEquals(2, first.getSuppressed().length, "the failed clean-up and the failed record come with it");
        assertEquals(ExportStatus.RUNNING, record(export.id()).status(), "nothing could record the failure yet");
        assertEquals(2, chunks(), "two chunks written before the failure are still there");

        proxy.clearRules();
        assertEquals(0, exports.expireDue(), "its lease has not run out");
        clock.advance(LEASE.plusSeconds(1));
        assertEquals(1, exports.expireDue());
        DataExport failed = record(export.id());
        assertEquals(ExportStatus.FAILED, failed.status());
        assertTrue(failed.error().contains("lease ran out"), failed.error());
        assertEquals(0, chunks(), "the partial GridFS file is removed");
        assertEquals(0, db.getCollection("exports.files").countDocuments());
        assertFalse(db.getCollection("DataExport").find().first().containsKey("partial"));
        assertEquals(0, exports.expireDue(), "nothing more to do");
    }

    @Test
    void aFailedExportWhosePartialOutputCouldNotBeRemovedIsCleanedUpLater() {
        DataExport export = Tenants.call(ACME, () -> exports.request(ExportScope.tenant(), ExportFormat.NDJSON,
                "ann"));
        proxy.refuse(cmd -> cmd.getFirstKey().equals("insert") && "exports.chunks".equals(cmd.getString("insert")
                .getValue()) && cmd.getArray("documents").get(0).asDocument().getInt32("n").getValue() == 1,
                1, 13, "Unauthorized");
        proxy.refuse(cmd -> cmd.getFirstKey().equals("delete") && "exports.chunks".equals(cmd.getString("delete")
                .getValue()), 1, 13, "Unauthorized");
        assertThrows(MongoCommandException.class, () -> Tenants.run(ACME,
                () -> exports.run(export.id(), ExportSink.gridFs())));
        DataExport failed = record(export.id());
        assertEquals(ExportStatus.FAILED, failed.status());
        assertTrue(failed.error().contains("Unauthorized") || failed.error().contains("13"), failed.error());
        assertEquals(1, chunks(), "the chunk written before the failure could not be removed yet");
        assertEquals(0, exports.expireDue(), "a clean-up is not a state change");
        assertEquals(0, chunks(), "expireDue removed it");
    }

    @Test
    void aRunnerThatStopsIsFailedByExpireDueAndCannotCompleteAfterwards(@TempDir Path dir) throws Exception {
        DataExport export = Tenants.call(ACME, () -> exports.request(ExportScope.tenant(), ExportFormat.JSON, "ann"));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        OutputStream stalled = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    resume.await(); // the runner hangs here: a stalled client, a paused process
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                Tenants.run(ACME, () -> exports.run(export.id(), ExportSink.to(stalled)));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        runner.start();
        assertTrue(writing.await(30, TimeUnit.SECONDS));
        clock.advance(LEASE.plusSeconds(1));
        assertEquals(1, exports.expireDue(), "its lease ran out: recovered");
        assertEquals(ExportStatus.FAILED, record(export.id()).status());
        resume.countDown();
        runner.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(outcome.get() instanceof IllegalStateException, String.valueOf(outcome.get()));
        assertTrue(outcome.get().getMessage().contains("taken over"), outcome.get().getMessage());
        DataExport failed = record(export.id());
        assertEquals(ExportStatus.FAILED, failed.status(), "the late runner does not overwrite the recovery");
        assertTrue(failed.error().contains("lease ran out"), failed.error());
    }

    @Test
    void aFileExportThatFailsLeavesNoPartialFile(@TempDir Path dir) throws IOException {
        DataExport export = Tenants.call(ACME, () -> exports.request(ExportScope.tenant(), ExportFormat.CSV, "ann"));
        // The second batch of the cursor is refused: the export fails half-way through the file.
        proxy.refuse(cmd -> cmd.getFirstKey().equals("getMore"), 1, 13, "Unauthorized");
        Path out = dir.resolve("out.csv");
        assertThrows(MongoCommandException.class, () -> Tenants.run(ACME,
                () -> exports.run(export.id(), ExportSink.file(out))));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "neither the file nor its partial part is left");
        }
        assertEquals(ExportStatus.FAILED, record(export.id()).status());
        assertNull(db.getCollection("DataExport").find().first().get("partial"));
    }
}
