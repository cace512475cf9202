package dev.tenantry.examples.web;

import static dev.tenantry.examples.web.HttpCalls.header;
import static dev.tenantry.examples.web.HttpCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.TenantId;
import dev.tenantry.testing.Await;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 1's verification checklist and "testing after migration", run against the booking demo over real HTTP: the
 * app starts (embedded MongoDB, or {@code MONGODB_URI} in a throw-away database) on a free port, and each test walks
 * one item as a user would with curl.
 */
class SeedOneChecklistIT {

    private static final String ACME = "acme";
    private static final String GLOBEX = "globex";

    private static BookingApp app;
    private static HttpCalls http;

    @BeforeAll
    static void start() {
        app = TestApps.start("booking_it_");
        http = new HttpCalls(app.uri());
    }

    @AfterAll
    static void stop() {
        TestApps.stop(app);
    }

    /** Headers of a request by {@code user} in {@code tenant}, plus {@code more}. */
    private static String[] as(String tenant, String user, String... more) {
        List<String> headers = new ArrayList<>(List.of("X-Tenant-ID", tenant, DemoAuthentication.USER_HEADER, user));
        headers.addAll(List.of(more));
        return headers.toArray(String[]::new);
    }

    /** The entries of acme's audit log matching {@code query}, read by its admin. */
    private static JsonNode audit(String query) {
        HttpResponse<String> response = http.get("/api/audit?" + query, as(ACME, "alice"));
        assertEquals(200, response.statusCode(), response::body);
        return json(response).get("entries");
    }

    private static JsonNode auditedOnce(String query) {
        return Await.value("the audit log has an entry for " + query, () -> {
            JsonNode entries = audit(query);
            return entries.size() == 1 ? entries.get(0) : null;
        });
    }

    private static String createCustomer(String tenant, String user, String name, String email) {
        HttpResponse<String> created = http.post("/api/customers", "{\"name\":\"" + name + "\",\"email\":\"" + email
                + "\"}", as(tenant, user));
        assertEquals(201, created.statusCode(), created::body);
        return json(created).get("id").asText();
    }

    private static List<String> customerNames(String tenant, String user, String... more) {
        HttpResponse<String> list = http.get("/api/customers?limit=100", as(tenant, user, more));
        assertEquals(200, list.statusCode(), list::body);
        List<String> names = new ArrayList<>();
        json(list).get("customers").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    private static void assertProblem(int status, String type, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response::body);
        assertTrue(header(response, "Content-Type").startsWith("application/problem+json"), response::toString);
        assertEquals("urn:tenantry:problem:" + type, json(response).get("type").asText(), response::body);
    }

    @Test
    void healthEndpointReturnsHealthy() {
        for (String path : List.of("/api/health", "/api/health/live", "/api/health/ready")) {
            HttpResponse<String> health = http.get(path);
            assertEquals(200, health.statusCode(), path);
            assertEquals("healthy", json(health).get("status").asText(), health::body);
        }
    }

