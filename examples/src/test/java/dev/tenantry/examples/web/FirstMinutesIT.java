package dev.tenantry.examples.web;

import static dev.tenantry.examples.web.HttpCalls.header;
import static dev.tenantry.examples.web.HttpCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.servlet.ConsoleSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A newcomer's first minutes with the booking demo: {@code /} leads a browser to the admin console and shows a curl
 * user the API's index, and the banner says where the console is and whom to sign in as.
 */
class FirstMinutesIT {

    /** What Chromium and Firefox send when they open a page. */
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,"
            + "image/avif,image/webp,*/*;q=0.8";

    private static BookingApp app;
    private static HttpCalls http;

    @BeforeAll
    static void start() {
        app = TestApps.start("first_it_");
        http = new HttpCalls(app.uri());
    }

    @AfterAll
    static void stop() {
        TestApps.stop(app);
    }

    @Test
    void theRootLeadsABrowserToTheConsole() {
        HttpResponse<String> root = http.get("/", "Accept", BROWSER_ACCEPT);
        assertEquals(303, root.statusCode(), root::body);
        assertEquals("/admin/", header(root, "Location"));
        HttpResponse<String> console = http.get("/admin/", "Accept", BROWSER_ACCEPT);
        assertEquals(200, console.statusCode());
        assertEquals(ConsoleSettings.CONTENT_SECURITY_POLICY, header(console, "Content-Security-Policy"));
        assertTrue(console.body().contains("Tenantry console"), console::body);
    }

    @Test
    void theRootShowsCurlTheApiIndex() {
        for (String accept : new String[] {"*/*", "application/json"}) {
            HttpResponse<String> root = http.get("/", "Accept", accept);
            assertEquals(200, root.statusCode(), root::body);
            assertTrue(header(root, "Content-Type").startsWith("application/json"));
            assertTrue(json(root).get("console").asText().contains("/admin/"), root::body);
            assertTrue(root.body().contains("/api/organization"), root::body);
        }
    }

    @Test
    void theBannerSaysWhereTheConsoleIsAndWhomToSignInAs() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BookingApp.Banner.print(new PrintStream(out, true, StandardCharsets.UTF_8), app, "embedded");
        String banner = out.toString(StandardCharsets.UTF_8);
        assertTrue(banner.contains("Admin console, in a browser:  http://localhost:" + app.port() + "/admin/"),
                banner);
        assertTrue(banner.contains("sign in to organization acme as alice, password demo"), banner);
        assertTrue(banner.contains("http://acme.localhost:" + app.port() + "/admin/"), banner);
    }
}
