package dev.tenantry.servlet;

import static dev.tenantry.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.health.CheckResult;
import dev.tenantry.health.Health;
import dev.tenantry.health.HealthChecks;
import dev.tenantry.testing.EmbeddedMongo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The health endpoints against a MongoDB that goes away and comes back: 200 when healthy, 503 on readiness when
 * MongoDB is down while liveness stays 200, and the detail only for those permitted. Each test runs its own embedded
 * server so it can stop it, whatever backend the rest of the suite uses.
 */
class HealthEndpointIT {

    private EmbeddedMongo mongo;
    private MongoClient client;
    private Health health;
    private WebServer web;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.start();
        client = MongoClients.create(MongoClientSettings.builder().applyConnectionString(mongo.connectionString())
                .applyToClusterSettings(c -> c.serverSelectionTimeout(200, TimeUnit.MILLISECONDS)).build());
        health = Health.builder().timeout(Duration.ofSeconds(3)).liveness("process", CheckResult::healthy)
                .readiness("mongodb", HealthChecks.mongoPing(client.getDatabase("app"), Duration.ofMillis(500)))
                .build();
        web = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header()).health(health)
                .authorization(AuthorizationCheck.role("ops")).build()).start();
    }

    @AfterEach
    void stop() {
        web.close();
        health.close();
        client.close();
        mongo.close();
    }

    private JsonNode body(String path, int status, String... headers) {
        HttpResponse<String> response = web.get(path, headers);
        assertEquals(status, response.statusCode(), response::body);
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        return WebServer.json(response);
    }

    @Test
    void healthyIs200WithTheStatusOnly() {
        JsonNode all = body("/api/health", 200);
        assertEquals("healthy", all.get("status").asText());
        assertTrue(all.has("checkedAt"));
        assertFalse(all.has("checks"), "details are not public by default: " + all);
        assertEquals("healthy", body("/api/health/live", 200).get("status").asText());
        assertEquals("healthy", body("/api/health/ready", 200).get("status").asText());
    }

    @Test
    void permittedCallersSeeEachCheck() {
        JsonNode all = body("/api/health", 200, WebServer.USER, "olga", WebServer.ROLES, "ops");
        assertEquals("healthy", all.get("checks").get("mongodb").get("status").asText());
        assertTrue(all.get("checks").get("mongodb").get("detail").has("pingMillis"));
        assertEquals("healthy", all.get("checks").get("process").get("status").asText());
    }

    @Test
    void mongoDbDownIs503OnReadinessWhileLivenessStays200() {
        mongo.stop();
        JsonNode down = body("/api/health", 503, WebServer.USER, "olga", WebServer.ROLES, "ops");
        assertEquals("unhealthy", down.get("status").asText());
        assertEquals("unhealthy", down.get("checks").get("mongodb").get("status").asText());
        assertEquals("unhealthy", body("/api/health/ready", 503).get("status").asText());
        assertEquals("healthy", body("/api/health/live", 200).get("status").asText());
        HttpResponse<String> head = web.send(web.request("/api/health/ready")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(503, head.statusCode());

        mongo.restart();
        until("readiness recovers", () -> web.get("/api/health/ready").statusCode() == 200);
        assertEquals("healthy", body("/api/health", 200).get("status").asText());
    }

    @Test
    void healthNeedsNoTenantAndOnlyGetOrHead() {
        assertEquals(200, web.get("/api/health", "X-Tenant-ID", "acme").statusCode());
        HttpResponse<String> post = web.send(web.request("/api/health").POST(HttpRequest.BodyPublishers.noBody())
                .build());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        assertEquals(404, web.get("/api/health/nope").statusCode());
    }

    @Test
    void detailsCanBeMadePublic() {
        try (WebServer open = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .health(health).healthPath("/status").publicHealthDetails(true).build()).start()) {
            HttpResponse<String> response = open.get("/status/ready");
            assertEquals(200, response.statusCode());
            assertTrue(WebServer.json(response).get("checks").has("mongodb"));
        }
    }
}
