package dev.tenantry.faults;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.testing.EmbeddedMongo;
import java.util.concurrent.TimeUnit;

/**
 * An embedded server of a test's own (so it can be stopped and restarted whatever backend the suite uses) behind a
 * {@link WireProxy}, and a client that goes through the proxy. For tests that inject faults.
 */
public final class FaultyMongo implements AutoCloseable {

    private final EmbeddedMongo mongo;
    private final WireProxy proxy;
    private final MongoClient client;

    private FaultyMongo(boolean driverDefaults) {
        this.mongo = EmbeddedMongo.start();
        this.proxy = WireProxy.to(mongo.port());
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(proxy.connectionString());
        if (!driverDefaults) {
            settings.applyToClusterSettings(c -> c.serverSelectionTimeout(2, TimeUnit.SECONDS))
                    .applyToSocketSettings(s -> s.readTimeout(5, TimeUnit.SECONDS));
        }
        this.client = MongoClients.create(settings.build());
    }

    /** With a client that gives up on an unreachable server within a few seconds. */
    public static FaultyMongo start() {
        return new FaultyMongo(false);
    }

    /** With a client on the driver's default timeouts (30 s server selection, no read timeout). */
    public static FaultyMongo startWithDriverDefaults() {
        return new FaultyMongo(true);
    }

    /** The server (stop and restart it for an outage). */
    public EmbeddedMongo mongo() {
        return mongo;
    }

    /** The proxy (drop replies, refuse commands, freeze). */
    public WireProxy proxy() {
        return proxy;
    }

    /** A client through the proxy. */
    public MongoClient client() {
        return client;
    }

    @Override
    public void close() {
        proxy.clearRules();
        mongo.restart(); // a failed test may leave it down
        client.close();
        proxy.close();
        mongo.close();
    }
}
