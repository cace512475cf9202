package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditOutcome;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.directory.TenantStatus;
import dev.tenantry.testing.MongoTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The organization endpoints: admin-only; scheduling a deletion needs the organization's exact name; every change is
 * audited by the directory and every refusal by the endpoint; bad bodies change nothing; and while a deletion is
 * scheduled a signed-in caller still reaches these endpoints (and nothing else), so an administrator can cancel it.
 */
@MongoTest
class OrganizationEndpointIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final String[] ADMIN = {"X-Tenant-ID", "acme", WebServer.USER, "ada", WebServer.ROLES, "admin"};
    private static final String[] STAFF = {"X-Tenant-ID", "acme", WebServer.USER, "sam"};
    private static final String[] ANONYMOUS = {"X-Tenant-ID", "acme"};

    private static AuditTrail trail;
    private static TenantDirectory directory;
    private static Tenants.Registration guard;
    private static Tenants.Registration recording;
    private static WebServer web;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        trail = AuditTrail.builder(client, database.getName()).build();
        TenantDatabase data = TenantDatabase.builder(client, database.getName()).collection("notes").build();
        recording = data.addSystemScopeListener(trail.systemScopeListener());
        directory = TenantDirectory.builder(client, database.getName()).cacheFor(Duration.ZERO).auditTrail(trail)
                .tenantDatabase(data).build();
        guard = directory.guardScopes();
        directory.create(ACME, "Acme Ltd", "PRO");
        directory.create(GLOBEX, "Globex", "FREE");
        web = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .tenantDirectory(directory).auditTrail(trail).console(ConsoleSettings.defaults())
                .authorization(AuthorizationCheck.role("admin")).build()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
        guard.close();
        recording.close();
        trail.close();
    }

    @AfterEach
    void acmeIsActiveAgain() {
        if (directory.get(ACME).status() == TenantStatus.DELETION_SCHEDULED) {
            directory.cancelDeletion(ACME);
        }
    }

    private static HttpResponse<String> schedule(String body, String... headers) {
        return web.send(web.request("/api/organization/deletion", headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> cancel(String... headers) {
        return web.send(web.request("/api/organization/deletion", headers).DELETE().build());
    }

    private static void assertProblem(int status, String type, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response::body);
        assertEquals(ProblemDetails.TYPE_PREFIX + type, WebServer.json(response).get("type").asText(),
                response::body);
    }

    /** The newest entries of {@code tenant}'s log about its own record. */
    private static List<AuditEntry> tenantEntries(TenantId tenant) {
        return Tenants.callAsSystem("test reads the log", () -> Tenants.call(tenant, () -> trail.query(
                AuditQuery.all().onTarget("tenant", tenant.value()).withAction(AuditAction.UPDATE)).entries()));
    }

    @Test
    void theRecordIsForTheTenantsAdministratorsOnly() {
        assertProblem(401, "unauthorized", web.get("/api/organization", ANONYMOUS));
        assertProblem(403, "forbidden", web.get("/api/organization", STAFF));
        JsonNode acme = WebServer.json(web.get("/api/organization", ADMIN));
        assertEquals("acme", acme.get("id").asText());
        assertEquals("Acme Ltd", acme.get("name").asText());
        assertEquals("PRO", acme.get("plan").asText());
        assertEquals("ACTIVE", acme.get("status").asText());
        assertFalse(acme.has("deleteScheduledAt"));
        JsonNode globex = WebServer.json(web.get("/api/organization", "X-Tenant-ID", "globex", WebServer.USER, "gil",
                WebServer.ROLES, "admin"));
        assertEquals("Globex", globex.get("name").asText());
        assertFalse(globex.toString().contains("Acme"), globex::toString);
    }

    @Test
    void schedulingNeedsTheOrganizationsExactNameAndEveryAttemptIsAudited() {
        int before = tenantEntries(ACME).size();
        assertProblem(400, "confirmation-mismatch", schedule("{\"retentionDays\":30,\"confirm\":\"acme ltd\"}", ADMIN));
        assertProblem(403, "forbidden", schedule("{\"retentionDays\":30,\"confirm\":\"Acme Ltd\"}", STAFF));
        assertEquals(TenantStatus.ACTIVE, directory.get(ACME).status(), "refusals change nothing");

        Instant asked = Instant.now();
        HttpResponse<String> scheduled = schedule("{\"retentionDays\":30,\"confirm\":\"Acme Ltd\"}", ADMIN);
        assertEquals(200, scheduled.statusCode(), scheduled::body);
        JsonNode body = WebServer.json(scheduled);
        assertEquals("DELETION_SCHEDULED", body.get("status").asText());
        Instant due = Instant.parse(body.get("deleteScheduledAt").asText());
        assertTrue(!due.isBefore(asked.plus(Duration.ofDays(30)).minusSeconds(5))
                && !due.isAfter(Instant.now().plus(Duration.ofDays(30))), due::toString);
        assertEquals(TenantStatus.DELETION_SCHEDULED, directory.get(ACME).status());

        List<AuditEntry> entries = tenantEntries(ACME);
        assertEquals(before + 3, entries.size(), entries::toString);
        AuditEntry done = entries.get(0);
        assertEquals("ada", done.actorId());
        assertEquals(AuditOutcome.SUCCESS, done.event().outcome());
        assertTrue(done.event().summary().contains("deletion scheduled"), done::toString);
        AuditEntry denied = entries.get(1);
        assertEquals("sam", denied.actorId());
        assertEquals(AuditOutcome.DENIED, denied.event().outcome());
        AuditEntry mismatch = entries.get(2);
        assertEquals("ada", mismatch.actorId());
        assertEquals(AuditOutcome.FAILURE, mismatch.event().outcome());
        assertTrue(mismatch.event().reason().contains("confirmation"), mismatch::toString);
    }

    @Test
    void badBodiesAreRefusedAndChangeNothing() {
        for (String body : List.of("{\"retentionDays\":0,\"confirm\":\"Acme Ltd\"}",
                "{\"retentionDays\":3651,\"confirm\":\"Acme Ltd\"}", "{\"retentionDays\":\"30\",\"confirm\":\"Acme Ltd\"}",
                "{\"retentionDays\":1.5,\"confirm\":\"Acme Ltd\"}", "{\"retentionDays\":99999999999,\"confirm\":\"x\"}",
                "{\"confirm\":\"Acme Ltd\"}", "{\"retentionDays\":30}", "{\"retentionDays\":30,\"confirm\":7}",
                "{\"retentionDays\":30,\"confirm\":\"Acme Ltd\",\"now\":true}", "[30]", "null", "{")) {
            assertProblem(400, "bad-request", schedule(body, ADMIN));
        }
        HttpResponse<String> notJson = web.send(web.request("/api/organization/deletion", ADMIN)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("30")).build());
        assertProblem(415, "unsupported-media-type", notJson);
        assertProblem(405, "method-not-allowed", web.send(web.request("/api/organization", ADMIN)
                .DELETE().build()));
        assertProblem(404, "not-found", web.get("/api/organization/elsewhere", ADMIN));
        assertEquals(TenantStatus.ACTIVE, directory.get(ACME).status());
    }

    @Test
    void whileDeletionIsScheduledItsAdminsReachTheOrganizationAndCancelButNothingElse() {
        assertEquals(200, schedule("{\"retentionDays\":7,\"confirm\":\"Acme Ltd\"}", ADMIN).statusCode());

        // the organization lane: signed-in callers only, and only these paths
        JsonNode shown = WebServer.json(web.get("/api/organization", ADMIN));
        assertEquals("DELETION_SCHEDULED", shown.get("status").asText(), shown::toString);
        JsonNode context = WebServer.json(web.get("/admin/context", ADMIN));
        assertEquals("DELETION_SCHEDULED", context.get("organization").get("status").asText(), context::toString);
        assertProblem(403, "tenant-inactive", web.get("/api/organization", ANONYMOUS));
        assertProblem(403, "tenant-inactive", web.get("/api/audit", ADMIN));
        assertProblem(403, "forbidden", web.get("/api/organization", STAFF));
        assertProblem(403, "forbidden", cancel(STAFF));
        assertProblem(409, "conflict", schedule("{\"retentionDays\":7,\"confirm\":\"Acme Ltd\"}", ADMIN));
        assertEquals(TenantStatus.DELETION_SCHEDULED, directory.get(ACME).status());

        HttpResponse<String> cancelled = cancel(ADMIN);
        assertEquals(200, cancelled.statusCode(), cancelled::body);
        assertEquals("ACTIVE", WebServer.json(cancelled).get("status").asText());
        assertNull(directory.get(ACME).deleteScheduledAt());
        assertProblem(409, "conflict", cancel(ADMIN));
        assertEquals(200, web.get("/api/audit", ADMIN).statusCode(), "in use again");

        List<AuditEntry> entries = tenantEntries(ACME);
        assertEquals(AuditOutcome.FAILURE, entries.get(0).event().outcome(), "the second cancel, refused");
        assertTrue(entries.get(1).event().summary().contains("deletion cancelled"), entries::toString);
        assertEquals("ada", entries.get(1).actorId());
        assertEquals(AuditOutcome.DENIED, entries.get(3).event().outcome(), "sam's cancel, refused");
    }
}
