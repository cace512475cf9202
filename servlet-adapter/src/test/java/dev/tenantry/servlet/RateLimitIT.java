package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.health.CheckResult;
import dev.tenantry.health.Health;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rate limits over HTTP: the IETF RateLimit-Policy and RateLimit fields on every limited response, 429 with
 * Retry-After rounded up and problem details, limits that follow the tenant's plan, X-RateLimit-* only when asked
 * for, and the caller's state at the rate-limit endpoint. Time stands still unless a test moves it.
 */
@MongoTest
class RateLimitIT {

    private static final MutableClock CLOCK = new MutableClock();
    private static TenantDirectory directory;
    private static dev.tenantry.Tenants.Registration planSync;
    private static WebServer web;
    private static WebServer legacy;
    private static WebServer perUser;
    private static Health health;
    private static RateLimiter anonymous;
    private static RateLimiter failures;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        directory = TenantDirectory.builder(client, database.getName()).cacheFor(Duration.ZERO).build();
        anonymous = RateLimiter.builder().clock(CLOCK).plan("ANON", Bandwidth.of(2, Duration.ofMinutes(1)))
                .everyTenantOn("ANON").build();
        failures = RateLimiter.builder().clock(CLOCK).plan("FAILS", Bandwidth.of(3, Duration.ofMinutes(10)))
                .everyTenantOn("FAILS").build();
        RateLimiter limiter = RateLimiter.builder().clock(CLOCK)
                .plan("FREE", Bandwidth.of(3, Duration.ofMinutes(1)))
                .plan("PRO", Bandwidth.of(10, Duration.ofMinutes(1)))
                .plan("DUO", Bandwidth.of(5, Duration.ofSeconds(10)), Bandwidth.of(8, Duration.ofMinutes(1)))
                .planResolver(directory.planResolver()).build();
        planSync = directory.addPlanListener(limiter.plans(), limiter::invalidatePlan);
        health = Health.builder().liveness("process", CheckResult::healthy).build();
        TenantryWebConfig.Builder config = TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .tenantDirectory(directory).rateLimiter(limiter).health(health).tenantOptional("/public/*")
                .anonymousLimiter(anonymous).failedAuthenticationLimiter(failures);
        web = WebServer.builder(config.build()).servlet("/probe/*", new ProbeServlet())
                .servlet("/public/*", new ProbeServlet()).start();
        legacy = WebServer.builder(config.legacyRateLimitHeaders(true).build())
                .servlet("/probe/*", new ProbeServlet()).start();
        perUser = WebServer.builder(config.legacyRateLimitHeaders(false)
                        .rateLimitKey(RateLimitKeyResolver.perUser()).build())
                .servlet("/probe/*", new ProbeServlet()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
        legacy.close();
        perUser.close();
        health.close();
        planSync.close();
    }

