package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.testing.MongoTest;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit context of a request: actor, client address (X-Forwarded-For only through trusted proxies), user agent
 * and request id (taken when well formed, generated otherwise, always echoed), and audit entries the application
 * records during the request carry them.
 */
@MongoTest
class RequestContextIT {

    private static AuditTrail trail;
    private static WebServer plain;
    private static WebServer behindProxies;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        trail = AuditTrail.builder(client, database.getName()).build();
        plain = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                        .tenantOptional("/public/*").build())
                .servlet("/probe/*", new ProbeServlet()).servlet("/public/*", new ProbeServlet())
                .servlet("/invoices/*", new RecordingServlet()).start();
        behindProxies = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                        .trustedProxies("127.0.0.1", "10.0.0.0/8", "2001:db8::/32")
                        .actorResolver(request -> request.getHeader("X-Api-Client"))
                        .requestIdHeader("X-Correlation-ID").build())
                .servlet("/probe/*", new ProbeServlet()).start();
    }

    @AfterAll
    static void stop() {
        plain.close();
        behindProxies.close();
        trail.close();
    }

    /** Records a CREATE entry for the invoice, as an application would. */
    static final class RecordingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) {
            trail.record(AuditAction.CREATE, "invoice", request.getPathInfo().substring(1));
            response.setStatus(201);
        }
    }

    private static JsonNode seen(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        return WebServer.json(response);
    }

    @Test
    void actorComesFromThePrincipal() {
        assertEquals("ann", seen(plain.get("/probe/x", "X-Tenant-ID", "acme", WebServer.USER, "ann")).get("actor")
                .asText());
        assertTrue(seen(plain.get("/probe/x", "X-Tenant-ID", "acme")).get("actor").isNull());
    }

    @Test
    void actorComesFromACustomResolver() {
        assertEquals("billing-job", seen(behindProxies.get("/probe/x", "X-Tenant-ID", "acme", "X-Api-Client",
                "billing-job")).get("actor").asText());
    }

    @Test
    void forwardedForIsIgnoredWithoutTrustedProxies() {
        assertEquals("127.0.0.1", seen(plain.get("/probe/x", "X-Tenant-ID", "acme", "X-Forwarded-For",
                "203.0.113.9")).get("ip").asText());
    }

    @Test
    void forwardedForIsFollowedThroughTrustedProxiesOnly() {
        assertEquals("203.0.113.9", seen(behindProxies.get("/probe/x", "X-Tenant-ID", "acme", "X-Forwarded-For",
                "203.0.113.9, 10.1.2.3")).get("ip").asText());
        assertEquals("203.0.113.9", seen(behindProxies.get("/probe/x", "X-Tenant-ID", "acme", "X-Forwarded-For",
                "6.6.6.6, 203.0.113.9")).get("ip").asText(), "what the client wrote left of its address is ignored");
        assertEquals("2001:db9::1", seen(behindProxies.get("/probe/x", "X-Tenant-ID", "acme", "X-Forwarded-For",
                "[2001:db9::1]:4711, 2001:db8::7")).get("ip").asText());
        assertEquals("10.9.9.9", seen(behindProxies.get("/probe/x", "X-Tenant-ID", "acme", "X-Forwarded-For",
                "not-an-address, 10.9.9.9")).get("ip").asText(), "nothing left of a malformed hop is believed");
    }

    @Test
    void userAgentIsKeptAndCutAt512Characters() {
        assertEquals("curl/8.5", seen(plain.get("/probe/x", "X-Tenant-ID", "acme", "User-Agent", "curl/8.5"))
                .get("userAgent").asText());
        assertEquals(512, seen(plain.get("/probe/x", "X-Tenant-ID", "acme", "User-Agent", "u".repeat(2000)))
                .get("userAgent").asText().length());
    }

    @Test
    void theRequestIdIsTheServersOwnAndAWellFormedClientIdIsKeptApart() {
        HttpResponse<String> response = plain.get("/probe/x", "X-Tenant-ID", "acme", "X-Request-ID", "abc-123");
        String echoed = response.headers().firstValue("X-Request-ID").orElseThrow();
        UUID.fromString(echoed);
        JsonNode seen = seen(response);
        assertEquals(echoed, seen.get("requestId").asText());
        assertEquals("abc-123", seen.get("clientRequestId").asText());
        HttpResponse<String> again = plain.get("/probe/x", "X-Tenant-ID", "acme", "X-Request-ID", "abc-123");
        assertNotEquals(echoed, again.headers().firstValue("X-Request-ID").orElseThrow(),
                "a client cannot make two requests share an id");
    }

    @Test
    void missingRequestIdIsGeneratedAndEchoedAlsoOnErrors() {
        HttpResponse<String> ok = plain.get("/probe/x", "X-Tenant-ID", "acme");
        UUID.fromString(ok.headers().firstValue("X-Request-ID").orElseThrow());
        HttpResponse<String> refused = plain.get("/probe/x");
        assertEquals(400, refused.statusCode());
        String id = refused.headers().firstValue("X-Request-ID").orElseThrow();
        assertEquals(id, WebServer.json(refused).get("requestId").asText());
    }

    @Test
    void malformedRequestIdIsReplaced() {
        for (String bad : new String[] {"has space", "x".repeat(65), "quote\"d", "back\\slash", "-leading",
            "semi;colon", "a/b", "<script>", "{json}"}) {
            HttpResponse<String> response = plain.get("/probe/x", "X-Tenant-ID", "acme", "X-Request-ID", bad);
            String echoed = response.headers().firstValue("X-Request-ID").orElseThrow();
            assertNotEquals(bad, echoed);
            UUID.fromString(echoed);
            assertTrue(seen(response).get("clientRequestId").isNull(), bad + " is not taken as the client's id");
        }
        assertEquals("x".repeat(64), seen(plain.get("/probe/x", "X-Tenant-ID", "acme", "X-Request-ID",
                "x".repeat(64))).get("clientRequestId").asText(), "64 characters are accepted");
        String raw = plain.raw("GET /probe/x HTTP/1.1\r\nHost: localhost\r\nX-Tenant-ID: acme\r\n"
                + "X-Request-ID: \u00e9t\u00e9\r\nConnection: close\r\n\r\n");
        assertTrue(raw.startsWith("HTTP/1.1 200"), raw);
        assertTrue(!raw.contains("\u00e9t\u00e9"), "a non-ASCII id is not echoed: " + raw);
    }

    @Test
    void requestIdHeaderIsConfigurable() {
        HttpResponse<String> response = behindProxies.get("/probe/x", "X-Tenant-ID", "acme", "X-Correlation-ID",
                "corr-7");
        String echoed = response.headers().firstValue("X-Correlation-ID").orElseThrow();
        assertEquals(echoed, seen(response).get("requestId").asText());
        assertEquals("corr-7", seen(response).get("clientRequestId").asText());
    }

    @Test
    void auditEntriesRecordedDuringTheRequestCarryItsContext() {
        HttpResponse<String> response = plain.send(plain.request("/invoices/inv-42", "X-Tenant-ID", "acme",
                WebServer.USER, "ann", "User-Agent", "books/1.0", "X-Request-ID", "rid-42")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(201, response.statusCode());
        List<AuditEntry> entries = Tenants.call(TenantId.of("acme"), () -> trail.query(AuditQuery.all()
                .onTarget("invoice", "inv-42")).entries());
        assertEquals(1, entries.size());
        AuditEntry entry = entries.get(0);
        assertEquals("ann", entry.actorId());
        assertEquals("user", entry.event().actorType());
        assertEquals("127.0.0.1", entry.event().ip());
        assertEquals("books/1.0", entry.event().userAgent());
        assertEquals(response.headers().firstValue("X-Request-ID").orElseThrow(), entry.event().requestId());
        assertEquals("rid-42", entry.event().clientRequestId(), "the client's id is kept apart, as the client's");
        assertTrue(Tenants.call(TenantId.of("globex"), () -> trail.query(AuditQuery.all()).entries()).isEmpty());
    }
}
