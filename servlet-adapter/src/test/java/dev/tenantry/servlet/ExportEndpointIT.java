package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.DataExports;
import dev.tenantry.ExportFormat;
import dev.tenantry.export.ExportScope;
import dev.tenantry.testing.MongoTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Data exports over HTTP: request, status, history and download; a user exports their own data, the whole tenant
 * only with permission; nobody sees another's export; malformed requests get a 4xx and create nothing. Exports run on
 * an executor the test drives, so each step is observed without waiting.
 */
@MongoTest
class ExportEndpointIT {

    private static final Queue<Runnable> QUEUED = new ConcurrentLinkedQueue<>();
    private static DataExports exports;
    private static WebServer web;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        TenantDatabase tenantDatabase = TenantDatabase.builder(client, database.getName()).collection("notes").build();
        exports = DataExports.builder(client, database.getName(), tenantDatabase).userReference("notes", "owner")
                .maxActivePerRequester(1000).maxActivePerTenant(1000) // these tests leave many exports pending
                .build();
        Tenants.run(TenantId.of("acme"), () -> tenantDatabase.getCollection("notes").insertMany(List.of(
                new Document("owner", "ann").append("text", "ann's note"),
                new Document("owner", "bob").append("text", "bob's note").append("password", "hunter2"))));
        Tenants.run(TenantId.of("globex"), () -> tenantDatabase.getCollection("notes").insertOne(
                new Document("owner", "ann").append("text", "globex note")));
        web = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .dataExports(exports).exportExecutor(QUEUED::add)
                .authorization((request, operation) -> request.isUserInRole("admin")).build()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @BeforeEach
    void runNothingLeftOver() {
        QUEUED.clear();
    }

    private static String[] as(String user, String... more) {
        String[] headers = new String[4 + more.length];
        headers[0] = "X-Tenant-ID";
        headers[1] = "acme";
        headers[2] = WebServer.USER;
        headers[3] = user;
        System.arraycopy(more, 0, headers, 4, more.length);
        return headers;
    }

