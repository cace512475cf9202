package dev.tenantry.examples.spring;

import dev.tenantry.testing.EmbeddedMongo;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The booking example as a Spring Boot application: customers, services and bookings of two organizations ({@code
 * acme}, {@code globex}) in SHARED collections registered by {@code tenantry.*} properties
 * ({@code application.properties}), read and written through plain Spring Data repositories that the Tenantry starter
 * scopes to the organization of the request, behind Spring Security (HTTP Basic, {@link SecurityConfig}).
 *
 * <p>Run it with {@code mvn -Pwebapp -pl examples-spring -am}. It uses the MongoDB named by {@code MONGODB_URI}, or
 * starts an embedded in-memory one; it listens on {@code PORT} (default 8080) on the loopback interface only, since
 * its users are demo users with known passwords. Ctrl-C stops it.
 */
@SpringBootApplication
public class BookingSpringApp {

    /** Created by Spring. */
    public BookingSpringApp() {
    }

    /**
     * Starts the app and prints how to call it.
     *
     * @param args Spring Boot's command-line arguments ({@code --server.port=9090}, ...)
     */
    public static void main(String[] args) {
        ConfigurableApplicationContext context = start(System.getenv("MONGODB_URI"), args);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        banner(System.out, port);
    }

    /**
     * Starts the app on {@code mongoUri}, or on an embedded in-memory MongoDB (closed with the context) when it is
     * null or blank (a bean of the context, closed last).
     *
     * @param mongoUri the MongoDB to use, or null or blank for an embedded one
     * @param args Spring Boot's command-line arguments, which override {@code application.properties}
     * @return the running application
     */
    public static ConfigurableApplicationContext start(@Nullable String mongoUri, String... args) {
        EmbeddedMongo embedded = mongoUri == null || mongoUri.isBlank() ? EmbeddedMongo.start() : null;
        String uri = embedded != null ? embedded.connectionString().toString() : mongoUri;
        List<String> arguments = new ArrayList<>(List.of("--spring.mongodb.uri=" + uri));
        arguments.addAll(List.of(args));
        SpringApplicationBuilder builder = new SpringApplicationBuilder(BookingSpringApp.class);
        if (embedded != null) {
            // A bean of the context, registered first: closed last, after the web server and the MongoDB client.
            builder.initializers(context -> ((GenericApplicationContext) context).registerBean("embeddedMongo",
                    EmbeddedMongo.class, () -> embedded));
        }
        try {
            return builder.run(arguments.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static void banner(PrintStream out, int port) {
        String base = "http://localhost:" + port;
        String line = "=".repeat(100);
        out.println(line);
        out.println("Tenantry booking example (Spring Boot) on " + base + "/   (Ctrl-C stops it)");
        out.println("Users: alice / demo works for acme, bob / demo works for globex.");
        out.println();
        out.println("  curl -u alice:demo -H 'X-Tenant-ID: acme' " + base + "/api/customers");
        out.println("  curl -u bob:demo -H 'X-Tenant-ID: globex' " + base + "/api/bookings");
        out.println("  curl -u alice:demo -H 'X-Tenant-ID: globex' " + base + "/api/customers    # 404: not hers");
        out.println("  curl -u alice:demo " + base + "/api/customers                          # 400: no tenant");
        out.println("  curl -u alice:demo -H 'X-Tenant-ID: acme' " + base + "/api/customers/of-every-tenant"
                + "   # a widening @Query: acme's only");
        out.println(line);
    }
}
