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
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.testing.MongoTest;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each resolver over real HTTP, their order, and every refusal as problem details that tell nothing of others. */
@MongoTest
class TenantResolutionIT {

    private static WebServer web;
    private static WebServer firstWins;
    private static MongoClient mongo;
    private static String databaseName;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        mongo = client;
        databaseName = database.getName();
        TenantDirectory directory = TenantDirectory.builder(client, database.getName()).build();
        directory.create(TenantId.of("acme"), "Acme", "FREE");
        directory.create(TenantId.of("globex"), "Globex", "FREE");
        directory.create(TenantId.of("initech"), "Initech", "FREE");
        directory.suspend(TenantId.of("initech"));
        directory.create(TenantId.of("umbrella"), "Umbrella", "FREE");
        directory.scheduleDeletion(TenantId.of("umbrella"), Duration.ofDays(30));
        TenantryWebConfig.Builder config = TenantryWebConfig.builder()
                .tenantResolvers(TenantResolver.header(), TenantResolver.pathPrefix("/t/"),
                        TenantResolver.subdomain("example.test"),
                        TenantResolver.requestAttribute(WebServer.TENANT_ATTRIBUTE),
                        TenantResolver.principal(p -> p.getName().contains("@")
                                ? p.getName().substring(p.getName().indexOf('@') + 1) : null))
                .tenantOptional("/public/*")
                // A signed-in user may act only in the tenant after the '@' of their name.
                .tenantAccess((request, tenant) -> request.getUserPrincipal() == null
                        || request.getUserPrincipal().getName().endsWith("@" + tenant.value()))
                .tenantDirectory(directory);
        web = WebServer.builder(config.build()).servlet("/probe/*", new ProbeServlet())
                .servlet("/t/*", new ProbeServlet()).servlet("/public/*", new ProbeServlet()).start();
        firstWins = WebServer.builder(config.tenantResolversMustAgree(false).build())
                .servlet("/probe/*", new ProbeServlet()).servlet("/t/*", new ProbeServlet()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
        firstWins.close();
    }

    private static String tenantSeen(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        JsonNode seen = WebServer.json(response);
        return seen.get("tenant").isNull() ? null : seen.get("tenant").asText();
    }

