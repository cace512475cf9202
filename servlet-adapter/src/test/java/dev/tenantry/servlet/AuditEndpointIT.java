package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.testing.MongoTest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit log endpoints: denied until the application plugs in an authorization check; then list, filter, page,
 * export and verify the current tenant's log only; malformed queries get 400.
 */
@MongoTest
class AuditEndpointIT {

    private static final String[] ADMIN = {"X-Tenant-ID", "acme", WebServer.USER, "ada", WebServer.ROLES, "admin"};
    private static AuditTrail trail;
    private static WebServer web;
    private static WebServer denying;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        trail = AuditTrail.builder(client, database.getName()).build();
        Tenants.run(TenantId.of("acme"), () -> {
            for (int i = 1; i <= 5; i++) {
                trail.record(AuditEvent.of(AuditAction.CREATE).target("invoice", "inv-" + i).actor("ann", "user")
                        .build());
            }
            trail.record(AuditEvent.of(AuditAction.DELETE).target("invoice", "inv-1").actor("bob", "user").build());
            trail.record(AuditEvent.of(AuditAction.LOGIN).actor("bob", "user").denied("wrong password").build());
        });
        Tenants.run(TenantId.of("globex"), () -> trail.record(AuditEvent.of(AuditAction.CREATE)
                .target("invoice", "globex-secret").actor("gil", "user").build()));
        TenantryWebConfig.Builder config = TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .auditTrail(trail);
        denying = WebServer.builder(config.build()).start();
        web = WebServer.builder(config.authorization((request, operation) -> request.isUserInRole("admin")).build())
                .start();
    }

    @AfterAll
    static void stop() {
        web.close();
        denying.close();
        trail.close();
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        return WebServer.json(response);
    }

    private static void badRequest(String path) {
        HttpResponse<String> response = web.get(path, ADMIN);
        assertEquals(400, response.statusCode(), path + ": " + response.body());
        assertEquals(ProblemDetails.TYPE_PREFIX + "bad-request", WebServer.json(response).get("type").asText());
    }

    @Test
    void adminEndpointsAreDeniedByDefault() {
        for (String path : new String[] {"/api/audit", "/api/audit/export?format=csv", "/api/audit/verify"}) {
            HttpResponse<String> response = denying.get(path, ADMIN);
            assertEquals(403, response.statusCode(), path);
            assertEquals(ProblemDetails.TYPE_PREFIX + "forbidden", WebServer.json(response).get("type").asText());
            assertFalse(response.body().contains("inv-"), "nothing of the log leaks: " + response.body());
        }
    }

    @Test
    void callersThePermissionCheckRefusesAreDenied() {
        assertEquals(403, web.get("/api/audit", "X-Tenant-ID", "acme", WebServer.USER, "ann").statusCode());
        assertEquals(403, web.get("/api/audit", "X-Tenant-ID", "acme").statusCode());
    }

    @Test
    void listsTheCurrentTenantsLogOnlyNewestFirst() {
        JsonNode page = ok(web.get("/api/audit", ADMIN));
        assertEquals("acme", page.get("tenant").asText());
        assertEquals(7, page.get("entries").size());
        assertEquals("LOGIN", page.get("entries").get(0).get("action").asText());
        assertFalse(page.toString().contains("globex"), page.toString());
        JsonNode globex = ok(web.get("/api/audit", "X-Tenant-ID", "globex", WebServer.USER, "ada", WebServer.ROLES,
                "admin"));
        assertEquals(1, globex.get("entries").size());
    }

    @Test
    void filtersByActorActionTargetAndOutcome() {
        assertEquals(5, ok(web.get("/api/audit?actor=ann", ADMIN)).get("entries").size());
        assertEquals(1, ok(web.get("/api/audit?action=DELETE", ADMIN)).get("entries").size());
        assertEquals(2, ok(web.get("/api/audit?targetType=invoice&targetId=inv-1", ADMIN)).get("entries").size());
        JsonNode denied = ok(web.get("/api/audit?outcome=denied", ADMIN)).get("entries");
        assertEquals(1, denied.size());
        assertEquals("wrong password", denied.get(0).get("reason").asText());
        assertEquals(0, ok(web.get("/api/audit?from=2999-01-01T00:00:00Z", ADMIN)).get("entries").size());
        assertEquals(7, ok(web.get("/api/audit?to=2999-01-01T00:00:00Z", ADMIN)).get("entries").size());
    }

    @Test
    void pagesWithCursorsReturnEveryEntryOnce() {
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = ok(web.get("/api/audit?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), ADMIN));
            page.get("entries").forEach(entry -> assertTrue(seen.add(entry.get("id").asText())));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(7, seen.size());
        assertEquals(3, pages);
    }

    @Test
    void exportsAsCsvNdjsonAndJson() {
        HttpResponse<String> csv = web.get("/api/audit/export?format=csv&actor=ann", ADMIN);
        assertEquals(200, csv.statusCode(), csv::body);
        assertTrue(csv.headers().firstValue("Content-Type").orElseThrow().startsWith("text/csv"));
        assertTrue(csv.headers().firstValue("Content-Disposition").orElseThrow().contains("audit-acme.csv"));
        assertEquals(6, csv.body().strip().split("\n").length, "a header and five rows: " + csv.body());
        HttpResponse<String> ndjson = web.get("/api/audit/export?format=ndjson", ADMIN);
        assertEquals(7, ndjson.body().strip().split("\n").length);
        assertFalse(ndjson.body().contains("globex-secret"));
        assertEquals(200, web.get("/api/audit/export", ADMIN).statusCode());
    }

    @Test
    void verifiesTheChain() {
        JsonNode result = ok(web.get("/api/audit/verify", ADMIN));
        assertTrue(result.get("intact").asBoolean());
        assertEquals(7, result.get("entriesChecked").asInt());
    }

    @Test
    void malformedQueriesGet400() {
        badRequest("/api/audit?nope=1");
        badRequest("/api/audit?actor=a&actor=b");
        badRequest("/api/audit?action=delete");
        badRequest("/api/audit?outcome=MAYBE");
        badRequest("/api/audit?from=yesterday");
        badRequest("/api/audit?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z");
        badRequest("/api/audit?limit=abc");
        badRequest("/api/audit?limit=0");
        badRequest("/api/audit?limit=100000");
        badRequest("/api/audit?cursor=zzz");
        badRequest("/api/audit?targetId=inv-1");
        badRequest("/api/audit/export?format=xml");
        assertEquals(404, web.get("/api/audit/elsewhere", ADMIN).statusCode());
    }
}
