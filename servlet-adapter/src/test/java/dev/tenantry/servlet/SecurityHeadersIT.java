package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimiter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OWASP security headers on success, on Tenantry's refusals (400, 404, 429) and on the application's errors;
 * HSTS only over HTTPS; headers the application sets itself are kept, never doubled.
 */
class SecurityHeadersIT {

    private static final Map<String, String> EXPECTED = Map.of(
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");

    private static WebServer web;
    private static WebServer custom;

    /** What an application does with headers and errors, by {@code ?mode=}. */
    static final class AppServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            switch (String.valueOf(request.getParameter("mode"))) {
                case "set" -> response.setHeader("X-Frame-Options", "SAMEORIGIN");
                case "add" -> response.addHeader("Content-Security-Policy", "default-src 'self'");
                case "reset" -> {
                    response.setHeader("X-Frame-Options", "SAMEORIGIN");
                    response.getWriter().write("discarded");
                    response.reset();
                }
                case "sendError" -> {
                    response.sendError(503, "down for maintenance");
                    return;
                }
                case "throw" -> throw new IllegalStateException("application bug");
                default -> { }
            }
            response.setContentType("text/plain");
            response.getWriter().write("ok");
        }
    }

    @BeforeAll
    static void start() {
        RateLimiter limiter = RateLimiter.builder().plan("ONE", Bandwidth.of(1, Duration.ofHours(1)))
                .everyTenantOn("ONE").build();
        web = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                        .tenantAccess((request, tenant) -> !tenant.value().equals("forbidden"))
                        .rateLimiter(limiter).tenantOptional("/app/*").build())
                .forwardedProto().servlet("/app/*", new AppServlet()).start();
        custom = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                        .contentSecurityPolicy("default-src 'self'").securityHeader("X-Frame-Options", null)
                        .securityHeader("Permissions-Policy", "camera=()").strictTransportSecurity("max-age=60")
                        .tenantOptional("/app/*").build())
                .forwardedProto().servlet("/app/*", new AppServlet()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
        custom.close();
    }

    private static void assertSecurityHeaders(HttpResponse<String> response) {
        EXPECTED.forEach((name, value) -> assertEquals(List.of(value), response.headers().allValues(name),
                name + " on a " + response.statusCode()));
        assertTrue(response.headers().firstValue("Permissions-Policy").orElseThrow().contains("camera=()"));
    }

    @Test
    void successCarriesTheHeadersButNoHstsOverPlainHttp() {
        HttpResponse<String> response = web.get("/app/x");
        assertEquals(200, response.statusCode());
        assertSecurityHeaders(response);
        assertFalse(response.headers().firstValue("Strict-Transport-Security").isPresent());
    }

    @Test
    void hstsIsSentOverHttpsOnly() {
        HttpResponse<String> response = web.get("/app/x", "X-Forwarded-Proto", "https");
        assertEquals("max-age=31536000; includeSubDomains",
                response.headers().firstValue("Strict-Transport-Security").orElseThrow());
        assertSecurityHeaders(response);
    }

    @Test
    void tenantRefusalsCarryTheHeaders() {
        HttpResponse<String> missing = web.get("/probe");
        assertEquals(400, missing.statusCode());
        assertSecurityHeaders(missing);
        HttpResponse<String> invalid = web.get("/probe", "X-Tenant-ID", "N0PE!");
        assertEquals(400, invalid.statusCode());
        assertSecurityHeaders(invalid);
        HttpResponse<String> unknown = web.get("/app/x", "X-Tenant-ID", "forbidden");
        assertEquals(404, unknown.statusCode());
        assertSecurityHeaders(unknown);
    }

    @Test
    void tooManyRequestsCarriesTheHeaders() {
        assertEquals(200, web.get("/app/x", "X-Tenant-ID", "limited", WebServer.USER, "ann").statusCode());
        HttpResponse<String> refused = web.get("/app/x", "X-Tenant-ID", "limited", WebServer.USER, "ann");
        assertEquals(429, refused.statusCode());
        assertSecurityHeaders(refused);
    }

    @Test
    void applicationErrorsCarryTheHeaders() {
        HttpResponse<String> sent = web.get("/app/x?mode=sendError");
        assertEquals(503, sent.statusCode());
        assertSecurityHeaders(sent);
        HttpResponse<String> thrown = web.get("/app/x?mode=throw");
        assertEquals(500, thrown.statusCode());
        assertSecurityHeaders(thrown);
        HttpResponse<String> noServlet = web.get("/app-nothing-here", "X-Tenant-ID", "acme");
        assertEquals(404, noServlet.statusCode());
        assertSecurityHeaders(noServlet);
    }

    @Test
    void headResponsesCarryTheHeaders() {
        HttpResponse<String> head = web.send(web.request("/app/x").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
        assertEquals(200, head.statusCode());
        assertSecurityHeaders(head);
    }

    @Test
    void headerSetByTheApplicationLaterWins() {
        HttpResponse<String> response = web.get("/app/x?mode=set");
        assertEquals(List.of("SAMEORIGIN"), response.headers().allValues("X-Frame-Options"));
    }

    @Test
    void headerAddedByTheApplicationReplacesTheDefaultInsteadOfDoublingIt() {
        HttpResponse<String> response = web.get("/app/x?mode=add");
        assertEquals(List.of("default-src 'self'"), response.headers().allValues("Content-Security-Policy"));
    }

    @Test
    void headerSetByTheApplicationBeforehandIsKept() {
        HttpResponse<String> response = web.get("/app/x", WebServer.PRESET, "Referrer-Policy=same-origin");
        assertEquals(List.of("same-origin"), response.headers().allValues("Referrer-Policy"));
        HttpResponse<String> refused = web.get("/probe", WebServer.PRESET, "Referrer-Policy=same-origin");
        assertEquals(400, refused.statusCode());
        assertEquals(List.of("same-origin"), refused.headers().allValues("Referrer-Policy"));
    }

    @Test
    void defaultsComeBackAfterTheApplicationResetsTheResponse() {
        HttpResponse<String> response = web.get("/app/x?mode=reset");
        assertEquals("ok", response.body());
        assertSecurityHeaders(response);
    }

    @Test
    void requestIdAndRateLimitFieldsAlsoSurviveAReset() {
        HttpResponse<String> response = web.get("/app/x?mode=reset", "X-Tenant-ID", "resetter", WebServer.USER, "ann");
        assertEquals(200, response.statusCode());
        assertEquals(1, response.headers().allValues("X-Request-ID").size());
        java.util.UUID.fromString(response.headers().firstValue("X-Request-ID").orElseThrow());
        assertEquals(List.of("\"ONE\";r=0;t=3600"), response.headers().allValues("RateLimit"));
        assertSecurityHeaders(response);
    }

    @Test
    void rateLimitFieldsReplaceValuesAnEarlierFilterSet() {
        HttpResponse<String> limit = web.get("/app/x", "X-Tenant-ID", "preset-limit", WebServer.USER, "ann",
                WebServer.PRESET, "RateLimit=stale");
        assertEquals(List.of("\"ONE\";r=0;t=3600"), limit.headers().allValues("RateLimit"));
    }

    @Test
    void headersAreConfigurable() {
        HttpResponse<String> response = custom.get("/app/x", "X-Forwarded-Proto", "https");
        assertEquals(List.of("default-src 'self'"), response.headers().allValues("Content-Security-Policy"));
        assertFalse(response.headers().firstValue("X-Frame-Options").isPresent());
        assertEquals(List.of("camera=()"), response.headers().allValues("Permissions-Policy"));
        assertEquals(List.of("max-age=60"), response.headers().allValues("Strict-Transport-Security"));
        assertEquals(List.of("nosniff"), response.headers().allValues("X-Content-Type-Options"));
    }
}
