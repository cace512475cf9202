package dev.tenantry.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million small documents exported by a JVM with a 64 MB heap (the test server runs here, in the test's JVM, so its
 * memory does not count), and every format read back, streaming, to the same documents.
 */
@MongoTest
class LargeExportIT {

    private static final int DOCUMENTS = Integer.getInteger("tenantry.largeExport.documents", 1_000_000);
    private static final int BATCH = 10_000;

    private final MongoBackend backend;
    private final MongoDatabase database;

    LargeExportIT(MongoBackend backend, MongoDatabase database) {
        this.backend = backend;
        this.database = database;
    }

    /** Document {@code i} as inserted, and as every format must give it back. */
    private static Document item(int i) {
        return new Document("_id", i).append("tenantId", "big").append("name", "item-" + i).append("n", i % 1000)
                .append("even", i % 2 == 0);
    }

    @Test
    void aMillionDocumentsExportInA64MegabyteHeapAndReadBack(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        var items = database.getCollection("items");
        List<Document> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < DOCUMENTS; i++) {
            batch.add(item(i));
            if (batch.size() == BATCH) {
                items.insertMany(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            items.insertMany(batch);
        }
        items.insertOne(new Document("_id", -1).append("tenantId", "other").append("name", "not exported"));

        System.out.printf("LargeExportIT: inserted %,d documents in %d s%n", DOCUMENTS, seconds(start));
        long exportStart = System.nanoTime();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), ExportInSmallHeap.class.getName(),
                backend.connectionString().toString(), database.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the export finished");
        System.out.println(output);
        assertEquals(0, process.exitValue(), "the exporting JVM (-Xmx64m) failed:\n" + output);

        System.out.printf("LargeExportIT: exported in every format in %d s%n", seconds(exportStart));
        long readStart = System.nanoTime();
        assertEquals(DOCUMENTS, readJson(dir.resolve("big.json")));
        assertEquals(DOCUMENTS, readNdjson(dir.resolve("big.ndjson")));
        assertEquals(DOCUMENTS, readCsv(dir.resolve("big.csv")));
        System.out.printf("LargeExportIT: read back in %d s%n", seconds(readStart));
    }

    private static long seconds(long startNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    /** Streams the JSON export's documents back, checking each; returns how many. */
    private static int readJson(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        TypeReference<Map<String, Object>> map = new TypeReference<>() { };
        int n = 0;
        try (JsonParser parser = mapper.createParser(file.toFile())) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            while (parser.nextToken() == JsonToken.FIELD_NAME && !"collections".equals(parser.currentName())) {
                parser.nextToken();
                parser.skipChildren(); // the header's values
            }
            assertEquals("collections", parser.currentName());
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            assertEquals(JsonToken.FIELD_NAME, parser.nextToken());
            assertEquals("items", parser.currentName());
            assertEquals(JsonToken.START_ARRAY, parser.nextToken());
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                check(n++, mapper.readValue(parser, map));
            }
        }
        return n;
    }

    private static int readNdjson(Path file) throws IOException {
        int n = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                BsonDocument record = BsonDocument.parse(line);
                assertEquals("items", record.getString("collection").getValue());
                BsonDocument doc = record.getDocument("document");
                assertEquals(item(n).toBsonDocument(), doc, "document " + n);
                n++;
            }
        }
        return n;
    }

    private static int readCsv(Path file) throws IOException {
        int n = 0;
        try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            while (rows.hasNext()) {
                Map<String, String> row = rows.next();
                Document expected = item(n);
                assertEquals("items", row.get("collection"));
                assertEquals(String.valueOf(n), row.get("_id"));
                assertEquals(expected.getString("name"), row.get("name"));
                assertEquals(String.valueOf(expected.getInteger("n")), row.get("n"));
                assertEquals(String.valueOf(expected.getBoolean("even")), row.get("even"));
                assertEquals("big", row.get("tenantId"));
                n++;
            }
        }
        return n;
    }

    private static void check(int i, Map<String, Object> doc) {
        Document expected = item(i);
        assertEquals(expected.getInteger("_id"), doc.get("_id"), "document " + i);
        assertEquals(expected.getString("name"), doc.get("name"), "document " + i);
        assertEquals(expected.getInteger("n"), doc.get("n"), "document " + i);
        assertEquals(expected.getBoolean("even"), doc.get("even"), "document " + i);
        assertEquals("big", doc.get("tenantId"), "document " + i);
    }
}
