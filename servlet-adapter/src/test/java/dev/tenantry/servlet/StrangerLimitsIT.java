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
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Strangers cannot lock a tenant out: anonymous traffic and failed authentications are limited in buckets of their
 * own (per client address and tenant; failures also per attempted user), never the tenant's or its users'; failures
 * get the usual 429 and headers once over their limit; a sign-in as a user that does not exist is audited. Client
 * addresses come from X-Forwarded-For through the trusted loopback proxy. Time stands still unless a test moves it.
 */
@MongoTest
class StrangerLimitsIT {

    private static final MutableClock CLOCK = new MutableClock();
    private static final int ANONYMOUS_LIMIT = 5;
    private static final int FAILURE_LIMIT = 3;
    private static TenantDirectory directory;
    private static AuditTrail audit;
    private static WebServer web;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        directory = TenantDirectory.builder(client, database.getName()).build();
        audit = AuditTrail.builder(client, database.getName()).clock(CLOCK).build();
        RateLimiter plans = RateLimiter.builder().clock(CLOCK).plan("FREE", Bandwidth.of(3, Duration.ofMinutes(1)))
                .planResolver(directory.planResolver()).build();
        RateLimiter anonymous = RateLimiter.builder().clock(CLOCK)
                .plan("ANONYMOUS", Bandwidth.of(ANONYMOUS_LIMIT, Duration.ofMinutes(1))).everyTenantOn("ANONYMOUS")
                .build();
        RateLimiter failures = RateLimiter.builder().clock(CLOCK)
                .plan("FAILURES", Bandwidth.of(FAILURE_LIMIT, Duration.ofMinutes(10))).everyTenantOn("FAILURES")
                .build();
        web = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                        .tenantDirectory(directory).rateLimiter(plans).anonymousLimiter(anonymous)
                        .failedAuthenticationLimiter(failures).auditTrail(audit).trustedProxies("127.0.0.1").build())
                .servlet("/probe/*", new ProbeServlet()).servlet("/login", new LoginServlet()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
        audit.close();
    }

    private static String tenant(String id) {
        directory.create(TenantId.of(id), id, "FREE");
        return id;
    }

    private static HttpResponse<String> get(String tenant, String from, String... more) {
        String[] headers = new String[more.length + 4];
        headers[0] = "X-Tenant-ID";
        headers[1] = tenant;
        headers[2] = "X-Forwarded-For";
        headers[3] = from;
        System.arraycopy(more, 0, headers, 4, more.length);
        return web.get("/probe/x", headers);
    }

    private static HttpResponse<String> login(String tenant, String from, String user, String password) {
        return web.send(web.request("/login?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                        + password, "X-Tenant-ID", tenant, "X-Forwarded-For", from)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " in "
                + response.headers().map()));
    }

    private static void assert429WithHeaders(HttpResponse<String> response, String policy) {
        assertEquals(429, response.statusCode(), response::body);
        assertTrue(header(response, "Content-Type").startsWith(ProblemDetails.MEDIA_TYPE));
        long retryAfter = Long.parseLong(header(response, "Retry-After"));
        assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
        assertTrue(header(response, "RateLimit-Policy").startsWith("\"" + policy + "\";q="),
                header(response, "RateLimit-Policy"));
        assertEquals("\"" + policy + "\";r=0;t=" + retryAfter, header(response, "RateLimit"));
        assertEquals("nosniff", header(response, "X-Content-Type-Options"));
    }

    @Test
    void anonymousFloodFromOneAddressNeverTakesATokenFromSignedInUsers() {
        String tenant = tenant("flooded");
        int served = 0;
        for (int i = 0; i < 10 * ANONYMOUS_LIMIT; i++) {
            HttpResponse<String> response = get(tenant, "203.0.113.9");
            if (response.statusCode() == 200) {
                served++;
            } else {
                assert429WithHeaders(response, "ANONYMOUS");
            }
        }
        assertEquals(ANONYMOUS_LIMIT, served, "the anonymous limit holds");
        HttpResponse<String> user = get(tenant, "203.0.113.9", WebServer.USER, "ann");
        assertEquals(200, user.statusCode(), user::body);
        assertEquals("\"FREE\";r=2;t=20", header(user, "RateLimit"), "the tenant's bucket lost nothing");
        assertEquals(200, get(tenant, "198.51.100.4").statusCode(), "another address has its own bucket");
        assertEquals(200, login(tenant, "198.51.100.4", "ann", LoginServlet.PASSWORD).statusCode(),
                "signing in still works");
    }

    @Test
    void anonymousTrafficFromManyAddressesNeverTakesATokenFromSignedInUsers() {
        String tenant = tenant("swarmed");
        for (int address = 1; address <= 20; address++) {
            for (int i = 0; i < ANONYMOUS_LIMIT + 2; i++) {
                get(tenant, "192.0.2." + address);
            }
        }
        HttpResponse<String> user = get(tenant, "192.0.2.1", WebServer.USER, "bob");
        assertEquals(200, user.statusCode(), user::body);
        assertEquals("\"FREE\";r=2;t=20", header(user, "RateLimit"));
    }

    @Test
    void failedAuthenticationsFromOneAddressGet429OnceOverTheirLimit() {
        String tenant = tenant("probed");
        for (int i = 0; i < FAILURE_LIMIT; i++) {
            HttpResponse<String> refused = get(tenant, "203.0.113.66", WebServer.BAD_CREDENTIAL, "-");
            assertEquals(401, refused.statusCode(), refused::body);
            assertEquals("Bearer", header(refused, "WWW-Authenticate"));
            assertTrue(refused.body().contains(ProblemDetails.TYPE_PREFIX + "unauthorized"), refused.body());
            assertFalse(refused.body().contains("bad credential"), "the reason is for the log only");
        }
        assert429WithHeaders(get(tenant, "203.0.113.66", WebServer.BAD_CREDENTIAL, "-"), "FAILURES");
        assert429WithHeaders(get(tenant, "203.0.113.66"), "FAILURES");
        assert429WithHeaders(login(tenant, "203.0.113.66", "ann", LoginServlet.PASSWORD), "FAILURES");
        assertEquals(401, get(tenant, "203.0.113.67", WebServer.BAD_CREDENTIAL, "-").statusCode(),
                "another address is not blocked");
        HttpResponse<String> user = get(tenant, "203.0.113.68", WebServer.USER, "ann");
        assertEquals(200, user.statusCode());
        assertEquals("\"FREE\";r=2;t=20", header(user, "RateLimit"), "failures took no token of the tenant's");
        CLOCK.advance(Duration.ofMinutes(4));
        assertEquals(401, get(tenant, "203.0.113.66", WebServer.BAD_CREDENTIAL, "-").statusCode(),
                "a failure is forgiven every 200 s");
    }

    @Test
    void failuresAreLimitedEvenWhileTheTenantIsAt429() {
        String tenant = tenant("busy");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(tenant, "198.51.100.20", WebServer.USER, "ann").statusCode());
        }
        assertEquals(429, get(tenant, "198.51.100.20", WebServer.USER, "ann").statusCode());
        for (int i = 0; i < FAILURE_LIMIT; i++) {
            assertEquals(401, get(tenant, "198.51.100.21", WebServer.BAD_CREDENTIAL, "mallory").statusCode());
        }
        assert429WithHeaders(get(tenant, "198.51.100.21", WebServer.BAD_CREDENTIAL, "mallory"), "FAILURES");
    }

    @Test
    void credentialStuffingOnOneUserFromManyAddressesIsStopped() {
        String tenant = tenant("stuffed");
        for (int i = 0; i < FAILURE_LIMIT; i++) {
            assertEquals(401, login(tenant, "198.51.100." + (100 + i), "ann", "guess-" + i).statusCode());
        }
        HttpResponse<String> blocked = login(tenant, "198.51.100.200", "ann", LoginServlet.PASSWORD);
        assert429WithHeaders(blocked, "FAILURES");
        assertFalse(blocked.body().contains("signedIn"), "no credential is checked once the user is blocked");
        assertEquals(401, login(tenant, "198.51.100.201", "bob", "guess").statusCode(), "other users are not");
        assertEquals(200, login(tenant, "198.51.100.202", "bob", LoginServlet.PASSWORD).statusCode());
    }

    @Test
    void aSignInAsAUserThatDoesNotExistIsAuditedAsALoginFailure() {
        String tenant = tenant("audited");
        String attempted = "nobody\u0000\u202e<script>" + "x".repeat(300);
        HttpResponse<String> refused = login(tenant, "198.51.100.77", attempted, "guess");
        assertEquals(401, refused.statusCode(), refused::body);
        HttpResponse<String> known = login(tenant, "198.51.100.77", "ann", "wrong");
        assertEquals(401, known.statusCode());
        List<AuditEntry> entries = Tenants.call(TenantId.of(tenant), () -> audit.query(AuditQuery.all()
                .withAction(AuditAction.LOGIN)).entries());
        assertEquals(2, entries.size(), entries::toString);
        AuditEntry unknown = entries.get(1);
        assertEquals(AuditOutcome.FAILURE, unknown.event().outcome());
        assertEquals("unknown user", unknown.event().reason());
        assertEquals("user", unknown.event().targetType());
        String recorded = unknown.event().targetId();
        assertEquals("nobody??<script>" + "x".repeat(64 - 16) + "...", recorded, "bounded and printable");
        assertNull(unknown.actorId(), "an anonymous caller");
        assertEquals("198.51.100.77", unknown.event().ip());
        assertEquals(header(refused, "X-Request-ID"), unknown.event().requestId());
        assertEquals("ann", entries.get(0).event().targetId());
        assertEquals("wrong password", entries.get(0).event().reason());
        JsonNode problem = WebServer.json(refused);
        assertEquals(problem.get("detail"), WebServer.json(known).get("detail"), "the answer never says which");
    }
}
