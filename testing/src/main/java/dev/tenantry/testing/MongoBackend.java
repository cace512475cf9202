package dev.tenantry.testing;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The MongoDB a test run talks to: embedded, a user's server, or a container.
 *
 * <p>One backend serves the whole JVM; test classes get fresh databases on it. Thread-safe.
 *
 * @since 0.1
 */
public interface MongoBackend {

    /** Short name for messages: {@code embedded}, {@code uri} or {@code testcontainers}. */
    String name();

    /** Where the server listens. */
    ConnectionString connectionString();

    /** The features this server has. */
    Set<Capability> capabilities();

    /** Whether this server has {@code capability}. */
    default boolean supports(Capability capability) {
        return capabilities().contains(capability);
    }

    /** Whether this is the in-process {@code mongo-java-server}. */
    default boolean isEmbedded() {
        return "embedded".equals(name());
    }

    /**
     * Opens a new client to this server; the caller closes it.
     *
     * @param customizer adjusts the settings before the client is built, e.g. to add a command listener
     */
    MongoClient newClient(Consumer<MongoClientSettings.Builder> customizer);

    /** Opens a new client with default settings; the caller closes it. */
    default MongoClient newClient() {
        return newClient(settings -> { });
    }
}
