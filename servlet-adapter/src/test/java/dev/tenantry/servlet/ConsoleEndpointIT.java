package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.session.StartedSession;
import dev.tenantry.session.UserSessions;
import dev.tenantry.testing.MongoTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin console as served: its pages and assets come from the jar to anyone (they hold no data), without a tenant,
 * under the console's strict Content-Security-Policy; nothing else of the jar is reachable through it; its context says
 * who the caller is and shows endpoints and the organization only to callers permitted to use the console there; and
 * it is off unless configured.
 */
@MongoTest
class ConsoleEndpointIT {

    private static final String[] ADMIN = {"X-Tenant-ID", "acme", WebServer.USER, "ada", WebServer.ROLES, "admin"};
    private static final String[] STAFF = {"X-Tenant-ID", "acme", WebServer.USER, "sam"};

    private static AuditTrail trail;
    private static UserSessions sessions;
    private static TenantDirectory directory;
    private static WebServer web;
    private static WebServer mounted;
    private static WebServer off;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        trail = AuditTrail.builder(client, database.getName()).build();
        sessions = UserSessions.builder(client, database.getName()).build();
        directory = TenantDirectory.builder(client, database.getName()).cacheFor(Duration.ZERO).build();
        directory.create(TenantId.of("acme"), "Acme Ltd", "PRO");
        directory.create(TenantId.of("frozen"), "Frozen", "PRO");
        directory.suspend(TenantId.of("frozen"));
        TenantryWebConfig.Builder config = TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .tenantDirectory(directory).auditTrail(trail).userSessions(sessions)
                .authorization(AuthorizationCheck.role("admin"));
        off = WebServer.builder(config.build()).start();
        web = WebServer.builder(config.console(ConsoleSettings.builder().signInEndpoint("/api/login")
                .tenantHeader("X-Tenant-ID").build()).build()).start();
        mounted = WebServer.builder(config.console(ConsoleSettings.builder().path("/ops/console").build()).build())
                .contextPath("/app").start();
    }

    @AfterAll
    static void stop() {
        web.close();
        mounted.close();
        off.close();
        trail.close();
    }

    private static void assertConsoleFile(HttpResponse<String> response, String type) {
        assertEquals(200, response.statusCode(), response::body);
        assertEquals(ConsoleSettings.CONTENT_SECURITY_POLICY,
                response.headers().firstValue("Content-Security-Policy").orElse(null));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(type),
                () -> response.headers().map().toString());
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
    }

    @Test
    void everyPageIsTheSameShellUnderTheStrictPolicyWithoutATenant() {
        String shell = null;
        for (String page : List.of("/admin/", "/admin/audit", "/admin/exports", "/admin/sessions",
                "/admin/organization", "/admin/sign-in")) {
            HttpResponse<String> response = web.get(page);
            assertConsoleFile(response, "text/html");
            if (shell == null) {
                shell = response.body();
            }
            assertEquals(shell, response.body(), page);
        }
        assertTrue(shell.contains("data-base=\"/admin\"") && shell.contains("data-tenant-header=\"X-Tenant-ID\""),
                shell);
        assertTrue(shell.contains("<script type=\"module\" src=\"/admin/assets/app.js\"></script>"), shell);
        // a tenant the request names is neither needed nor checked for static files: unknown, suspended, malformed
        for (String tenant : List.of("nosuch", "frozen", "NOT A TENANT")) {
            assertConsoleFile(web.get("/admin/audit", "X-Tenant-ID", tenant), "text/html");
        }
        HttpResponse<String> bare = web.get("/admin?x=1");
        assertEquals(302, bare.statusCode());
        assertEquals("/admin/?x=1", bare.headers().firstValue("Location").orElse(null));
    }

    @Test
    void assetsAreServedWithTheirTypesAndRevalidatedByTheirTags() {
        assertConsoleFile(web.get("/admin/assets/app.js"), "text/javascript");
        assertConsoleFile(web.get("/admin/assets/console.css"), "text/css");
        assertConsoleFile(web.get("/admin/assets/favicon.svg"), "image/svg+xml");
        HttpResponse<String> first = web.get("/admin/assets/app.js");
        String tag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = web.get("/admin/assets/app.js", "If-None-Match", tag);
        assertEquals(304, again.statusCode());
        assertNotEquals(tag, web.get("/admin/assets/dom.js").headers().firstValue("ETag").orElseThrow());
        HttpResponse<String> head = web.send(web.request("/admin/assets/app.js").method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void nothingElseOfTheJarIsReachable() {
        for (String path : List.of("/admin/assets/nosuch.js", "/admin/assets/App.js", "/admin/assets/app.js.map",
                "/admin/assets/..%2Findex.html", "/admin/assets/%2e%2e/%2e%2e/ConsoleServlet.class",
                "/admin/assets/../../dev/tenantry/servlet/internal/ConsoleServlet.class", "/admin/index.html",
                "/admin/assets/", "/admin/assets/x.class", "/admin/elsewhere")) {
            HttpResponse<String> response = web.get(path, ADMIN);
            assertTrue(response.statusCode() >= 400, path + " answered " + response.statusCode());
            assertFalse(response.body().contains("import ") || response.body().contains("\u00ca\u00fe"), path);
        }
        assertEquals(405, web.send(web.request("/admin/audit").POST(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode());
    }

    @Test
    void theContextShowsEndpointsAndTheOrganizationOnlyToPermittedCallers() {
        JsonNode nobody = WebServer.json(web.get("/admin/context"));
        assertTrue(nobody.get("tenant").isNull() && nobody.get("user").isNull(), nobody::toString);
        assertEquals("/api/login", nobody.get("console").get("signIn").asText());
        assertEquals("X-Tenant-ID", nobody.get("console").get("tenantHeader").asText());
        assertFalse(nobody.get("permitted").asBoolean());

        JsonNode anonymous = WebServer.json(web.get("/admin/context", "X-Tenant-ID", "acme"));
        assertEquals("acme", anonymous.get("tenant").asText());
        assertFalse(anonymous.get("permitted").asBoolean());
        assertFalse(anonymous.has("endpoints") || anonymous.has("organization"), anonymous::toString);

        JsonNode staff = WebServer.json(web.get("/admin/context", STAFF));
        assertEquals("sam", staff.get("user").asText());
        assertFalse(staff.get("permitted").asBoolean());
        assertFalse(staff.has("endpoints") || staff.has("organization") || staff.toString().contains("Acme Ltd"),
                staff::toString);

        StartedSession session = Tenants.call(TenantId.of("acme"), () -> sessions.start("ada", "192.0.2.1", "ua"));
        JsonNode admin = WebServer.json(web.get("/admin/context", WebServer.USER, "ada", WebServer.ROLES, "admin",
                "X-Tenant-ID", "acme", "Authorization", "Bearer " + session.token()));
        assertTrue(admin.get("permitted").asBoolean(), admin::toString);
        assertTrue(admin.get("permissions").get("MANAGE_ORGANIZATION").asBoolean());
        assertEquals("/api/audit", admin.get("endpoints").get("audit").asText());
        assertEquals("/api/organization", admin.get("endpoints").get("organization").asText());
        assertFalse(admin.get("endpoints").has("health"), "no health configured");
        assertEquals("Acme Ltd", admin.get("organization").get("name").asText());
        assertEquals(session.session().id(), admin.get("currentSessionId").asText());

        HttpResponse<String> other = web.get("/admin/context", "X-Tenant-ID", "nosuch", WebServer.USER, "ada",
                WebServer.ROLES, "admin");
        assertEquals(404, other.statusCode(), "an unknown tenant is refused as everywhere");
    }

    @Test
    void aMountedConsoleKnowsItsContextPath() {
        HttpResponse<String> page = mounted.get("/app/ops/console/audit");
        assertConsoleFile(page, "text/html");
        assertTrue(page.body().contains("data-base=\"/app/ops/console\"") && page.body()
                .contains("src=\"/app/ops/console/assets/app.js\""), page::body);
        assertTrue(page.body().contains("data-tenant-header=\"\""), "no tenant header configured");
        JsonNode context = WebServer.json(mounted.get("/app/ops/console/context", ADMIN));
        assertEquals("/app/ops/console", context.get("console").get("base").asText());
        assertEquals("/app/api/audit", context.get("endpoints").get("audit").asText());
        assertTrue(context.get("console").get("signIn").isNull());
    }

    @Test
    void theConsoleIsOffUnlessConfigured() {
        for (String path : List.of("/admin/", "/admin/assets/app.js", "/admin/context")) {
            HttpResponse<String> response = off.get(path, ADMIN);
            assertEquals(404, response.statusCode(), path);
            assertFalse(response.body().contains("<html"), path);
        }
    }
}
