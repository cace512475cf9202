package dev.tenantry.migration.cli;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoConfigurationException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.connection.ServerDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * A connection to the database a command works on: the client, with server selection and connecting bounded by
 * {@code --timeout}, checked with a {@code ping} before anything else so that an unreachable server or bad credentials
 * fail fast, with one line that names the hosts (never the URI, which may hold a password).
 */
final class Session implements AutoCloseable {

    private final ConnectionString uri;
    private final Duration timeout;
    private final MongoClient client;
    private final MongoDatabase database;

    private Session(ConnectionString uri, Duration timeout, MongoClient client, String database) {
        this.uri = uri;
        this.timeout = timeout;
        this.client = client;
        this.database = client.getDatabase(database);
    }

    /**
     * Connects to {@code database} at {@code uri} and pings it.
     *
     * @throws CliException with the unreachable exit code if the server cannot be reached or refuses the credentials
     */
    static Session open(ConnectionString uri, String database, Duration timeout) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .build();
        MongoClient client;
        try {
            client = MongoClients.create(settings);
        } catch (MongoException e) {
            throw translate(uri, timeout, e, null);
        }
        Session session = new Session(uri, timeout, client, database);
        try {
            session.database.runCommand(new Document("ping", 1));
        } catch (MongoException e) {
            session.close();
            throw session.translate(e);
        }
        return session;
    }

    MongoClient client() {
        return client;
    }

    MongoDatabase database() {
        return database;
    }

    /**
     * The one-line error for a driver exception that means the server cannot be reached or refused the credentials,
     * or null if {@code e} means something else.
     */
    @Nullable CliException translate(RuntimeException e) {
        return e instanceof MongoException ? translate(uri, timeout, (MongoException) e, client) : null;
    }

    private static @Nullable CliException translate(ConnectionString uri, Duration timeout, MongoException e,
            @Nullable MongoClient client) {
        Throwable serverError = e;
        if (e instanceof MongoTimeoutException && client != null) {
            // The timeout's message is the whole cluster view; what went wrong is the servers' own errors.
            for (ServerDescription server : client.getClusterDescription().getServerDescriptions()) {
                if (server.getException() != null) {
                    serverError = server.getException();
                    break;
                }
            }
        }
        MongoSecurityException security = find(serverError, MongoSecurityException.class);
        if (security != null) {
            MongoCredential credential = security.getCredential();
            return new CliException(TenantryMigrate.EXIT_UNREACHABLE, "cannot authenticate to MongoDB at "
                    + uri.getHosts() + (credential.getUserName() == null ? "" : " as " + credential.getUserName())
                    + ": " + rootMessage(security) + ". Check the user, password and authSource in the URI", e);
        }
        if (e instanceof MongoTimeoutException || e instanceof MongoSocketException) {
            return new CliException(TenantryMigrate.EXIT_UNREACHABLE, "cannot reach MongoDB at " + uri.getHosts()
                    + " within " + DurationConverter.format(timeout) + ": "
                    + (serverError == e && e instanceof MongoTimeoutException ? "no server answered"
                            : rootMessage(serverError))
                    + ". Check --uri (or MONGODB_URI) and that the server is running and reachable", e);
        }
        if (e instanceof MongoConfigurationException) {
            return new CliException(TenantryMigrate.EXIT_UNREACHABLE, "cannot connect to MongoDB at "
                    + uri.getHosts() + ": " + e.getMessage(), e);
        }
        return null;
    }

    private static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** The innermost cause's message, which says what happened ("Connection refused"), on one line. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        List<Throwable> seen = new ArrayList<>();
        while (root.getCause() != null && !seen.contains(root.getCause())) {
            seen.add(root);
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }

    @Override
    public void close() {
        client.close();
    }
}
