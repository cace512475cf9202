package dev.tenantry.servlet;

import static dev.tenantry.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tenant scope and audit context live exactly as long as their request: closed when the servlet returns or
 * throws, so a pooled thread never hands them to the next request, and carried into async work of the request.
 */
class TenantScopeIT {

    private static final String[] TENANTS = {"acme", "globex", "initech"};
    private static WebServer web;

    @BeforeAll
    static void start() {
        TenantryWebConfig config = TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .tenantOptional("/public/*").build();
        // A small pool, so every thread serves many requests in turn.
        web = WebServer.builder(config).maxThreads(6).servlet("/probe/*", new ProbeServlet())
                .servlet("/public/*", new ProbeServlet()).servlet("/async/*", new AsyncProbeServlet()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    private static JsonNode seen(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        return WebServer.json(response);
    }

    @Test
    void asyncStartRunnableKeepsTheTenantAndAuditContext() {
        HttpResponse<String> response = web.get("/async/x?mode=start", "X-Tenant-ID", "globex", WebServer.USER,
                "ann", "X-Request-ID", "req-async-1");
        JsonNode seen = seen(response);
        assertEquals("globex", seen.get("tenant").asText());
        assertEquals("ann", seen.get("actor").asText());
        assertEquals(response.headers().firstValue("X-Request-ID").orElseThrow(), seen.get("requestId").asText());
        assertEquals("req-async-1", seen.get("clientRequestId").asText());
    }

    @Test
    void asyncDispatchKeepsTheTenant() {
        HttpResponse<String> response = web.get("/async/x?mode=dispatch", "X-Tenant-ID", "initech", "X-Request-ID",
                "req-2");
        JsonNode seen = seen(response);
        assertEquals("initech", seen.get("tenant").asText());
        assertEquals(response.headers().firstValue("X-Request-ID").orElseThrow(), seen.get("requestId").asText());
        assertEquals("req-2", seen.get("clientRequestId").asText());
    }

    @Test
    void asyncListenersRunInTheRequestsScope() {
        seen(web.get("/async/x?mode=listener", "X-Tenant-ID", "acme", "X-Request-ID", "req-listener"));
        until("onComplete ran", () -> AsyncProbeServlet.COMPLETED.containsKey("req-listener"));
        assertEquals("acme", AsyncProbeServlet.COMPLETED.get("req-listener").get("tenant"));
    }

    @Test
    void noTenantIsLeftOnAPooledThreadAfterRequestsThatThrowOrWentAsync() {
        long seed = new Random().nextLong();
        System.out.println("TenantScopeIT seed: " + seed);
        Random random = new Random(seed);
        Set<String> probeThreads = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String tenant = TENANTS[random.nextInt(TENANTS.length)];
            switch (random.nextInt(3)) {
                case 0 -> assertEquals(500, web.get("/probe/x?fail=1", "X-Tenant-ID", tenant).statusCode());
                case 1 -> assertEquals(tenant, seen(web.get("/async/x?mode=fail", "X-Tenant-ID", tenant))
                        .get("tenant").asText());
                default -> assertEquals(tenant, seen(web.get("/async/x", "X-Tenant-ID", tenant)).get("tenant")
                        .asText());
            }
            int request = i;
            HttpResponse<String> response = web.get("/public/x");
            JsonNode seen = seen(response);
            assertTrue(seen.get("tenant").isNull(), () -> "seed " + seed + ": request " + request + " without a tenant "
                    + "saw " + seen);
            assertTrue(seen.get("actor").isNull(), () -> "seed " + seed + ": " + seen);
            assertEquals(response.headers().firstValue("X-Request-ID").orElseThrow(), seen.get("requestId").asText(),
                    "the audit context is this request's own");
            probeThreads.add(seen.get("thread").asText());
        }
        Set<String> failed = new HashSet<>(ProbeServlet.FAILED_ON.keySet());
        failed.addAll(AsyncProbeServlet.FAILED_ON.keySet());
        failed.retainAll(probeThreads);
        assertFalse(failed.isEmpty(), "threads that saw a failure served tenant-less requests afterwards");
    }
}