    private static HttpResponse<String> post(String body, String contentType, String... headers) {
        HttpRequest.Builder request = web.request("/api/exports", headers).POST(HttpRequest.BodyPublishers.ofString(
                body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return web.send(request.build());
    }

    private static JsonNode requested(HttpResponse<String> response) {
        assertEquals(202, response.statusCode(), response::body);
        JsonNode export = WebServer.json(response);
        assertEquals("PENDING", export.get("status").asText());
        assertEquals("/api/exports/" + export.get("id").asText(), response.headers().firstValue("Location")
                .orElseThrow());
        return export;
    }

    private static void runQueued() {
        for (Runnable run; (run = QUEUED.poll()) != null; ) {
            run.run();
        }
    }

    private static int historySize(String user) {
        HttpResponse<String> response = web.get("/api/exports?limit=100", as(user));
        assertEquals(200, response.statusCode(), response::body);
        return WebServer.json(response).get("exports").size();
    }

    @Test
    void userExportsTheirOwnDataAndDownloadsItOnceCompleted() {
        JsonNode export = requested(post("{\"format\":\"ndjson\"}", "application/json", as("ann")));
        String id = export.get("id").asText();
        assertEquals("user", export.get("scope").asText());
        assertEquals("ann", export.get("requestedBy").asText());
        assertEquals(409, web.get("/api/exports/" + id + "/download", as("ann")).statusCode(), "not run yet");

        runQueued();
        JsonNode done = WebServer.json(web.get("/api/exports/" + id, as("ann")));
        assertEquals("COMPLETED", done.get("status").asText(), done::toString);
        HttpResponse<String> download = web.get("/api/exports/" + id + "/download", as("ann"));
        assertEquals(200, download.statusCode(), download::body);
        assertTrue(download.headers().firstValue("Content-Type").orElseThrow().startsWith("application/x-ndjson"));
        assertTrue(download.body().contains("ann's note"), download.body());
        assertFalse(download.body().contains("bob's note"), "only the user's own data");
        assertFalse(download.body().contains("globex note"), "only the tenant's data");
    }

    @Test
    void wholeTenantExportNeedsPermission() {
        HttpResponse<String> refused = post("{\"scope\":\"tenant\"}", "application/json", as("ann"));
        assertEquals(403, refused.statusCode());
        assertTrue(QUEUED.isEmpty(), "nothing was started");

        JsonNode export = requested(post("{\"scope\":\"tenant\",\"format\":\"csv\"}", "application/json",
                as("ada", WebServer.ROLES, "admin")));
        runQueued();
        HttpResponse<String> download = web.get("/api/exports/" + export.get("id").asText() + "/download",
                as("ada", WebServer.ROLES, "admin"));
        assertEquals(200, download.statusCode(), download::body);
        assertTrue(download.body().contains("ann's note") && download.body().contains("bob's note"));
        assertFalse(download.body().contains("hunter2"), "secret fields are never exported");
        assertFalse(download.body().contains("globex note"));
    }

    @Test
    void nobodySeesAnotherUsersExportButAnAdministrator() {
        String id = requested(post("", null, as("ann"))).get("id").asText();
        runQueued();
        for (String path : new String[] {"/api/exports/" + id, "/api/exports/" + id + "/download"}) {
            HttpResponse<String> response = web.get(path, as("bob"));
            assertEquals(404, response.statusCode(), path);
            assertFalse(response.body().contains("ann"), response.body());
            assertEquals(200, web.get(path, as("ada", WebServer.ROLES, "admin")).statusCode(), path);
        }
        HttpResponse<String> otherTenant = web.get("/api/exports/" + id, "X-Tenant-ID", "globex", WebServer.USER,
                "ann", WebServer.ROLES, "admin");
        assertEquals(404, otherTenant.statusCode(), "another tenant's export does not exist here");
        JsonNode bobs = WebServer.json(web.get("/api/exports", as("bob")));
        bobs.get("exports").forEach(e -> assertEquals("bob", e.get("requestedBy").asText()));
    }

    @Test
    void aUsersHistoryReachesPastAnyNumberOfNewerExportsByOthers() {
        String carls = requested(post("", null, as("carl"))).get("id").asText();
        Tenants.run(TenantId.of("acme"), () -> {
            for (int i = 0; i < 101; i++) { // more than the endpoint's largest page
                exports.request(ExportScope.user("dora"), ExportFormat.JSON, "dora");
            }
        });
        JsonNode history = WebServer.json(web.get("/api/exports", as("carl"))).get("exports");
        assertEquals(1, history.size(), history::toString);
        assertEquals(carls, history.get(0).get("id").asText());
        assertEquals(100, historySize("dora"));
    }

    @Test
    void anonymousCallersAreRefused() {
        // 401, as every endpoint answers an anonymous caller, with the challenge and as a problem
        for (var response : java.util.List.of(post("{}", "application/json", "X-Tenant-ID", "acme"),
                web.get("/api/exports", "X-Tenant-ID", "acme"), web.get("/api/exports/0123456789abcdef01234567",
                "X-Tenant-ID", "acme"))) {
            assertEquals(401, response.statusCode());
            assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertTrue(response.body().contains(ProblemDetails.TYPE_PREFIX + "unauthorized"), response.body());
        }
    }

    /**
     * A body over the limit is refused with 413, and the sender gets that answer: the endpoint reads and drops what it
     * refused (up to a cap) rather than closing the connection while the client is still sending, which the client
     * sees as a broken pipe instead of an answer. Bodies of 20 KB and 1 MiB, each sent with its length and chunked.
     */
    @Test
    void aSenderOfABodyOverTheLimitReadsThe413() {
        int before = historySize("ann");
        for (int size : new int[] {20_000, 1 << 20}) {
            String body = "{\"format\":\"" + "x".repeat(size) + "\"}";
            assertEquals(413, post(body, "application/json", as("ann")).statusCode(), size + " bytes");
            HttpRequest chunked = web.request("/api/exports", as("ann")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                            body.getBytes(StandardCharsets.UTF_8)))).build();
            assertEquals(413, web.send(chunked).statusCode(), size + " bytes, chunked");
        }
        assertEquals(before, historySize("ann"), "no export was recorded");
    }

    @Test
    void malformedRequestsGet4xxAndCreateNothing() {
        int before = historySize("ann");
        assertEquals(400, post("{\"format\":", "application/json", as("ann")).statusCode());
        assertEquals(400, post("{\"format\":\"json\"} {}", "application/json", as("ann")).statusCode());
        assertEquals(400, post("{\"format\":\"json\",\"format\":\"csv\"}", "application/json", as("ann"))
                .statusCode());
        assertEquals(400, post("[]", "application/json", as("ann")).statusCode());
        assertEquals(400, post("{\"format\":\"xml\"}", "application/json", as("ann")).statusCode());
        assertEquals(400, post("{\"scope\":\"everyone\"}", "application/json", as("ann")).statusCode());
        assertEquals(400, post("{\"scope\":1}", "application/json", as("ann")).statusCode());
        assertEquals(400, post("{\"owner\":\"bob\"}", "application/json", as("ann")).statusCode());
        assertEquals(415, post("format=json", "application/x-www-form-urlencoded", as("ann")).statusCode());
        assertEquals(413, post("{\"format\":\"" + "x".repeat(20_000) + "\"}", "application/json", as("ann"))
                .statusCode());
        assertEquals(before, historySize("ann"), "no export was recorded");
        assertTrue(QUEUED.isEmpty(), "nothing was started");

        assertEquals(400, web.get("/api/exports/not-an-id", as("ann")).statusCode());
        assertEquals(404, web.get("/api/exports/0123456789abcdef01234567", as("ann")).statusCode());
        assertEquals(404, web.get("/api/exports/0123456789abcdef01234567/elsewhere", as("ann")).statusCode());
        assertEquals(400, web.get("/api/exports?limit=0", as("ann")).statusCode());
        assertEquals(400, web.get("/api/exports?limit=many", as("ann")).statusCode());
        HttpResponse<String> delete = web.send(web.request("/api/exports", as("ann")).DELETE().build());
        assertEquals(405, delete.statusCode());
    }
}
