package dev.tenantry.audit;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.EmbeddedMongo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The application side of {@link AuditShutdownIT}, run in its own JVM: an asynchronous trail with one entry queued
 * while MongoDB is down, and then {@code System.exit(0)} without closing anything.
 *
 * <p>Arguments: the dead-letter file, the close timeout in milliseconds.
 */
public final class AuditShutdownMain {

    private AuditShutdownMain() {
    }

    /** Queues one entry with MongoDB down, then exits. */
    public static void main(String[] args) {
        EmbeddedMongo mongo = EmbeddedMongo.start();
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(mongo.connectionString())
                .applyToClusterSettings(c -> c.serverSelectionTimeout(300, TimeUnit.MILLISECONDS)).build());
        AuditTrail trail = AuditTrail.builder(client, "app").asynchronous()
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                .closeTimeout(Duration.ofMillis(Long.parseLong(args[1]))).deadLetterFile(Path.of(args[0])).build();
        mongo.stop();
        Tenants.run(TenantId.of("acme"), () -> trail.record(AuditAction.LOGIN, "session", "queued-at-exit"));
        System.out.println("exiting with one entry queued and MongoDB down");
        System.exit(0);
    }
}
