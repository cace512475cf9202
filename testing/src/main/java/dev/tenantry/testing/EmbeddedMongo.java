package dev.tenantry.testing;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.jspecify.annotations.Nullable;

/**
 * An in-process MongoDB (the {@code mongo-java-server} fake with its in-memory backend) on a loopback port.
 *
 * <p>It speaks the real wire protocol, so code under test uses the real driver. It implements a subset of the server:
 * see {@link Capability}. {@link #stop()} closes every connection as a crashed server would, while the data survives
 * for {@link #start()} on the same port, so tests can simulate an outage.
 *
 * <p>Thread-safe. Close it to free the port and the data.
 *
 * @since 0.1
 */
public final class EmbeddedMongo implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final KeptMemoryBackend backend = new KeptMemoryBackend();
    private @Nullable MongoServer server;
    private int port;

    private EmbeddedMongo() {
    }

    /** Starts a server on a random free loopback port. */
    public static EmbeddedMongo start() {
        return startOn(0);
    }

    /**
     * Starts a server on {@code port} (0 picks a free one).
     *
     * @throws IllegalArgumentException if the port is outside 0..65535
     */
    public static EmbeddedMongo startOn(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be within 0..65535, was " + port);
        }
        EmbeddedMongo mongo = new EmbeddedMongo();
        mongo.port = port;
        mongo.restart();
        return mongo;
    }

    /** The port the server listens on (kept across stop and start). */
    public synchronized int port() {
        return port;
    }

    /** {@code mongodb://127.0.0.1:port}. */
    public ConnectionString connectionString() {
        return new ConnectionString("mongodb://" + HOST + ":" + port());
    }

    /** Whether the server is accepting connections. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Stops listening and drops every open connection, keeping the data, like a server that went down.
     * Does nothing if already stopped.
     */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** Starts listening again on the same port with the same data. Does nothing if already running. */
    public synchronized void restart() {
        if (server != null) {
            return;
        }
        MongoServer started = new MongoServer(backend);
        started.bind(HOST, port);
        port = started.getLocalAddress().getPort();
        server = started;
    }

    /** Stops the server and frees its data. */
    @Override
    public synchronized void close() {
        stop();
        backend.release();
    }

    @Override
    public String toString() {
        return "EmbeddedMongo[" + connectionString() + (isRunning() ? "" : ", stopped") + "]";
    }

    /** A memory backend that survives {@link MongoServer#shutdownNow()}, which would otherwise close it. */
    private static final class KeptMemoryBackend extends MemoryBackend {
        /**
         * Announces client sessions, as every real server does, so the driver attaches a session id ({@code lsid})
         * to each command and {@code ClientSession} overloads work; the fake ignores the id. Sessions' bookkeeping
         * commands are acknowledged. Transactions stay unsupported.
         */
        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(io.netty.channel.Channel channel, String databaseName,
                                                               String command, de.bwaldvogel.mongo.bson.Document query) {
            switch (command) {
                case "endSessions", "refreshSessions", "killSessions", "killAllSessions" -> {
                    return new de.bwaldvogel.mongo.bson.Document("ok", 1.0);
                }
                default -> {
                    de.bwaldvogel.mongo.bson.Document reply = super.handleCommand(channel, databaseName, command, query);
                    if (reply != null && ("hello".equals(command) || "isMaster".equalsIgnoreCase(command))) {
                        reply.put("logicalSessionTimeoutMinutes", 30);
                    }
                    return reply;
                }
            }
        }

        @Override
        public void close() {
            // Kept on purpose: stop() simulates an outage, and the data must be there when the server comes back.
        }

        void release() {
            super.close();
        }
    }
}
