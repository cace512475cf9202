package dev.tenantry.benchmarks;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.testing.EmbeddedMongo;
import org.jspecify.annotations.Nullable;

/**
 * The server a benchmark runs against: the real one the environment variable {@code MONGODB_URI} names, else a
 * freshly started in-process {@link EmbeddedMongo}. A real server keeps data between trials, so benchmarks drop
 * their own collections when {@link #isReal()}; the embedded one starts empty.
 */
public final class BenchmarkServer implements AutoCloseable {

    private final @Nullable EmbeddedMongo embedded;
    private final MongoClient client;
    private final ConnectionString connectionString;

    private BenchmarkServer(@Nullable EmbeddedMongo embedded, MongoClient client, ConnectionString connectionString) {
        this.embedded = embedded;
        this.client = client;
        this.connectionString = connectionString;
    }

    /** Connects to {@code MONGODB_URI}, or starts an embedded server when it is unset or blank. */
    public static BenchmarkServer start() {
        String uri = System.getenv("MONGODB_URI");
        if (uri != null && !uri.isBlank()) {
            return new BenchmarkServer(null, MongoClients.create(uri), new ConnectionString(uri));
        }
        EmbeddedMongo embedded = EmbeddedMongo.start();
        return new BenchmarkServer(embedded, MongoClients.create(embedded.connectionString()),
                embedded.connectionString());
    }

    /** The server's connection string, for clients of the benchmark's own (through a proxy, with listeners). */
    public ConnectionString connectionString() {
        return connectionString;
    }

    /** The client to the server. */
    public MongoClient client() {
        return client;
    }

    /** Whether this is the server {@code MONGODB_URI} names, which may hold data from earlier runs. */
    public boolean isReal() {
        return embedded == null;
    }

    /** Closes the client and stops the embedded server, if one was started. */
    @Override
    public void close() {
        client.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
