package dev.tenantry.testing.internal;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.EmbeddedMongo;
import dev.tenantry.testing.MongoBackend;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the backend once per JVM from the environment and stops it at exit.
 *
 * <p>{@code -Dtenantry.mongo} = {@code embedded} | {@code uri} | {@code testcontainers}; without it, a set
 * {@code MONGODB_URI} (or {@code -Dtenantry.mongo.uri}) picks {@code uri}, else {@code embedded}.
 */
public final class Backends {

    /** System property that names the backend. */
    public static final String BACKEND_PROPERTY = "tenantry.mongo";
    /** System property that gives a server URI (wins over the {@code MONGODB_URI} environment variable). */
    public static final String URI_PROPERTY = "tenantry.mongo.uri";
    /** Environment variable that gives a server URI. */
    public static final String URI_ENV = "MONGODB_URI";

    /** What the embedded fake lacks, as checked with driver 5.14 against mongo-java-server 1.47. */
    private static final Set<Capability> EMBEDDED_LACKS = EnumSet.of(
            Capability.TRANSACTIONS, Capability.UPDATE_PIPELINES, Capability.UNION_WITH,
            Capability.GEO_NEAR, Capability.REPLACE_WITH, Capability.SET_STAGE, Capability.SET_WINDOW_FIELDS, Capability.DENSIFY,
            Capability.GRAPH_LOOKUP_RESTRICT, Capability.CONCISE_LOOKUP, Capability.COLLATION,
            Capability.JSON_SCHEMA, Capability.COLL_MOD, Capability.HELLO, Capability.EXPLAIN,
            Capability.CHANGE_STREAMS, Capability.TTL_EXPIRY, Capability.PARTIAL_UNIQUE_INDEXES,
            Capability.BINARY_SUBTYPE_ORDER);

    private static @Nullable Selection selection;

    private Backends() {
    }

    /** The result of choosing: a backend, or the reason there is none (e.g. Docker is absent). */
    public record Selection(@Nullable MongoBackend backend, String unavailableReason) {
    }

    /** Chooses (once) and starts the backend for this JVM. */
    public static synchronized Selection get() {
        if (selection == null) {
            selection = choose();
        }
        return selection;
    }

    private static Selection choose() {
        String uri = System.getProperty(URI_PROPERTY, System.getenv(URI_ENV));
        String requested = System.getProperty(BACKEND_PROPERTY);
        String kind = requested != null ? requested.trim().toLowerCase(Locale.ROOT)
                : uri != null && !uri.isBlank() ? "uri" : "embedded";
        AbstractBackend backend;
        switch (kind) {
            case "embedded":
                backend = embedded();
                break;
            case "uri":
                if (uri == null || uri.isBlank()) {
                    throw new IllegalStateException("-D" + BACKEND_PROPERTY + "=uri needs " + URI_ENV + " or -D"
                            + URI_PROPERTY + " to name the server");
                }
                ConnectionString cs = new ConnectionString(uri);
                backend = new ServerBackend("uri", cs, detect(cs), () -> { });
                break;
            case "testcontainers":
                if (!ContainerBackend.dockerAvailable()) {
                    return new Selection(null, "-D" + BACKEND_PROPERTY + "=testcontainers asks for Docker, "
                            + "and no Docker engine is available here; the test is skipped");
                }
                backend = ContainerBackend.start();
                break;
            default:
                throw new IllegalStateException("-D" + BACKEND_PROPERTY + " must be embedded, uri or testcontainers, "
                        + "was '" + requested + "'");
        }
        AbstractBackend chosen = backend;
        Runtime.getRuntime().addShutdownHook(new Thread(chosen::shutdown, "tenantry-mongo-fixture-shutdown"));
        return new Selection(chosen, "");
    }

    private static AbstractBackend embedded() {
        EmbeddedMongo mongo = EmbeddedMongo.start();
        Set<Capability> caps = EnumSet.allOf(Capability.class);
        caps.removeAll(EMBEDDED_LACKS);
        return new ServerBackend("embedded", mongo.connectionString(), caps, mongo::close);
    }

    /**
     * Reads what a real server can do from its {@code hello} reply: features by wire version, transactions and
     * change streams by topology (replica set or sharded cluster).
     */
    static Set<Capability> detect(ConnectionString cs) {
        try (MongoClient client = MongoClients.create(cs)) {
            Document hello = client.getDatabase("admin").runCommand(new Document("hello", 1));
            int wire = hello.get("maxWireVersion", Number.class).intValue();
            boolean replicated = hello.containsKey("setName") || "isdbgrid".equals(hello.getString("msg"));
            Set<Capability> caps = EnumSet.allOf(Capability.class);
            if (!hello.containsKey("logicalSessionTimeoutMinutes")) {
                caps.remove(Capability.SESSIONS);
            }
            if (!replicated) {
                caps.remove(Capability.TRANSACTIONS);
                caps.remove(Capability.CHANGE_STREAMS);
            }
            if (wire < 13) { // MongoDB 5.0
                caps.remove(Capability.CONCISE_LOOKUP);
                caps.remove(Capability.SET_WINDOW_FIELDS);
                caps.remove(Capability.DENSIFY);
            }
            if (wire < 9) { // MongoDB 4.4
                caps.remove(Capability.UNION_WITH);
            }
            return caps;
        }
    }

    /** A server reached by connection string; {@code onShutdown} releases whatever started it. */
    static final class ServerBackend extends AbstractBackend {
        private final Runnable onShutdown;

        ServerBackend(String name, ConnectionString cs, Set<Capability> caps, Runnable onShutdown) {
            super(name, cs, caps);
            this.onShutdown = onShutdown;
        }

        @Override
        void shutdown() {
            onShutdown.run();
        }
    }
}
