package dev.tenantry.examples.web;

import com.mongodb.ConnectionString;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.servlet.AuthorizationCheck;
import dev.tenantry.servlet.ConsoleSettings;
import dev.tenantry.servlet.TenantResolver;
import dev.tenantry.servlet.TenantryServlet;
import dev.tenantry.servlet.TenantryWebConfig;
import dev.tenantry.servlet.jetty.ProblemErrorHandler;
import dev.tenantry.testing.EmbeddedMongo;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.EnumSet;
import java.util.concurrent.Executor;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The booking demo: a small multi-tenant booking/CRM JSON API on embedded Jetty 12, with everything Tenantry brings.
 *
 * <p>Two organizations ({@code acme} on plan PRO, {@code globex} on FREE) keep customers, services and bookings in
 * tenant-scoped collections; the servlet adapter resolves the organization of every request ({@code X-Tenant-ID}
 * header, or the subdomain of {@code localhost}, which must agree), checks it in the directory, limits signed-in users
 * by its plan (IETF {@code RateLimit} headers, 429 with {@code Retry-After}) and anonymous callers and failed sign-ins
 * per client address in buckets of their own, sets security headers, answers every error as problem details, and
 * serves health, rate-limit, audit (admins), export and session endpoints. Writes, sign-ins, failed sign-ins and
 * sign-outs land in the hash-chained audit log.
 *
 * <p>Run it with {@code mvn -Pwebapp -pl examples -am}. It uses the MongoDB named by {@code MONGODB_URI}, or
 * starts an embedded in-memory one; it listens on {@code PORT} (default 8080) on the loopback interface only, since
 * its sign-in is a demo stand-in ({@link DemoAuthentication}) that must never face a network. Ctrl-C stops it.
 *
 * <p>Thread-safe; {@link #close()} stops the server, then the services, then the embedded MongoDB.
 */
public final class BookingApp implements AutoCloseable {

    /** The port used when {@code PORT} is not set. */
    public static final int DEFAULT_PORT = 8080;
    /** The database the app works in. */
    public static final String DEFAULT_DATABASE = "booking_demo";
    /** The parent domain of tenant subdomains: {@code acme.localhost} is acme's. */
    public static final String DOMAIN = "localhost";
    /** The interface the app listens on: loopback only. */
    public static final String HOST = "127.0.0.1";

    private final @Nullable EmbeddedMongo embedded;
    private final BookingServices services;
    private final Server server;
    private final int port;

    private BookingApp(@Nullable EmbeddedMongo embedded, BookingServices services, Server server, int port) {
        this.embedded = embedded;
        this.services = services;
        this.server = server;
        this.port = port;
    }

    /**
     * Starts the app: MongoDB, the services, the demo data (unless already there) and the server.
     *
     * @param port the port, or 0 for any free one
     * @param mongoUri the MongoDB to use; null or blank starts an embedded in-memory one
     * @param databaseName the database to work in
     * @return the running app
     * @throws IllegalStateException if the server cannot start, e.g. because the port is taken
     */
    public static BookingApp start(int port, @Nullable String mongoUri, String databaseName) {
        return start(port, mongoUri, databaseName, null);
    }

    /** As {@link #start(int, String, String)}, with data exports run by {@code exportExecutor} (tests hold them). */
    static BookingApp start(int port, @Nullable String mongoUri, String databaseName,
                            @Nullable Executor exportExecutor) {
        EmbeddedMongo embedded = mongoUri == null || mongoUri.isBlank() ? EmbeddedMongo.start() : null;
        BookingServices services = null;
        try {
            ConnectionString connection = embedded != null ? embedded.connectionString()
                    : new ConnectionString(mongoUri);
            services = new BookingServices(connection, databaseName);
            DemoData.seed(services);
            Server server = server(services, port, exportExecutor);
            return new BookingApp(embedded, services, server, ((ServerConnector) server.getConnectors()[0])
                    .getLocalPort());
        } catch (RuntimeException e) {
            if (services != null) {
                services.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static Server server(BookingServices services, int port, @Nullable Executor exportExecutor) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("booking-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(HOST);
        connector.setPort(port);
        server.addConnector(connector);

        TenantryWebConfig.Builder builder = TenantryWebConfig.builder()
                .tenantResolvers(TenantResolver.header(), TenantResolver.subdomain(DOMAIN))
                .tenantOptional("/")
                // A signed-in user works in their own organization only; any other answers 404, like an unknown one.
                .tenantAccess((request, tenant) -> DemoAuthentication.userOf(request)
                        .map(user -> user.tenant().equals(tenant)).orElse(true))
                .tenantDirectory(services.directory)
                .rateLimiter(services.limiter)
                .health(services.health)
                .auditTrail(services.audit)
                .dataExports(services.exports)
                .userSessions(services.sessions)
                .authorization(AuthorizationCheck.role(DemoUsers.ADMIN))
                // The admin console at /admin: signs in through /api/login for a bearer token kept in the browser
                // tab, and asks for the organization when the address (acme.localhost) does not name one.
                .console(ConsoleSettings.builder().signInEndpoint("/api/login").signOutEndpoint("/api/logout")
                        .tenantHeader(TenantResolver.DEFAULT_HEADER).build());
        if (exportExecutor != null) {
            builder.exportExecutor(exportExecutor);
        }
        TenantryWebConfig config = builder.build();

        ServletContextHandler context = new ServletContextHandler("/");
        // The application's own authentication runs before Tenantry's filters, so the audit context knows the actor.
        context.addFilter(new FilterHolder(new DemoAuthentication(config, services.sessions)), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        servlet(context, "/", new IndexServlet(services.directory));
        servlet(context, "/api/me", new IndexServlet(services.directory));
        servlet(context, "/api/login", new AuthServlet(services.sessions));
        servlet(context, "/api/logout", new AuthServlet(services.sessions));
        for (Resource resource : Resource.ALL) {
            servlet(context, "/api/" + resource.collection() + "/*", new ResourceServlet(services.database, resource,
                    services.clock));
        }
        context.addEventListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                TenantryServlet.install(event.getServletContext(), config);
            }
        });
        server.setHandler(context);
        // Errors Jetty raises itself, before any filter (a malformed request, header fields too large, a bad path),
        // are problem details too, with the security headers; Tenantry's filters cover everything after.
        server.setErrorHandler(new ProblemErrorHandler(config));
        context.setErrorHandler(new ProblemErrorHandler(config));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            String why = e instanceof IOException && String.valueOf(e.getMessage()).contains("bind")
                    ? "port " + port + " is in use; set PORT to another port (PORT=0 picks a free one)"
                    : "the web server did not start: " + e;
            throw new IllegalStateException(why, e);
        }
        return server;
    }

    private static void servlet(ServletContextHandler context, String pathSpec, HttpServlet servlet) {
        context.addServlet(new ServletHolder(servlet), pathSpec);
    }

    /** The port the app listens on. */
    public int port() {
        return port;
    }

    /** The app's base URI, {@code http://127.0.0.1:<port>/}. */
    public URI uri() {
        return URI.create("http://" + HOST + ":" + port + "/");
    }

    /** The client the app reaches MongoDB with. */
    public MongoClient mongoClient() {
        return services.client;
    }

    /** The database the app works in. */
    public String databaseName() {
        return services.databaseName;
    }

    /** The organization directory. */
    public TenantDirectory directory() {
        return services.directory;
    }

    /** Waits until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops the server, writes what the audit trail still holds, and stops the services and MongoDB. */
    @Override
    public void close() {
        try {
            stopQuietly(server);
            services.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort: the process is going away, or a failed start is being cleaned up.
        }
    }

    /**
     * Starts the app as {@code PORT} and {@code MONGODB_URI} say, prints where it listens and what to try, and runs
     * until Ctrl-C.
     *
     * @throws InterruptedException if interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        String mongoUri = System.getenv("MONGODB_URI");
        int port = port(System.getenv("PORT"));
        boolean embedded = mongoUri == null || mongoUri.isBlank();
        // One line while it starts (a second or two), so a first run is never silent; the banner follows.
        System.out.println("Starting the Tenantry booking demo: " + (embedded ? "an embedded MongoDB, "
                : "the MongoDB of MONGODB_URI, ") + "its demo data and the web server...");
        BookingApp app;
        try {
            app = start(port, mongoUri, DEFAULT_DATABASE);
        } catch (MongoTimeoutException e) {
            throw new StartFailure("could not reach the MongoDB named by MONGODB_URI within 10 seconds; start it, or "
                    + "unset MONGODB_URI to use an embedded one");
        } catch (MongoSecurityException e) {
            throw new StartFailure("the MongoDB named by MONGODB_URI refused the credentials: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw new StartFailure(e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the booking demo...");
            app.close();
        }, "booking-app-shutdown"));
        Banner.print(System.out, app, embedded ? "embedded, in memory (data is gone when the app stops)"
                : "MONGODB_URI, database " + DEFAULT_DATABASE);
        app.join();
    }

    private static int port(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new StartFailure("PORT must be a port number 0..65535 (0 picks a free one), was '" + value + "'");
    }

    /** Why the app did not start, in one sentence: no stack trace, while the JVM still exits non-zero. */
    static final class StartFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartFailure(@Nullable String message) {
            super(message, null, false, false);
        }
    }

    /** What the app prints once it listens. */
    static final class Banner {
        private Banner() {
        }

        static void print(PrintStream out, BookingApp app, String mongo) {
            String base = "http://localhost:" + app.port();
            String acme = " -H 'X-Tenant-ID: acme'";
            String alice = acme + " -H 'X-Demo-User: alice'";
            String json = " -H 'Content-Type: application/json'";
            String rule = "=".repeat(78);
            out.println();
            out.println(rule);
            out.println("Tenantry booking demo listening on " + base + "/  (MongoDB: " + mongo + ")");
            out.println();
            out.println("Admin console, in a browser:  " + base + "/admin/");
            out.println("  sign in to organization acme as alice, password demo (or globex as gina);");
            out.println("  per organization: http://acme.localhost:" + app.port() + "/admin/ and http://globex.localhost:"
                    + app.port() + "/admin/");
            out.println();
            out.println("Organizations: acme \"Acme Dental\" (plan PRO), globex \"Globex Fitness\" (plan FREE).");
            out.println("Demo users (DEMO-ONLY sign-in, password \"demo\"): alice (acme, admin), bob (acme), "
                    + "gina (globex, admin), gus (globex).");
            out.println();
            out.println("Try:");
            out.println("  curl " + base + "/api/health");
            out.println("  curl -I " + base + "/");
            out.println("  curl" + alice + " " + base + "/api/customers");
            out.println("  curl -H 'X-Demo-User: bob' http://acme.localhost:" + app.port() + "/api/bookings");
            out.println("  curl" + alice + json + " -d '{\"name\":\"Edsger Dijkstra\",\"email\":\"edsger@example.com\"}' "
                    + base + "/api/customers");
            out.println("  curl" + acme + json + " -d '{\"user\":\"alice\",\"password\":\"demo\"}' " + base
                    + "/api/login");
            out.println("  curl -X POST" + acme + " -H 'Authorization: Bearer <token>' " + base + "/api/logout");
            out.println("  curl" + alice + " '" + base + "/api/audit?limit=5'");
            out.println("  curl -i -H 'X-Tenant-ID: globex' -H 'X-Demo-User: gina' " + base + "/api/rate-limit");
            out.println("  curl" + alice + json + " -d '{\"scope\":\"tenant\",\"format\":\"ndjson\"}' " + base
                    + "/api/exports");
            out.println("  for i in $(seq 70); do curl -s -o /dev/null -w '%{http_code} ' -H 'X-Tenant-ID: globex' "
                    + base + "/api/rate-limit; done; echo");
            out.println();
            out.println("curl " + base + "/ lists every endpoint. Ctrl-C stops the app.");
            out.println(rule);
        }
    }
}