    @Test
    void loginAndLogoutWorkAndTheAuditLogShowsBoth() {
        HttpResponse<String> login = http.post("/api/login", "{\"user\":\"bob\",\"password\":\"demo\"}",
                "X-Tenant-ID", ACME);
        assertEquals(201, login.statusCode(), login::body);
        String token = json(login).get("token").asText();
        String session = json(login).get("sessionId").asText();
        String[] bearer = {"X-Tenant-ID", ACME, "Authorization", "Bearer " + token};
        assertEquals("bob", json(http.get("/api/me", bearer)).get("user").asText(), "the token signs bob in");

        HttpResponse<String> logout = http.send(http.request("/api/logout", bearer).POST(
                java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, logout.statusCode(), logout::body);
        assertProblem(401, "unauthorized", http.get("/api/me", bearer));

        JsonNode signedIn = auditedOnce("action=LOGIN&targetType=session&targetId=" + session);
        assertEquals("bob", signedIn.get("actorId").asText());
        assertEquals("SUCCESS", signedIn.get("outcome").asText());
        assertEquals("bob", auditedOnce("action=LOGOUT&targetType=session&targetId=" + session).get("actorId")
                .asText());

        assertProblem(401, "unauthorized", http.post("/api/login", "{\"user\":\"bob\",\"password\":\"guess\"}",
                "X-Tenant-ID", ACME));
        JsonNode failed = auditedOnce("action=LOGIN&outcome=FAILURE&targetType=user&targetId=bob");
        assertEquals("wrong password", failed.get("reason").asText());
        assertFalse(failed.has("actorId"), "nobody signed in: " + failed);
    }

    @Test
    void rateLimitEndpointReturnsTheCallersLimitsByPlan() {
        JsonNode acme = json(http.get("/api/rate-limit", as(ACME, "bob")));
        assertEquals("PRO", acme.get("policy").asText(), acme::toString);
        assertEquals(600, acme.get("limit").asLong(), acme::toString);
        assertEquals(2, acme.get("bandwidths").size(), "burst and sustained");
        JsonNode globex = json(http.get("/api/rate-limit", as(GLOBEX, "gus")));
        assertEquals("FREE", globex.get("policy").asText(), globex::toString);
        assertEquals(60, globex.get("limit").asLong(), globex::toString);
    }

    @Test
    void apiResponsesCarryTheRateLimitHeaders() {
        HttpResponse<String> response = http.get("/api/bookings", as(ACME, "bob"));
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("\"PRO-1\";q=600;w=60, \"PRO-2\";q=20000;w=3600", header(response, "RateLimit-Policy"));
        assertTrue(header(response, "RateLimit").matches("\"PRO-[12]\";r=\\d+;t=\\d+"), response.headers()::toString);
    }

    @Test
    void anonymousCallersHaveALimitOfTheirOwnAndA429SaysWhenToRetry() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TenantId free = TenantId.of("free-" + suffix);
        app.directory().create(free, "Free Ltd", BookingServices.FREE);

        int allowed = 0;
        HttpResponse<String> refused = null;
        while (refused == null && allowed < 1_000) {
            HttpResponse<String> response = http.get("/api/rate-limit", "X-Tenant-ID", free.value());
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertEquals(200, response.statusCode(), response::body);
                allowed++;
            }
        }
        assertTrue(refused != null && allowed >= 60, "60 anonymous requests a minute, then refused; allowed "
                + allowed);
        assertProblem(429, "rate-limited", refused);
        long retryAfter = Long.parseLong(header(refused, "Retry-After"));
        assertTrue(retryAfter >= 1, "Retry-After in whole seconds");
        assertEquals("\"ANONYMOUS\";r=0;t=" + retryAfter, header(refused, "RateLimit"), refused.headers()::toString);
    }

    @Test
    void securityHeadersArePresent() {
        HttpResponse<String> root = http.head("/");
        assertEquals(200, root.statusCode());
        List<HttpResponse<String>> responses = List.of(root,
                http.get("/api/customers", as(ACME, "alice")),
                http.get("/api/customers"),                                       // 400: no tenant
                http.get("/api/customers", "X-Tenant-ID", ACME, DemoAuthentication.USER_HEADER, "mallory")); // 401
        for (HttpResponse<String> response : responses) {
            assertEquals("nosniff", header(response, "X-Content-Type-Options"), response::toString);
            assertEquals("DENY", header(response, "X-Frame-Options"), response::toString);
            assertEquals("no-referrer", header(response, "Referrer-Policy"), response::toString);
            assertTrue(header(response, "Content-Security-Policy").contains("default-src 'none'"));
            assertTrue(response.headers().firstValue("Permissions-Policy").isPresent(), response::toString);
            assertFalse(response.headers().firstValue("Server").isPresent(), "the server does not say what it is");
        }
    }

    @Test
    void databaseHasTheAuditLogUserSessionAndDataExportCollections() {
        List<String> names = app.mongoClient().getDatabase(app.databaseName()).listCollectionNames()
                .into(new ArrayList<>());
        assertTrue(names.containsAll(List.of("AuditLog", "UserSession", "DataExport")), names::toString);
    }

    @Test
    void anActionShowsUpInTheAuditLogAndTheLogCanBeFilteredExportedAndVerified() {
        HttpResponse<String> created = http.post("/api/services",
                "{\"name\":\"Whitening\",\"durationMinutes\":60,\"priceCents\":25000}", as(ACME, "bob"));
        assertEquals(201, created.statusCode(), created::body);
        String id = json(created).get("id").asText();

        JsonNode entry = auditedOnce("action=CREATE&targetType=services&targetId=" + id);
        assertEquals("bob", entry.get("actorId").asText());
        assertEquals(header(created, "X-Request-ID"), entry.get("requestId").asText(), "tied to the request");

        HttpResponse<String> csv = http.get("/api/audit/export?format=csv&action=CREATE&targetType=services",
                as(ACME, "alice"));
        assertEquals(200, csv.statusCode(), csv::body);
        assertTrue(csv.body().contains(id), csv::body);
        assertEquals(true, json(http.get("/api/audit/verify", as(ACME, "alice"))).get("intact").asBoolean());
        assertProblem(403, "forbidden", http.get("/api/audit", as(ACME, "bob")));   // admins only
    }

    @Test
    void aDataExportIsRequestedCompletesAndDownloads() {
        HttpResponse<String> requested = http.post("/api/exports", "{\"scope\":\"tenant\",\"format\":\"ndjson\"}",
                as(GLOBEX, "gina"));
        assertEquals(202, requested.statusCode(), requested::body);
        String id = json(requested).get("id").asText();
        JsonNode done = Await.value("the export completes", () -> {
            JsonNode export = json(http.get("/api/exports/" + id, as(GLOBEX, "gina")));
            return export.get("status").asText().matches("COMPLETED|FAILED") ? export : null;
        });
        assertEquals("COMPLETED", done.get("status").asText(), done::toString);

        HttpResponse<String> download = http.get("/api/exports/" + id + "/download", as(GLOBEX, "gina"));
        assertEquals(200, download.statusCode(), download::body);
        assertTrue(download.body().contains("Grace Hopper"), download::body);
        for (String line : download.body().split("\n")) {
            assertEquals(GLOBEX, json(line).get("document").get("tenantId").asText(), line);
        }
        assertProblem(403, "forbidden", http.post("/api/exports", "{\"scope\":\"tenant\"}", as(GLOBEX, "gus")));
    }

    @Test
    void oneOrganizationNeverSeesAnothersData() {
        String acmeOnly = createCustomer(ACME, "alice", "Only At Acme", "only@acme.example");
        assertTrue(customerNames(ACME, "bob").contains("Only At Acme"));
        assertFalse(customerNames(GLOBEX, "gina").contains("Only At Acme"), "not by header");
        List<String> globexNames = customerNames(GLOBEX, "gus");
        for (String acmeName : List.of("Alan Turing", "Katherine Johnson", "Only At Acme")) {
            assertFalse(globexNames.contains(acmeName), acmeName + " is acme's: " + globexNames);
        }
        HttpResponse<String> bySubdomain = http.get("/api/customers", DemoAuthentication.USER_HEADER, "gina",
                "Host", "globex.localhost:" + app.port());
        assertEquals(GLOBEX, json(bySubdomain).get("tenant").asText(), bySubdomain::body);
        assertFalse(bySubdomain.body().contains("Only At Acme"), "not by subdomain");

        assertProblem(404, "not-found", http.get("/api/customers/" + acmeOnly, as(GLOBEX, "gina")));
        assertProblem(404, "not-found", http.delete("/api/customers/" + acmeOnly, as(GLOBEX, "gina")));
        String service = json(http.get("/api/services", as(GLOBEX, "gina"))).get("services").get(0).get("id")
                .asText();
        HttpResponse<String> booking = http.post("/api/bookings", "{\"customerId\":\"" + acmeOnly + "\",\"serviceId\":"
                + "\"" + service + "\",\"startsAt\":\"2030-01-31T09:00:00Z\"}", as(GLOBEX, "gina"));
        assertProblem(400, "validation-failed", booking);
        assertTrue(booking.body().contains("no customer " + acmeOnly), booking::body);

        // A user of one organization cannot even name another: it answers as an unknown one.
        assertProblem(404, "unknown-tenant", http.get("/api/customers", as(GLOBEX, "alice")));
        assertTrue(customerNames(ACME, "alice").contains("Only At Acme"), "acme's customer is untouched");
    }

    @Test
    void aDeletedCustomerIsGoneUntilRestored() {
        String id = createCustomer(ACME, "bob", "Soon Deleted", "soon@deleted.example");
        assertEquals(204, http.delete("/api/customers/" + id, as(ACME, "bob")).statusCode());
        assertProblem(404, "not-found", http.get("/api/customers/" + id, as(ACME, "bob")));
        assertTrue(http.get("/api/customers?deleted=true", as(ACME, "bob")).body().contains(id), "in the bin");
        auditedOnce("action=DELETE&targetType=customers&targetId=" + id);

        assertEquals(200, http.send(http.request("/api/customers/" + id + "/restore", as(ACME, "bob"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode());
        assertEquals(200, http.get("/api/customers/" + id, as(ACME, "bob")).statusCode());
    }

    @Test
    void aRequestWithoutATenantGets400ProblemDetails() {
        assertProblem(400, "missing-tenant", http.get("/api/customers", DemoAuthentication.USER_HEADER, "alice"));
        assertProblem(400, "invalid-tenant", http.get("/api/customers", as("Acme", "alice")));
        assertProblem(404, "unknown-tenant", http.get("/api/customers", "X-Tenant-ID", "initech"));
    }

    @Test
    void anonymousCallersMustSignIn() {
        HttpResponse<String> anonymous = http.get("/api/customers", "X-Tenant-ID", ACME);
        assertProblem(401, "unauthorized", anonymous);
        assertEquals("Bearer", header(anonymous, "WWW-Authenticate"));
        assertProblem(401, "unauthorized", http.get("/api/customers", "X-Tenant-ID", ACME, "Authorization",
                "Bearer not-a-token"));
    }

    @Test
    void badInputGets400AndCreatesNothing() {
        int before = customerNames(ACME, "alice").size();
        assertProblem(400, "bad-request", http.post("/api/customers", "{\"name\":", as(ACME, "alice")));
        assertProblem(400, "bad-request", http.post("/api/customers", "[]", as(ACME, "alice")));
        assertProblem(400, "bad-request", http.post("/api/customers", "{\"name\":\"A\",\"name\":\"B\"}",
                as(ACME, "alice")));
        HttpResponse<String> invalid = http.post("/api/customers", "{\"name\":\"\",\"email\":\"nope\",\"vip\":true}",
                as(ACME, "alice"));
        assertProblem(400, "validation-failed", invalid);
        assertEquals(3, json(invalid).get("errors").size(), invalid::body);
        assertProblem(415, "unsupported-media-type", http.send(http.request("/api/customers", as(ACME, "alice"))
                .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Ada\",\"email\":\"ada2@example.com\"}")).build()));
        assertProblem(409, "conflict", http.post("/api/customers",
                "{\"name\":\"Ada again\",\"email\":\"ada@example.com\"}", as(ACME, "alice")));
        assertEquals(before, customerNames(ACME, "alice").size(), "nothing was created");
    }
}
