package dev.tenantry.spring.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * tenantry-servlet in a Spring Boot servlet application with Spring Security: the front filter runs before
 * authentication (its request id and security headers are on Spring Security's 401), the tenant filter after it (the
 * actor is the authenticated user, the request runs in the tenant it names).
 */
@MongoTest
class TenantryWebIT {

    private static ConfigurableApplicationContext context;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start(MongoBackend backend) {
        context = new SpringApplicationBuilder(WebApp.class).properties("server.port=0",
                "spring.mongodb.uri=" + backend.connectionString(), "spring.mongodb.database=webit",
                "tenantry.collections.orders.isolation=SHARED", "tenantry.web.enabled=true").run();
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAuthenticatedRequestRunsInItsTenantWithTheUserAsActor() throws Exception {
        HttpResponse<String> response = get("/whoami", "Authorization", basic("alice", "secret"),
                "X-Tenant-ID", "acme");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("acme alice", response.body());
        assertTrue(response.headers().firstValue("X-Request-ID").isPresent());
    }

    @Test
    void theFrontFilterRunsBeforeAuthentication() throws Exception {
        HttpResponse<String> response = get("/whoami", "X-Tenant-ID", "acme");
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("X-Request-ID").isPresent(), "" + response.headers().map());
        assertTrue(response.headers().firstValue("X-Content-Type-Options").isPresent(), "" + response.headers().map());
    }

    @Test
    void theTenantFilterRunsAfterAuthenticationAndRefusesARequestWithoutATenant() throws Exception {
        HttpResponse<String> response = get("/whoami", "Authorization", basic("alice", "secret"));
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "" + response.headers().map());
    }

    @Test
    void tenantAccessFromACustomizerRefusesAnotherTenant() throws Exception {
        HttpResponse<String> response = get("/whoami", "Authorization", basic("alice", "secret"),
                "X-Tenant-ID", "globex");
        // Refused as an unknown tenant: the answer does not say whether globex exists.
        assertEquals(404, response.statusCode(), response.body());
        assertTrue(!response.body().contains("globex"), response.body());
    }
}
