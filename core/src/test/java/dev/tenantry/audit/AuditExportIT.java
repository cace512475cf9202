package dev.tenantry.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.ExportFormat;
import dev.tenantry.testing.MongoTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@MongoTest
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class AuditExportIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final MongoClient client;
    private final MongoDatabase database;
    private AuditTrail trail;

    AuditExportIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @org.junit.jupiter.api.BeforeAll
    void record() {
        AuditTrail writer = AuditTrail.builder(client, database.getName()).asynchronous().build();
        Tenants.run(ACME, () -> {
            for (int i = 0; i < 2500; i++) {
                writer.record(AuditEvent.of(i % 2 == 0 ? AuditAction.LOGIN : AuditAction.UPDATE)
                        .target("customers", "c" + i).actor("u" + (i % 7), "user").build());
            }
            writer.record(AuditEvent.of(AuditAction.UPDATE).target("customers", "=HYPERLINK(\"http://x\")")
                    .summary("+cmd|' /C calc'!A0").actor("@mallory", "user").build());
        });
        Tenants.run(GLOBEX, () -> writer.record(AuditAction.LOGIN, "session", "g1"));
        writer.close();
        trail = AuditTrail.builder(client, database.getName()).build();
    }

    @org.junit.jupiter.api.AfterAll
    void close() {
        trail.close();
    }

    private String export(AuditQuery query, ExportFormat format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long count = Tenants.call(ACME, () -> trail.export(query, format, out));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(count > 0);
        return text;
    }

    @Test
    void ndjsonHoldsOneEntryPerLineNewestFirst() throws IOException {
        String text = export(AuditQuery.all(), ExportFormat.NDJSON);
        List<JsonNode> rows = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(text)) {
            it.forEachRemaining(rows::add);
        }
        assertEquals(2501, rows.size(), "every entry across three pages");
        assertEquals(2501, text.split("\n").length);
        assertEquals(2501, rows.get(0).get("sequence").asLong());
        assertEquals(1, rows.get(2500).get("sequence").asLong());
        rows.forEach(r -> assertEquals("acme", r.get("tenant").asText()));
        assertEquals("=HYPERLINK(\"http://x\")", rows.get(0).get("targetId").asText(), "JSON keeps values as they are");
    }

    @Test
    void jsonIsOneArrayAndFiltersApply() throws IOException {
        String text = export(AuditQuery.all().withAction(AuditAction.LOGIN).byActor("u0"), ExportFormat.JSON);
        JsonNode array = new ObjectMapper().readTree(text);
        assertTrue(array.isArray());
        array.forEach(r -> {
            assertEquals("LOGIN", r.get("action").asText());
            assertEquals("u0", r.get("actorId").asText());
        });
        assertEquals(179, array.size()); // i even and i % 7 == 0, i < 2500
    }

    @Test
    void csvHasAHeaderAndEscapesFormulaCells() throws IOException {
        String text = export(AuditQuery.all(), ExportFormat.CSV);
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(text)) {
            it.forEachRemaining(rows::add);
        }
        assertEquals(2501, rows.size());
        Map<String, String> hostile = rows.get(0);
        assertEquals("'=HYPERLINK(\"http://x\")", hostile.get("targetId"));
        assertEquals("'+cmd|' /C calc'!A0", hostile.get("summary"));
        assertEquals("'@mallory", hostile.get("actorId"));
        assertEquals("acme", rows.get(2500).get("tenant"));
    }

    @Test
    void exportNeedsATenantAndNeverIncludesAnotherOne() {
        assertThrows(MissingTenantException.class, () -> trail.export(AuditQuery.all(), ExportFormat.NDJSON,
                new ByteArrayOutputStream()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, Tenants.call(GLOBEX, () -> trail.export(AuditQuery.all(), ExportFormat.NDJSON, out)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"tenant\":\"globex\""));
        assertTrue(!out.toString(StandardCharsets.UTF_8).contains("acme"));
    }
}
