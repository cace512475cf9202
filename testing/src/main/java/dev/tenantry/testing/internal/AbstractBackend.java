package dev.tenantry.testing.internal;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.MongoBackend;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** What every backend shares: a connection string, its capabilities and how a client is made. */
abstract class AbstractBackend implements MongoBackend {

    private final String name;
    private final ConnectionString connectionString;
    private final Set<Capability> capabilities;

    AbstractBackend(String name, ConnectionString connectionString, Set<Capability> capabilities) {
        this.name = name;
        this.connectionString = connectionString;
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ConnectionString connectionString() {
        return connectionString;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public MongoClient newClient(Consumer<MongoClientSettings.Builder> customizer) {
        MongoClientSettings.Builder builder = MongoClientSettings.builder()
                .applyConnectionString(connectionString)
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(10, TimeUnit.SECONDS));
        customizer.accept(builder);
        return MongoClients.create(builder.build());
    }

    /** Releases what the backend holds; called once at JVM exit. */
    abstract void shutdown();

    @Override
    public String toString() {
        return name + " MongoDB at " + connectionString.getHosts();
    }
}
