package dev.tenantry.health;

import static dev.tenantry.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.testing.EmbeddedMongo;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The built-in checks against a MongoDB that goes away and comes back. Each test runs its own embedded server so it can
 * stop it, whatever backend the rest of the suite uses.
 */
class HealthIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration MONGO_TIMEOUT = Duration.ofMillis(500);
    private static final TenantId TENANT = TenantId.of("health");

    private static MongoClient client(EmbeddedMongo mongo) {
        return MongoClients.create(MongoClientSettings.builder().applyConnectionString(mongo.connectionString())
                .applyToClusterSettings(c -> c.serverSelectionTimeout(200, TimeUnit.MILLISECONDS)).build());
    }

    /**
     * A client with a short server selection timeout (for the outages), once it has connected: on a busy machine the
     * first connection can take longer than that timeout, and the set-up waits for it rather than failing on it.
     */
    private static MongoClient connectedClient(EmbeddedMongo mongo) {
        MongoClient client = client(mongo);
        until("the client has connected", () -> connected(client));
        return client;
    }

    private static boolean connected(MongoClient client) {
        try {
            client.getDatabase("admin").runCommand(new Document("ping", 1));
            return true;
        } catch (MongoTimeoutException e) {
            return false;
        }
    }

    @Test
    void mongoDbStoppedMakesReadinessUnhealthyButNotLiveness() {
        try (EmbeddedMongo own = EmbeddedMongo.start();
             MongoClient client = connectedClient(own);
             Health health = Health.builder().timeout(TIMEOUT)
                     .liveness("process", CheckResult::healthy)
                     .readiness("mongodb", HealthChecks.mongoPing(client.getDatabase("app"), MONGO_TIMEOUT))
                     .readiness("rateLimits",
                             HealthChecks.rateLimitStore(client.getDatabase("limits"), "buckets", MONGO_TIMEOUT))
                     .build()) {
            client.getDatabase("limits").getCollection("buckets").insertOne(new Document("_id", "acme"));

            until("readiness is healthy while MongoDB is up",
                    () -> health.readiness().status() == HealthStatus.HEALTHY);
            HealthReport up = health.readiness();
            assertEquals(HealthStatus.HEALTHY, up.status(), () -> up.toMap().toString());
            assertEquals(200, up.httpStatus());
            assertEquals("healthy", up.toMap().get("status"));
            CheckReport ping = up.checks().get("mongodb");
            assertTrue(ping.detail().get("pingMillis") instanceof Double, ping.detail().toString());
            assertEquals("app", ping.detail().get("database"));
            CheckReport limits = up.checks().get("rateLimits");
            assertEquals(1L, limits.detail().get("buckets"));
            assertEquals("limits.buckets", limits.detail().get("collection"));

            own.stop();
            long started = System.nanoTime();
            HealthReport down = health.readiness();
            long elapsed = System.nanoTime() - started;
            assertTrue(elapsed < TIMEOUT.toNanos(), "returned within the configured timeout, took "
                    + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms");
            assertEquals(HealthStatus.UNHEALTHY, down.status(), () -> down.toMap().toString());
            assertEquals(503, down.httpStatus());
            for (String name : new String[] {"mongodb", "rateLimits"}) {
                CheckReport check = down.checks().get(name);
                assertEquals(HealthStatus.UNHEALTHY, check.status(), name);
                assertNotNull(check.message(), name);
                assertFalse(check.message().startsWith("timed out after"),
                        name + ": the driver's own timeout answers first: " + check.message());
                assertTrue(check.detail().containsKey("error"), name + ": " + check.detail());
            }
            HealthReport live = health.liveness();
            assertEquals(HealthStatus.HEALTHY, live.status(), "liveness does not depend on MongoDB");
            assertEquals(200, live.httpStatus());

            own.restart();
            // The driver rediscovers the server in the background; the checks recover as soon as it has.
            until("readiness recovers", () -> health.readiness().status() == HealthStatus.HEALTHY);
            assertTrue(health.report().checks().get("mongodb").detail().containsKey("pingMillis"));
        }
    }

    @Test
    void auditTrailDegradesWhileItsWritesFailAndRecovers() {
        try (EmbeddedMongo own = EmbeddedMongo.start();
             MongoClient client = connectedClient(own);
             AuditTrail trail = AuditTrail.builder(client, "audit").asynchronous()
                     .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).build();
             Health health = Health.builder().timeout(TIMEOUT)
                     .readiness("audit", HealthChecks.queue(trail::stats, 1_000))
                     .build()) {
            Tenants.run(TENANT, () -> trail.record(AuditAction.CREATE, "row", "1"));
            until("the first entry is written", () -> trail.stats().written() == 1);
            CheckReport fine = health.readiness().checks().get("audit");
            assertEquals(HealthStatus.HEALTHY, fine.status(), () -> String.valueOf(fine.message()));
            assertEquals(1L, fine.detail().get("written"));

            own.stop();
            Tenants.run(TENANT, () -> trail.record(AuditAction.CREATE, "row", "2"));
            until("the writer's attempts fail", () -> trail.stats().failedAttempts() > 0);
            HealthReport outage = health.readiness();
            CheckReport degraded = outage.checks().get("audit");
            assertEquals(HealthStatus.DEGRADED, degraded.status());
            assertEquals(200, outage.httpStatus(), "degraded still serves");
            assertTrue(degraded.message().contains("write attempts failed"), degraded.message());
            for (String counter : new String[] {"queued", "written", "failedAttempts", "dropped"}) {
                assertTrue(degraded.detail().containsKey(counter), counter);
            }

            own.restart();
            until("the queued entry is written", () -> trail.stats().written() == 2);
            until("the check recovers", () -> health.readiness().status() == HealthStatus.HEALTHY);
            assertEquals(0L, health.readiness().checks().get("audit").detail().get("queued"));
        }
    }
}