    private static JsonNode problem(HttpResponse<String> response, int status, String type) {
        assertEquals(status, response.statusCode(), response::body);
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow()
                .split(";")[0]);
        JsonNode body = WebServer.json(response);
        assertEquals(ProblemDetails.TYPE_PREFIX + type, body.get("type").asText());
        assertEquals(status, body.get("status").asInt());
        assertFalse(body.get("title").asText().isBlank());
        assertFalse(body.get("detail").asText().isBlank());
        assertEquals(response.headers().firstValue("X-Request-ID").orElseThrow(), body.get("requestId").asText());
        return body;
    }

    @Test
    void headerNamesTheTenant() {
        assertEquals("acme", tenantSeen(web.get("/probe/x", "X-Tenant-ID", "acme")));
    }

    @Test
    void pathPrefixNamesTheTenant() {
        assertEquals("globex", tenantSeen(web.get("/t/globex/invoices")));
    }

    @Test
    void subdomainNamesTheTenant() {
        String response = web.raw("GET /probe/x HTTP/1.1\r\nHost: GLOBEX.Example.Test\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\"tenant\":\"globex\""), response);
    }

    @Test
    void hostsNotDirectlyUnderTheParentDomainResolveNothing() {
        for (String host : new String[] {"example.test", "a.globex.example.test", "globex.example.test.evil"}) {
            String response = web.raw("GET /probe/x HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 400"), host + ": " + response);
            assertTrue(response.contains("missing-tenant"), response);
        }
    }

    @Test
    void requestAttributeSetByTheApplicationNamesTheTenant() {
        assertEquals("acme", tenantSeen(web.get("/probe/x", WebServer.TENANT_ATTRIBUTE_HEADER, "acme")));
    }

    @Test
    void principalNamesTheTenant() {
        assertEquals("globex", tenantSeen(web.get("/probe/x", WebServer.USER, "bob@globex")));
    }

    @Test
    void resolversThatDisagreeAre400ByDefault() {
        problem(web.get("/t/acme/x", "X-Tenant-ID", "globex"), 400, "conflicting-tenant");
        problem(web.get("/t/acme/x", WebServer.TENANT_ATTRIBUTE_HEADER, "globex"), 400, "conflicting-tenant");
        String raw = web.raw("GET /probe/x HTTP/1.1\r\nHost: globex.example.test\r\nX-Tenant-ID: acme\r\n"
                + "Connection: close\r\n\r\n");
        assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
        assertTrue(raw.contains("conflicting-tenant"), raw);
        assertFalse(raw.contains("acme") || raw.contains("globex"), "names neither tenant: " + raw);
        assertEquals("acme", tenantSeen(web.get("/t/acme/x", "X-Tenant-ID", "acme")), "agreeing resolvers are fine");
    }

    @Test
    void resolversAreTriedInTheConfiguredOrderWhenTheyNeedNotAgree() {
        assertEquals("globex", tenantSeen(firstWins.get("/t/acme/x", "X-Tenant-ID", "globex")),
                "the header comes before the path");
        assertEquals("acme", tenantSeen(firstWins.get("/t/acme/x", WebServer.TENANT_ATTRIBUTE_HEADER, "globex")),
                "the path comes before the attribute");
        String raw = firstWins.raw("GET /probe/x HTTP/1.1\r\nHost: globex.example.test\r\nX-Tenant-ID: acme\r\n"
                + "Connection: close\r\n\r\n");
        assertTrue(raw.contains("\"tenant\":\"acme\""), raw);
    }

    @Test
    void customResolverAnswersInItsTurn() {
        TenantryWebConfig config = TenantryWebConfig.builder()
                .tenantResolvers(request -> request.getParameter("org")).build();
        try (WebServer own = WebServer.builder(config).servlet("/probe/*", new ProbeServlet()).start()) {
            assertEquals("acme", tenantSeen(own.get("/probe/x?org=acme")));
            problem(own.get("/probe/x"), 400, "missing-tenant");
        }
    }

    @Test
    void pathsAreReadWithinTheApplicationUnderAContextPath() {
        TenantryWebConfig config = TenantryWebConfig.builder().tenantResolvers(TenantResolver.pathPrefix("/t/"))
                .build();
        try (WebServer own = WebServer.builder(config).contextPath("/shop").servlet("/t/*", new ProbeServlet())
                .start()) {
            assertEquals("acme", tenantSeen(own.get("/shop/t/acme/cart")));
            problem(own.get("/shop/x/acme/cart"), 400, "missing-tenant");
        }
    }

    @Test
    void missingTenantIs400() {
        JsonNode body = problem(web.get("/probe/x"), 400, "missing-tenant");
        assertEquals("Tenant required", body.get("title").asText());
    }

    @Test
    void invalidTenantIdIs400NamingTheRule() {
        JsonNode body = problem(web.get("/probe/x", "X-Tenant-ID", "Acme"), 400, "invalid-tenant");
        assertTrue(body.get("detail").asText().contains("upper-case"), body.toString());
        problem(web.get("/probe/x", "X-Tenant-ID", "a".repeat(49)), 400, "invalid-tenant");
        problem(web.get("/probe/x", "X-Tenant-ID", "acme.corp"), 400, "invalid-tenant");
        problem(web.get("/t/-acme/x"), 400, "invalid-tenant");
    }

    @Test
    void twoTenantHeadersAre400() {
        String response = web.raw("GET /probe/x HTTP/1.1\r\nHost: localhost\r\nX-Tenant-ID: acme\r\n"
                + "X-Tenant-ID: globex\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 400"), response);
        assertTrue(response.contains("invalid-tenant"), response);
    }

    @Test
    void unknownTenantIs404() {
        JsonNode body = problem(web.get("/probe/x", "X-Tenant-ID", "nosuch"), 404, "unknown-tenant");
        assertFalse(body.toString().contains("nosuch"), "the id is not echoed: " + body);
    }

    @Test
    void suspendedTenantIs403() {
        JsonNode body = problem(web.get("/probe/x", "X-Tenant-ID", "initech"), 403, "tenant-inactive");
        assertTrue(body.get("detail").asText().contains("suspended"), body.toString());
    }

    @Test
    void tenantScheduledForDeletionIs403() {
        JsonNode body = problem(web.get("/probe/x", "X-Tenant-ID", "umbrella"), 403, "tenant-inactive");
        assertTrue(body.get("detail").asText().contains("deletion"), body.toString());
    }

    @Test
    void anotherUsersTenantLooksExactlyLikeAnUnknownOne() {
        // The principal names acme, the header another: with agreement required that is a 400 (conflicting-tenant)
        // whatever the other tenant is; with the first resolver winning, tenantAccess refuses as for an unknown one.
        for (String other : new String[] {"nosuch", "globex", "initech"}) {
            problem(web.get("/probe/x", WebServer.USER, "bob@acme", "X-Tenant-ID", other), 400, "conflicting-tenant");
        }
        WebServer web = firstWins;
        JsonNode unknown = problem(web.get("/probe/x", WebServer.USER, "bob@acme", "X-Tenant-ID", "nosuch"), 404,
                "unknown-tenant");
        JsonNode existing = problem(web.get("/probe/x", WebServer.USER, "bob@acme", "X-Tenant-ID", "globex"), 404,
                "unknown-tenant");
        JsonNode suspended = problem(web.get("/probe/x", WebServer.USER, "bob@acme", "X-Tenant-ID", "initech"), 404,
                "unknown-tenant");
        for (JsonNode other : new JsonNode[] {existing, suspended}) {
            assertEquals(unknown.get("title"), other.get("title"));
            assertEquals(unknown.get("detail"), other.get("detail"));
        }
        assertEquals("acme", tenantSeen(web.get("/probe/x", WebServer.USER, "bob@acme", "X-Tenant-ID", "acme")));
    }

    @Test
    void tenantSuspendedAfterTheLookUpIsRefusedByTheScopeGuardWith403() {
        // The filter's directory still holds the tenant as active in its cache; another instance suspends it, and
        // the guard of the tenant database, which reads without a cache, refuses the application's first operation
        // on the tenant's data before anything is sent.
        TenantDatabase notes = TenantDatabase.builder(mongo, databaseName).collection("notes").build();
        TenantDirectory cached = TenantDirectory.builder(mongo, databaseName).cacheFor(Duration.ofHours(1)).build();
        TenantDirectory fresh = TenantDirectory.builder(mongo, databaseName).cacheFor(Duration.ZERO)
                .tenantDatabase(notes).build();
        fresh.create(TenantId.of("hooli"), "Hooli", "FREE");
        TenantryWebConfig config = TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .tenantDirectory(cached).build();
        HttpServlet counting = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().print(notes.getCollection("notes").countDocuments());
            }
        };
        Tenants.Registration strict = fresh.guardScopes();
        try (WebServer own = WebServer.builder(config).servlet("/count/*", counting).start()) {
            HttpResponse<String> counted = own.get("/count/x", "X-Tenant-ID", "hooli");
            assertEquals(200, counted.statusCode(), counted::body);
            assertEquals("0", counted.body());
            fresh.suspend(TenantId.of("hooli"));
            JsonNode body = problem(own.get("/count/x", "X-Tenant-ID", "hooli"), 403, "tenant-inactive");
            assertTrue(body.get("detail").asText().contains("suspended"), body.toString());
        } finally {
            strict.close();
        }
    }

    @Test
    void tenantOptionalPathsServeWithoutATenantButStillCheckOne() {
        assertEquals(null, tenantSeen(web.get("/public/x")));
        assertEquals("acme", tenantSeen(web.get("/public/x", "X-Tenant-ID", "acme")));
        problem(web.get("/public/x", "X-Tenant-ID", "BAD"), 400, "invalid-tenant");
        problem(web.get("/public/x", "X-Tenant-ID", "initech"), 403, "tenant-inactive");
    }

    @Test
    void applicationReadsTheTenantOffTheRequestToo() {
        HttpResponse<String> response = web.get("/probe/x", "X-Tenant-ID", "acme");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("X-Request-ID").isPresent());
    }
}