    private static String tenant(String id, String plan) {
        directory.create(TenantId.of(id), id, plan);
        return id;
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " in "
                + response.headers().map()));
    }

    @Test
    void everyLimitedResponseCarriesThePolicyAndItsState() {
        String tenant = tenant("headers", "FREE");
        for (int remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<String> response = web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant);
            assertEquals(200, response.statusCode());
            assertEquals("\"FREE\";q=3;w=60", header(response, "RateLimit-Policy"));
            // Each token comes back in 20 s; the bucket is full again once every used token is back.
            assertEquals("\"FREE\";r=" + remaining + ";t=" + (3 - remaining) * 20, header(response, "RateLimit"));
            assertFalse(response.headers().firstValue("X-RateLimit-Limit").isPresent(), "legacy fields are opt-in");
        }
    }

    @Test
    void requestAfterTheLimitGets429WithRetryAfterAndProblemDetails() {
        String tenant = tenant("over", "FREE");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant).statusCode());
        }
        HttpResponse<String> refused = web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        assertEquals(429, refused.statusCode());
        assertEquals("20", header(refused, "Retry-After"));
        assertEquals("\"FREE\";r=0;t=20", header(refused, "RateLimit"), "t is the wait Retry-After names");
        assertEquals("\"FREE\";q=3;w=60", header(refused, "RateLimit-Policy"));
        assertTrue(header(refused, "Content-Type").startsWith("application/problem+json"));
        JsonNode problem = WebServer.json(refused);
        assertEquals(ProblemDetails.TYPE_PREFIX + "rate-limited", problem.get("type").asText());
        assertEquals(429, problem.get("status").asInt());
        assertTrue(problem.get("detail").asText().contains("20 seconds"), problem.toString());
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        String tenant = tenant("rounding", "FREE");
        for (int i = 0; i < 3; i++) {
            web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        }
        CLOCK.advance(Duration.ofMillis(500));
        HttpResponse<String> refused = web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        assertEquals(429, refused.statusCode());
        assertEquals("20", header(refused, "Retry-After"), "19.5 s rounds up, so a client that obeys is served");
        CLOCK.advance(Duration.ofMillis(19_500));
        assertEquals(200, web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant).statusCode());
    }

    @Test
    void limitsFollowTheTenantsPlanAndItsChanges() {
        String free = tenant("small", "FREE");
        String pro = tenant("large", "PRO");
        assertEquals(3, servedBefore429(web, free));
        assertEquals(10, servedBefore429(web, pro));
        assertEquals("\"PRO\";q=10;w=60", header(web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", pro), "RateLimit-Policy"));
        String upgraded = tenant("upgraded", "FREE");
        assertEquals(3, servedBefore429(web, upgraded));
        directory.changePlan(TenantId.of(upgraded), "PRO");
        HttpResponse<String> after = web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", upgraded);
        assertEquals("\"PRO\";q=10;w=60", header(after, "RateLimit-Policy"), "the next request is under PRO");
        // The used-up bucket is kept (an upgrade refills nothing), but now refills at PRO's rate: a token per 6 s.
        CLOCK.advance(Duration.ofSeconds(6));
        assertEquals(200, web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", upgraded).statusCode());
    }

    /** Requests served before the first 429, as user ann unless {@code headers} say otherwise. */
    private static int servedBefore429(WebServer server, String tenant, String... headers) {
        return servedBefore429As(server, tenant, headers.length == 0 ? new String[] {WebServer.USER, "ann"}
                : headers);
    }

    private static int servedBefore429As(WebServer server, String tenant, String... headers) {
        for (int served = 0; served < 100; served++) {
            String[] all = new String[headers.length + 2];
            all[0] = "X-Tenant-ID";
            all[1] = tenant;
            System.arraycopy(headers, 0, all, 2, headers.length);
            int status = server.get("/probe/x", all).statusCode();
            if (status == 429) {
                return served;
            }
            assertEquals(200, status);
        }
        throw new AssertionError("never limited");
    }

    @Test
    void legacyFieldsAreSentWhenAskedFor() {
        String tenant = tenant("legacy", "FREE");
        HttpResponse<String> response = legacy.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        assertEquals("3", header(response, "X-RateLimit-Limit"));
        assertEquals("2", header(response, "X-RateLimit-Remaining"));
        assertEquals("20", header(response, "X-RateLimit-Reset"));
        assertEquals("\"FREE\";r=2;t=20", header(response, "RateLimit"));
    }

    @Test
    void perUserKeysGiveEachUserTheirOwnBucket() {
        String tenant = tenant("shared", "FREE");
        assertEquals(3, servedBefore429(perUser, tenant, WebServer.USER, "ann"));
        assertEquals(3, servedBefore429(perUser, tenant, WebServer.USER, "bob"));
        assertEquals(2, servedBefore429As(perUser, tenant), "anonymous callers: the anonymous limit, by address");
    }

    @Test
    void requestsWithoutATenantAndHealthAreNotLimited() {
        String tenant = tenant("healthy", "FREE");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = web.get("/api/health", WebServer.USER, "ann", "X-Tenant-ID", tenant);
            assertEquals(200, response.statusCode());
            assertFalse(response.headers().firstValue("RateLimit").isPresent());
            assertFalse(web.get("/public/x").headers().firstValue("RateLimit").isPresent());
        }
    }

    @Test
    void rateLimitEndpointShowsTheCallersState() {
        String tenant = tenant("endpoint", "PRO");
        web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        HttpResponse<String> response = web.get("/api/rate-limit", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        assertEquals(200, response.statusCode(), response::body);
        JsonNode state = WebServer.json(response);
        assertEquals(tenant, state.get("tenant").asText());
        assertEquals("PRO", state.get("policy").asText());
        assertEquals(10, state.get("limit").asInt());
        assertEquals(8, state.get("remaining").asInt(), "this request counted too");
        assertEquals(12, state.get("resetSeconds").asInt());
        assertEquals("PRO", state.get("binding").asText());
        assertEquals("tenant", state.get("key").get("kind").asText());
        assertEquals(10, state.get("bandwidths").get(0).get("capacity").asInt());
        assertEquals("\"PRO\";r=8;t=12", header(response, "RateLimit"));
        assertEquals(400, web.get("/api/rate-limit").statusCode(), "the endpoint needs a tenant");
    }

    @Test
    void theEndpointsBodyAndHeadersDescribeTheSameBandwidthWithTheSameFigures() {
        String tenant = tenant("duo", "DUO");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant).statusCode());
        }
        HttpResponse<String> response = web.get("/api/rate-limit", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        JsonNode state = WebServer.json(response);
        // 4 of 5 burst tokens used (one back every 2 s), 4 of 8 a minute (one back every 7.5 s): the burst binds.
        assertEquals("\"DUO-1\";r=1;t=8", header(response, "RateLimit"));
        assertEquals("DUO-1", state.get("binding").asText());
        assertEquals(5, state.get("limit").asInt());
        assertEquals(1, state.get("remaining").asInt());
        assertEquals(8, state.get("resetSeconds").asInt(), "the binding bandwidth's t, not every bandwidth's");
        assertEquals(200, web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant).statusCode());
        HttpResponse<String> refused = web.get("/api/rate-limit", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        assertEquals(429, refused.statusCode());
        assertEquals("\"DUO-1\";r=0;t=2", header(refused, "RateLimit"));
        assertEquals("2", header(refused, "Retry-After"), "the wait of the bandwidth the field names");
        CLOCK.advance(Duration.ofSeconds(10));
        // the burst is full again, the minute has 3 + 10 / 7.5 = 4.3 left: four more, and the minute refuses
        for (int i = 0; i < 4; i++) {
            assertEquals(200, web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant).statusCode());
        }
        HttpResponse<String> minute = web.get("/probe/x", WebServer.USER, "ann", "X-Tenant-ID", tenant);
        assertEquals(429, minute.statusCode());
        String field = header(minute, "RateLimit");
        assertTrue(field.startsWith("\"DUO-2\";r=0;t="), field);
        assertEquals(field.substring(field.indexOf("t=") + 2), header(minute, "Retry-After"));
    }
}
