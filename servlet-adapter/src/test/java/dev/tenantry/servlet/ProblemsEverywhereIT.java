package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.DataExports;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.testing.MongoTest;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every error is an RFC 9457 problem with the security headers, never HTML, never a word about infrastructure or
 * another tenant: the application's exceptions, duplicate keys (409 naming the caller's own values), sendError and
 * bare error statuses, the container's own 400, 404, 405, 413, 414, 431 and bad paths; TRACE is refused everywhere
 * and HEAD works wherever GET does; JSON bodies need exactly application/json; dates out of range are 400.
 */
@MongoTest
class ProblemsEverywhereIT {

    /** What the application's bug messages and the database's errors may say; no answer may. */
    private static final String[] SECRETS = {"db.internal", "27017", "E11000", "booking_secret", "people",
        "tenantId_1", "tenantId", "Exception", "<html", "<HTML", "jetty", "Jetty", "secret-token", "at dev."};

    private static TenantDatabase tenants;
    private static WebServer web;
    private static WebServer plainJetty;

    /** The application: ?mode= throw, dup, sendError, status; GET only. */
    static final class AppServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            switch (String.valueOf(request.getParameter("mode"))) {
                case "throw" -> throw new IllegalStateException("lost mongodb://db.internal:27017/booking_secret");
                case "dup" -> {
                    tenants.getCollection("people").insertOne(new Document("email", request.getParameter("email")));
                    tenants.getCollection("people").insertOne(new Document("email", request.getParameter("email")));
                }
                case "sendError" -> response.sendError(400, "db.internal:27017 said no");
                case "status" -> response.setStatus(409);
                case "form" -> request.getParameterMap();
                default -> {
                    response.setContentType("text/plain");
                    response.getWriter().write("ok");
                }
            }
        }

        @Override
        protected void doPut(HttpServletRequest request, HttpServletResponse response) {
            request.getParameterMap(); // reads a form body, as a PUT of a form does
        }
    }

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        tenants = TenantDatabase.builder(client, database.getName()).collection("people")
                .index("people", Indexes.ascending("email"), new IndexOptions().unique(true)).build();
        tenants.ensureIndexes(); // a shared collection's indexes are declared and created at start-up
        AuditTrail audit = AuditTrail.builder(client, database.getName()).build();
        DataExports exports = DataExports.builder(client, database.getName(), tenants)
                .maxActivePerRequester(100).maxActivePerTenant(100) // exports requested here are never run
                .build();
        RateLimiter limiter = RateLimiter.builder().plan("P", Bandwidth.of(1000, Duration.ofMinutes(1)))
                .everyTenantOn("P").build();
        TenantryWebConfig config = TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .tenantOptional("/app/*").rateLimiter(limiter).auditTrail(audit).dataExports(exports)
                .exportExecutor(run -> { }).authorization(AuthorizationCheck.role("admin")).build();
        web = WebServer.builder(config).servlet("/app/*", new AppServlet()).start();
        plainJetty = WebServer.builder(config).servlet("/app/*", new AppServlet()).jettyErrorPages().start();
    }

    @AfterAll
    static void stop() {
        web.close();
        plainJetty.close();
    }

    /** Asserts {@code status} answered as a problem with the security headers and no secrets; returns the body. */
    private static JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response::body);
        assertEquals(ProblemDetails.MEDIA_TYPE, response.headers().firstValue("Content-Type").orElseThrow()
                .split(";")[0], response.headers()::toString);
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertTrue(response.headers().firstValue("Content-Security-Policy").isPresent());
        assertNoSecrets(response.body());
        JsonNode body = WebServer.json(response);
        assertEquals(status, body.get("status").asInt());
        assertTrue(body.get("type").asText().startsWith(ProblemDetails.TYPE_PREFIX), body.toString());
        return body;
    }

    private static void assertNoSecrets(String text) {
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), "'" + secret + "' in " + text);
        }
    }

    /** A raw request's response: status, then the head and body as one string. */
    private static void assertRawProblem(WebServer server, String request, int status) {
        String raw = server.raw(request);
        assertTrue(raw.startsWith("HTTP/1.1 " + status), raw);
        String lower = raw.toLowerCase(Locale.ROOT);
        assertTrue(lower.contains("content-type: application/problem+json"), raw);
        assertTrue(lower.contains("x-content-type-options: nosniff"), raw);
        assertTrue(raw.contains("\"status\":" + status), raw);
        assertNoSecrets(raw.substring(raw.indexOf("\r\n\r\n")));
    }

    @Test
    void anApplicationExceptionIs500WithNothingOfItsMessage() {
        for (WebServer server : new WebServer[] {web, plainJetty}) {
            JsonNode body = assertProblem(server.get("/app/x?mode=throw"), 500);
            assertTrue(body.has("requestId"), body.toString());
        }
    }

    @Test
    void aDuplicateKeyIs409NamingOnlyTheCallersOwnValue() {
        JsonNode body = assertProblem(web.get("/app/x?mode=dup&email=ann@example.com", "X-Tenant-ID", "acme"), 409);
        assertTrue(body.get("detail").asText().contains("email \"ann@example.com\""), body.toString());
        assertFalse(body.toString().contains("acme"), "not even the caller's own tenant id: " + body);
    }

    @Test
    void sendErrorAndBareErrorStatusesAreProblems() {
        JsonNode sent = assertProblem(web.get("/app/x?mode=sendError"), 400);
        assertFalse(sent.toString().contains("said no"), "the message given to sendError is not shown");
        assertProblem(web.get("/app/x?mode=status"), 409);
        assertProblem(plainJetty.get("/app/x?mode=sendError"), 400);
    }

    @Test
    void theContainersOwnErrorsAreProblems() {
        assertProblem(web.get("/no-such-servlet", "X-Tenant-ID", "acme"), 404);
        assertProblem(web.send(web.request("/app/x").POST(HttpRequest.BodyPublishers.ofString("x")).build()), 405);
        // A form over the container's limit: Jetty 12 raises its own error (400, the status it gives), a problem too.
        HttpResponse<String> form = web.send(web.request("/app/x?mode=form").PUT(HttpRequest.BodyPublishers
                .ofString("a=" + "b".repeat(300_000))).header("Content-Type", "application/x-www-form-urlencoded")
                .build());
        assertProblem(form, form.statusCode() == 413 ? 413 : 400);
        assertRawProblem(web, "POST /app/x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999999999\r\n"
                + "Connection: close\r\n\r\n", 400);
        assertRawProblem(web, "GET /app/x HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n", 431);
        assertRawProblem(web, "GET /app/x?" + "q".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n", 414);
        assertRawProblem(web, "GET /app/x HTTP/1.1\r\nHost: localhost\r\nBad Header\r\nConnection: close\r\n\r\n",
                400);
        assertRawProblem(web, "G@T /app/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400);
        for (String path : new String[] {"/app/%zz", "/app/a%2Fb", "/app/%2e%2e/x", "/app/a%00b", "/app/..%2f..%2f"}) {
            String raw = web.raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertTrue(raw.startsWith("HTTP/1.1 4"), path + ": " + raw);
            assertTrue(raw.toLowerCase(Locale.ROOT).contains("content-type: application/problem+json"), path + ": "
                    + raw);
            assertNoSecrets(raw.substring(raw.indexOf("\r\n\r\n")));
        }
    }

    @Test
    void traceIsRefusedEverywhereAndEchoesNothing() {
        for (String path : new String[] {"/app/x", "/api/audit", "/no-such-servlet", "/"}) {
            String raw = web.raw("TRACE " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + "secret-token\r\nCookie: session=secret-token\r\nConnection: close\r\n\r\n");
            assertTrue(raw.startsWith("HTTP/1.1 501"), path + ": " + raw);
            assertNoSecrets(raw);
            assertTrue(raw.toLowerCase(Locale.ROOT).contains("content-type: application/problem+json"), raw);
        }
        String options = web.raw("OPTIONS /app/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(options.startsWith("HTTP/1.1 200"), options);
        assertTrue(options.contains("Allow: "), options);
        assertFalse(options.contains("TRACE"), "TRACE is not offered: " + options);
    }

    @Test
    void headWorksWhereverGetDoes() {
        String[] user = {"X-Tenant-ID", "acme", WebServer.USER, "ann", WebServer.ROLES, "admin"};
        for (String path : new String[] {"/api/rate-limit", "/api/audit", "/api/audit/verify", "/api/exports",
            "/app/x"}) {
            HttpResponse<String> get = web.get(path, user);
            HttpResponse<String> head = web.send(web.request(path, user).method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, get.statusCode(), path + ": " + get.body());
            assertEquals(200, head.statusCode(), path);
            assertEquals("", head.body(), path);
            assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"), path);
            assertTrue(head.headers().firstValue("X-Content-Type-Options").isPresent(), path);
        }
        HttpResponse<String> post = web.send(web.request("/api/audit", user).POST(HttpRequest.BodyPublishers
                .noBody()).build());
        assertProblem(post, 405);
        assertTrue(post.headers().firstValue("Allow").orElseThrow().contains("HEAD"));
    }

    @Test
    void jsonBodiesNeedExactlyTheJsonMediaType() {
        String[] user = {"X-Tenant-ID", "acme", WebServer.USER, "ann"};
        for (String type : new String[] {"application/jsonfoo", "application/json-patch", "text/json",
            "application/jsonp; charset=utf-8", "xapplication/json"}) {
            assertProblem(web.send(web.request("/api/exports", user).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 415);
        }
        String[] accepted = {"application/json", "Application/JSON", "application/json; charset=utf-8"};
        for (int i = 0; i < accepted.length; i++) {
            String type = accepted[i];
            // a requester of their own each time: exports never run here, and a requester may have 2 pending
            String[] requester = {"X-Tenant-ID", "acme", WebServer.USER, "ann-" + i};
            HttpResponse<String> answer = web.send(web.request("/api/exports", requester).header("Content-Type",
                    type).POST(HttpRequest.BodyPublishers.ofString("{}", StandardCharsets.UTF_8)).build());
            assertEquals(202, answer.statusCode(), type + ": " + answer.body());
        }
    }

    @Test
    void datesOutOfRangeAre400() {
        String[] admin = {"X-Tenant-ID", "acme", WebServer.USER, "ann", WebServer.ROLES, "admin"};
        for (String query : new String[] {"from=%2B1000000000-01-01T00:00:00Z", "to=-1000000000-01-01T00:00:00Z",
            "from=%2B10000-01-01T00:00:00Z"}) {
            JsonNode body = assertProblem(web.get("/api/audit?" + query, admin), 400);
            assertTrue(body.get("detail").asText().contains("0000 to 9999"), body.toString());
        }
        assertEquals(200, web.get("/api/audit?from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z", admin)
                .statusCode());
    }
}
