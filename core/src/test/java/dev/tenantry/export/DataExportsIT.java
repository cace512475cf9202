package dev.tenantry.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.gridfs.GridFSBuckets;
import dev.tenantry.ExportFormat;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditOutcome;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.SoftDelete;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data exports: every format round-trips, secrets never leave, scopes hold, and the job's lifecycle is recorded. */
@MongoTest
class DataExportsIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock();
    private TenantDatabase tdb;
    private AuditTrail audit;
    private DataExports exports;

    DataExportsIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @BeforeEach
    void setUp() {
        database.drop();
        tdb = TenantDatabase.builder(client, database.getName())
                .collection("users", IsolationStrategy.SHARED)
                .collection("customers", IsolationStrategy.SHARED, SoftDelete.retainFor(Duration.ofDays(30)))
                .collection("bookings", IsolationStrategy.COLLECTION_PER_TENANT).build();
        audit = AuditTrail.builder(client, database.getName()).clock(clock).build();
        exports = DataExports.builder(client, database.getName(), tdb).clock(clock).auditTrail(audit)
                .maxActivePerRequester(100).maxActivePerTenant(100) // these tests leave many exports pending
                .userReference("users", "_id").userReference("bookings", "userId", "staffId").build();
        ObjectId id = new ObjectId("65a1b2c3d4e5f60718293a4b");
        Tenants.run(ACME, () -> {
            tdb.getCollection("users").insertMany(List.of(
                    new Document("_id", "u1").append("name", "Ann").append("passwordHash", "$2a$10$SECRETHASH")
                            .append("profile", new Document("resetToken", "TOKEN-123").append("city", "Oslo")),
                    new Document("_id", "u2").append("name", "=HYPERLINK(\"http://evil\")")
                            .append("passwordHash", "$2a$10$OTHERHASH")));
            tdb.getCollection("customers").insertMany(List.of(
                    new Document("_id", id).append("name", "'one").append("since", new Date(1_700_000_000_000L))
                            .append("tags", List.of("a", "b")).append("score", 1.5).append("vip", true)
                            .append("notes", null).append("visits", 3),
                    new Document("_id", "c2").append("name", "-2+3").append("address",
                            new Document("street", "Main St").append("no", 7))));
            tdb.getCollection("customers").deleteOne(new Document("_id", "c2")); // held, so exported
            tdb.getCollection("bookings").insertMany(List.of(
                    new Document("_id", "b1").append("userId", "u1").append("slot", "09:00"),
                    new Document("_id", "b2").append("userId", "u2").append("staffId", "u1"),
                    new Document("_id", "b3").append("userId", "u2")));
        });
        Tenants.run(GLOBEX, () -> {
            tdb.getCollection("users").insertOne(new Document("_id", "g1").append("name", "GLOBEX-ONLY"));
            tdb.getCollection("bookings").insertOne(new Document("_id", "gb").append("userId", "u1")
                    .append("slot", "GLOBEX-ONLY"));
        });
    }

    @AfterEach
    void tearDown() {
        audit.close();
    }

    private byte[] export(ExportScope scope, ExportFormat format) {
        return Tenants.call(ACME, () -> {
            DataExport pending = exports.request(scope, format, "admin@acme");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataExport done = exports.run(pending.id(), ExportSink.to(out));
            assertEquals(ExportStatus.COMPLETED, done.status());
            assertEquals(out.size(), done.bytes());
            return out.toByteArray();
        });
    }

    /** What the tenant holds, as the raw driver reads it (deleted documents included), secrets removed. */
    private Map<String, List<BsonDocument>> expected(TenantId tenant) {
        Map<String, List<BsonDocument>> out = new java.util.LinkedHashMap<>();
        for (String name : tdb.getCollectionNames()) {
            var ns = tdb.namespaceFor(name, tenant);
            List<BsonDocument> docs = new ArrayList<>();
            for (BsonDocument d : client.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName(),
                    BsonDocument.class).find(new Document("tenantId", tenant.value()))) {
                docs.add(withoutSecrets(d));
            }
            out.put(name, docs);
        }
        return out;
    }

    private static BsonDocument withoutSecrets(BsonDocument d) {
        BsonDocument copy = new BsonDocument();
        d.forEach((k, v) -> {
            if (!DataExports.Builder.DEFAULT_SECRET_FIELDS.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                copy.put(k, v.isDocument() ? withoutSecrets(v.asDocument()) : v);
            }
        });
        return copy;
    }

    @Test
    void jsonAndNdjsonParseBackToTheSameDocuments() {
        Map<String, List<BsonDocument>> expected = expected(ACME);

        BsonDocument json = BsonDocument.parse(new String(export(ExportScope.tenant(), ExportFormat.JSON),
                StandardCharsets.UTF_8));
        assertEquals("acme", json.getString("tenant").getValue());
        for (String name : expected.keySet()) {
            assertEquals(expected.get(name), json.getDocument("collections").getArray(name).getValues().stream()
                    .map(BsonValue::asDocument).toList(), name);
        }

        Map<String, List<BsonDocument>> lines = new HashMap<>();
        String ndjson = new String(export(ExportScope.tenant(), ExportFormat.NDJSON), StandardCharsets.UTF_8);
        for (String line : ndjson.split("\n")) {
            BsonDocument record = BsonDocument.parse(line);
            lines.computeIfAbsent(record.getString("collection").getValue(), k -> new ArrayList<>())
                    .add(record.getDocument("document"));
        }
        for (String name : expected.keySet()) {
            assertEquals(expected.get(name), lines.getOrDefault(name, List.of()), name);
        }
    }

    @Test
    void csvCellsParseBackToTheSameValuesAndFormulasAreEscaped() throws IOException {
        Map<String, List<BsonDocument>> expected = expected(ACME);
        byte[] csv = export(ExportScope.tenant(), ExportFormat.CSV);
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
            it.forEachRemaining(rows::add);
        }
        assertEquals(expected.values().stream().mapToInt(List::size).sum(), rows.size());
        for (Map<String, String> row : rows) {
            String collection = row.get("collection");
            BsonDocument original = expected.get(collection).stream()
                    .filter(d -> sameValue(d.get("_id"), row.get("_id"))).findFirst().orElseThrow();
            for (Map.Entry<String, String> cell : row.entrySet()) {
                String field = cell.getKey();
                if (field.equals("collection")) {
                    continue;
                }
                BsonValue value = original.get(field);
                if (value == null) {
                    assertEquals("", cell.getValue(), collection + "." + field + " is not in this document");
                } else if (value.isString()) {
                    String text = cell.getValue();
                    assertEquals(value.asString().getValue(), text.startsWith("'") ? text.substring(1) : text);
                } else {
                    assertEquals(value, BsonDocument.parse("{\"v\": " + cell.getValue() + "}").get("v"),
                            collection + "." + field);
                }
            }
        }
        String text = new String(csv, StandardCharsets.UTF_8);
        assertTrue(text.contains("'=HYPERLINK"), "a formula is escaped");
        assertTrue(text.contains("'-2+3"), "so is a cell starting with '-'");
        assertTrue(text.contains("''one"), "and one starting with ' keeps its own quote");
    }

    /** Whether a CSV cell holds {@code value}: strings as they are (less the escape), others as JSON. */
    private static boolean sameValue(BsonValue value, String cell) {
        if (value.isString()) {
            return value.asString().getValue().equals(cell.startsWith("'") ? cell.substring(1) : cell);
        }
        try {
            return value.equals(BsonDocument.parse("{\"v\": " + cell + "}").get("v"));
        } catch (org.bson.json.JsonParseException notJson) {
            return false;
        }
    }

    @Test
    void secretFieldsNeverLeaveAndOtherTenantsAreNeverPresent() {
        for (ExportFormat format : ExportFormat.values()) {
            String out = new String(export(ExportScope.tenant(), format), StandardCharsets.UTF_8);
            for (String forbidden : List.of("SECRETHASH", "OTHERHASH", "TOKEN-123", "passwordHash", "resetToken",
                    "GLOBEX-ONLY")) {
                assertFalse(out.contains(forbidden), format + " output contains " + forbidden);
            }
            assertTrue(out.contains("Oslo"), "the rest of a document with a secret inside is there");
        }
    }

    @Test
    void aUserScopedExportHoldsOnlyThatUsersDocuments() {
        BsonDocument json = BsonDocument.parse(new String(export(ExportScope.user("u1"), ExportFormat.JSON),
                StandardCharsets.UTF_8));
        BsonDocument collections = json.getDocument("collections");
        assertEquals(List.of("users", "bookings"), new ArrayList<>(collections.keySet()), "customers has no "
                + "user-reference field, so it is left out");
        assertEquals(List.of("u1"), ids(collections.getArray("users")));
        assertEquals(List.of("b1", "b2"), ids(collections.getArray("bookings")), "as booker or as staff");
        assertEquals("u1", json.getDocument("scope").getString("userId").getValue());
    }

    private static List<String> ids(BsonArray docs) {
        return docs.getValues().stream().map(v -> v.asDocument().getString("_id").getValue()).sorted().toList();
    }

    @Test
    void aRequestersHistoryHoldsTheirOwnExportsHoweverManyOthersRequestedSince() {
        Tenants.run(ACME, () -> {
            DataExport mine = exports.request(ExportScope.user("u1"), ExportFormat.JSON, "u1");
            for (int i = 0; i < 30; i++) {
                clock.advance(Duration.ofSeconds(1));
                exports.request(ExportScope.user("u2"), ExportFormat.JSON, "u2");
            }
            clock.advance(Duration.ofSeconds(1));
            DataExport newer = exports.request(ExportScope.user("u1"), ExportFormat.CSV, "u1");
            assertEquals(List.of(newer.id(), mine.id()), exports.history("u1", 10).stream().map(DataExport::id)
                    .toList(), "u1's own, newest first, past 30 newer exports of u2");
            assertEquals(List.of(newer.id()), exports.history("u1", 1).stream().map(DataExport::id).toList());
            assertEquals(10, exports.history("u2", 10).size());
            assertTrue(exports.history("nobody", 10).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> exports.history(" ", 10));
            assertThrows(IllegalArgumentException.class, () -> exports.history("u1", 0));
        });
        assertTrue(Tenants.call(GLOBEX, () -> exports.history("u1", 10)).isEmpty(), "another tenant's is its own");
    }

    @Test
    void theJobIsRecordedStoredDownloadedAndExpired() {
        Tenants.run(ACME, () -> {
            DataExport pending = exports.request(ExportScope.tenant(), ExportFormat.NDJSON, "admin@acme");
            assertEquals(ExportStatus.PENDING, pending.status());
            assertEquals(clock.instant(), pending.requestedAt());
            clock.advance(Duration.ofMinutes(1));
            DataExport done = exports.run(pending.id(), ExportSink.gridFs());
            assertEquals(ExportStatus.COMPLETED, done.status());
            assertEquals(Map.of("users", 2L, "customers", 2L, "bookings", 3L), done.counts());
            assertEquals(clock.instant().plus(Duration.ofDays(7)), done.expiresAt());
            assertTrue(done.location().startsWith("gridfs:"), done.location());
            assertNotNull(done.startedAt());

            ByteArrayOutputStream download = new ByteArrayOutputStream();
            exports.download(done.id(), download);
            assertEquals(done.bytes(), download.size());
            assertThrows(IllegalStateException.class, () -> exports.run(done.id(), ExportSink.gridFs()),
                    "a completed export does not run again");

            DataExport second = exports.request(ExportScope.user("u2"), ExportFormat.CSV, "u2");
            assertEquals(List.of(second.id(), done.id()), exports.history(10).stream().map(DataExport::id)
                    .toList(), "history, newest first");

            assertEquals(1, Tenants.call(ACME, () -> audit.query(AuditQuery.all().withAction(AuditAction.EXPORT))
                    .entries().size()));
        });
        Tenants.run(GLOBEX, () -> {
            assertTrue(exports.history(10).isEmpty(), "another tenant's history is its own");
            String acmeExport = Tenants.call(ACME, () -> exports.history(10).get(1).id());
            assertTrue(exports.find(acmeExport).isEmpty());
            assertThrows(ExportNotFoundException.class, () -> exports.download(acmeExport,
                    OutputStream.nullOutputStream()));
            assertThrows(ExportNotFoundException.class, () -> exports.run(acmeExport, ExportSink.gridFs()));
        });

        clock.advance(Duration.ofDays(7).minusMillis(1));
        assertEquals(0, exports.expireDue(), "still inside its download time");
        clock.advance(Duration.ofMillis(1));
        assertEquals(1, exports.expireDue());
        assertEquals(0, GridFSBuckets.create(database, "exports").find().into(new ArrayList<>()).size(),
                "the stored file is removed");
        Tenants.run(ACME, () -> {
            DataExport expired = exports.history(10).get(1);
            assertEquals(ExportStatus.EXPIRED, expired.status());
            assertThrows(IllegalStateException.class, () -> exports.download(expired.id(),
                    OutputStream.nullOutputStream()));
        });
        assertEquals(0, exports.expireDue(), "expiring again does nothing");
    }

    @Test
    void aFailedExportRecordsWhyAndLeavesNoFileMarkedComplete(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("acme.ndjson");
        OutputStream broken = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 100) {
                    throw new IOException("disk full");
                }
            }
        };
        Tenants.run(ACME, () -> {
            DataExport toStream = exports.request(ExportScope.tenant(), ExportFormat.JSON, "admin@acme");
            assertThrows(RuntimeException.class, () -> exports.run(toStream.id(), ExportSink.to(broken)));
            DataExport failed = exports.find(toStream.id()).orElseThrow();
            assertEquals(ExportStatus.FAILED, failed.status());
            assertTrue(failed.error().contains("disk full"), failed.error());
            assertNotNull(failed.completedAt());
            assertNull(failed.expiresAt());
            assertNull(failed.location());
            assertEquals(1, audit.query(AuditQuery.all().withAction(AuditAction.EXPORT)
                    .withOutcome(AuditOutcome.FAILURE)).entries().size());
        });

        // a file sink that fails midway (reading the second collection fails): the older file stays as it was
        // and no partial file is left
        Files.writeString(target, "an older export");
        DataExports breaking = DataExports.builder(client, database.getName(), new FailingOn("customers", tdb))
                .clock(clock).build();
        Tenants.run(ACME, () -> {
            DataExport request = breaking.request(ExportScope.tenant(), ExportFormat.NDJSON, "admin@acme");
            RuntimeException e = assertThrows(RuntimeException.class, () -> breaking.run(request.id(),
                    ExportSink.file(target)));
            assertEquals("injected: customers unreadable", e.getMessage());
            assertEquals(ExportStatus.FAILED, breaking.find(request.id()).orElseThrow().status());
            assertEquals(Map.of("users", 2L), breaking.find(request.id()).orElseThrow().counts(),
                    "what was written before the failure is counted");
        });
        assertEquals("an older export", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "no partial files left");
        }
    }

    /** A tenant database whose collection {@code broken} cannot be read. */
    private record FailingOn(String broken, TenantDatabase delegate) implements TenantDatabase {
        @Override
        public String getName() {
            return delegate.getName();
        }

        @Override
        public dev.tenantry.Tenants.Registration addScopeGuard(dev.tenantry.TenantScopeGuard guard) {
            return delegate.addScopeGuard(guard);
        }

        @Override
        public dev.tenantry.Tenants.Registration addSystemScopeListener(dev.tenantry.SystemScopeListener listener) {
            return delegate.addSystemScopeListener(listener);
        }

        @Override
        public String getTenantField() {
            return delegate.getTenantField();
        }

        @Override
        public java.util.Set<String> getCollectionNames() {
            return delegate.getCollectionNames();
        }

        @Override
        public IsolationStrategy getIsolation(String logicalName) {
            return delegate.getIsolation(logicalName);
        }

        @Override
        public java.util.Optional<SoftDelete> getSoftDelete(String logicalName) {
            return delegate.getSoftDelete(logicalName);
        }

        @Override
        public dev.tenantry.collection.TenantCollection<Document> getCollection(String logicalName) {
            return getCollection(logicalName, Document.class);
        }

        @Override
        public <T> dev.tenantry.collection.TenantCollection<T> getCollection(String logicalName, Class<T> type) {
            if (logicalName.equals(broken)) {
                throw new IllegalStateException("injected: " + broken + " unreadable");
            }
            return delegate.getCollection(logicalName, type);
        }

        @Override
        public com.mongodb.MongoNamespace namespaceFor(String logicalName, TenantId tenant) {
            return delegate.namespaceFor(logicalName, tenant);
        }

        @Override
        public List<com.mongodb.client.model.IndexModel> getIndexes(String logicalName) {
            return delegate.getIndexes(logicalName);
        }

        @Override
        public void ensureIndexes() {
            delegate.ensureIndexes();
        }

        @Override
        public void ensureIndexes(TenantId tenant) {
            delegate.ensureIndexes(tenant);
        }

        @Override
        public java.util.Optional<String> logicalNameOf(com.mongodb.MongoNamespace namespace) {
            return delegate.logicalNameOf(namespace);
        }

        @Override
        public java.util.Optional<TenantId> tenantOf(com.mongodb.MongoNamespace namespace) {
            return delegate.tenantOf(namespace);
        }

        @Override
        public org.bson.codecs.configuration.CodecRegistry getCodecRegistry() {
            return delegate.getCodecRegistry();
        }
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        assertThrows(MissingTenantException.class, () -> exports.request(ExportScope.tenant(), ExportFormat.JSON,
                "x"));
        Tenants.run(ACME, () -> {
            assertThrows(IllegalArgumentException.class, () -> exports.request(ExportScope.tenant(),
                    ExportFormat.JSON, " "));
            assertThrows(ExportNotFoundException.class, () -> exports.run(new ObjectId().toHexString(),
                    ExportSink.gridFs()));
            assertThrows(ExportNotFoundException.class, () -> exports.run("not-an-id", ExportSink.gridFs()));
            assertTrue(exports.history(10).isEmpty());
        });
        assertThrows(IllegalArgumentException.class, () -> ExportScope.user(" "));
        assertThrows(IllegalArgumentException.class, () -> DataExports.builder(client, database.getName(), tdb)
                .userReference("nope", "userId"));
        assertThrows(IllegalArgumentException.class, () -> DataExports.builder(client, database.getName(), tdb)
                .validity(Duration.ZERO));
    }
}
