package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TenantryWebConfigTest {

    private static TenantryWebConfig.Builder valid() {
        return TenantryWebConfig.builder().tenantResolvers(TenantResolver.header());
    }

    @Test
    void needsATenantResolver() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TenantryWebConfig.builder().build());
        assertTrue(e.getMessage().contains("tenantResolvers"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TenantryWebConfig.builder().tenantResolvers());
    }

    @Test
    void defaultsAreSafe() {
        TenantryWebConfig config = valid().build();
        assertEquals("nosniff", config.securityHeaders().get("X-Content-Type-Options"));
        assertEquals(TenantryWebConfig.DEFAULT_CONTENT_SECURITY_POLICY,
                config.securityHeaders().get("Content-Security-Policy"));
        assertEquals(TenantryWebConfig.DEFAULT_STRICT_TRANSPORT_SECURITY,
                config.strictTransportSecurity().orElseThrow());
        assertFalse(config.legacyRateLimitHeaders());
        assertTrue(config.trustedProxies().isEmpty());
        assertTrue(config.tenantOptionalPaths().containsAll(List.of("/api/health", "/api/health/*")));
        assertTrue(config.rateLimitExemptPaths().contains("/api/health/*"));
        assertEquals(List.of("/*"), config.urlPatterns());
    }

    @Test
    void securityHeadersCanBeTurnedOff() {
        TenantryWebConfig config = valid().securityHeaders(false).build();
        assertTrue(config.securityHeaders().isEmpty());
        assertTrue(config.strictTransportSecurity().isEmpty());
    }

    @Test
    void badValuesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().trustedProxies("proxy.internal"));
        assertTrue(e.getMessage().contains("proxy.internal"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> valid().trustedProxies("10.0.0.0/40"));
        assertThrows(IllegalArgumentException.class, () -> valid().healthPath("health"));
        assertThrows(IllegalArgumentException.class, () -> valid().healthPath("/health/"));
        assertThrows(IllegalArgumentException.class, () -> valid().tenantOptional("/a/*/b"));
        assertThrows(IllegalArgumentException.class, () -> valid().tenantOptional("*.jsp"));
        assertThrows(IllegalArgumentException.class, () -> valid().requestIdHeader("X Request"));
        assertThrows(IllegalArgumentException.class, () -> valid().contentSecurityPolicy("a\r\nSet-Cookie: x"));
        assertThrows(IllegalArgumentException.class, () -> valid().maxBodyBytes(10));
        assertThrows(IllegalArgumentException.class, () -> valid().urlPatterns());
        assertThrows(IllegalArgumentException.class, () -> TenantResolver.subdomain(".example.com"));
        assertThrows(IllegalArgumentException.class, () -> TenantResolver.pathPrefix("t/"));
        assertThrows(IllegalArgumentException.class, () -> TenantResolver.header(" "));
        assertThrows(IllegalArgumentException.class, () -> ProblemDetails.of(200, "x", "t", "d"));
        assertThrows(IllegalArgumentException.class, () -> ProblemDetails.of(400, "Bad Name", "t", "d"));
    }

    @Test
    void conflictingPathsAreRefused() {
        IllegalStateException overlap = assertThrows(IllegalStateException.class,
                () -> valid().auditPath("/api/health/audit").build());
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
        IllegalStateException outside = assertThrows(IllegalStateException.class,
                () -> valid().urlPatterns("/app/*").build());
        assertTrue(outside.getMessage().contains("outside"), outside.getMessage());
        valid().urlPatterns("/api/*").build();
    }

    @Test
    void securityHeadersAreReplacedCaseInsensitively() {
        TenantryWebConfig config = valid().securityHeader("x-frame-options", "SAMEORIGIN")
                .securityHeader("strict-transport-security", null).build();
        assertEquals("SAMEORIGIN", config.securityHeaders().get("x-frame-options"));
        assertFalse(config.securityHeaders().containsKey("X-Frame-Options"));
        assertTrue(config.strictTransportSecurity().isEmpty());
    }

    @Test
    void problemDetailsSerializeAsRfc9457() {
        String json = new String(ProblemDetails.of(404, "unknown-tenant", "Unknown tenant", "no \"tenant\"")
                .toJson("r-1"), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"urn:tenantry:problem:unknown-tenant\",\"title\":\"Unknown tenant\",\"status\":404,"
                + "\"detail\":\"no \\\"tenant\\\"\",\"requestId\":\"r-1\"}", json);
    }

    @Test
    void strangersAreLimitedByDefaultAndNullsAreRefused() {
        TenantryWebConfig bare = valid().build();
        assertTrue(bare.anonymousLimiter().isEmpty(), "no anonymous limit without a rate limiter");
        assertTrue(bare.tenantResolversMustAgree());
        assertEquals("Bearer", bare.authenticationChallenge());
        dev.tenantry.ratelimit.RateLimiter limiter = dev.tenantry.ratelimit.RateLimiter.builder()
                .plan("P", dev.tenantry.ratelimit.Bandwidth.of(1, java.time.Duration.ofSeconds(1)))
                .everyTenantOn("P").build();
        TenantryWebConfig limited = valid().rateLimiter(limiter).build();
        assertTrue(limited.anonymousLimiter().isPresent(), "an anonymous limit comes with the rate limiter");
        assertEquals(TenantryWebConfig.DEFAULT_ANONYMOUS_LIMIT.name(), limited.anonymousLimiter().get()
                .status(dev.tenantry.ratelimit.RateLimitKey.tenant(dev.tenantry.TenantId.of("acme"))).policy());
        assertThrows(NullPointerException.class, () -> valid().anonymousLimiter(null));
        assertThrows(NullPointerException.class, () -> valid().failedAuthenticationLimiter(null));
        assertThrows(NullPointerException.class, () -> valid().authenticationChallenge(null));
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> valid().authenticationChallenge(" "));
        assertTrue(blank.getMessage().contains("challenge"), blank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> valid().authenticationChallenge("Bearer\r\nX: y"));
        assertEquals("Basic realm=\"api\"", valid().authenticationChallenge("Basic realm=\"api\"").build()
                .authenticationChallenge());
    }

    @Test
    void theConsoleIsOffByDefaultAndItsSettingsAreChecked() {
        assertTrue(valid().build().console().isEmpty());
        ConsoleSettings defaults = ConsoleSettings.defaults();
        assertEquals(ConsoleSettings.DEFAULT_PATH, defaults.path());
        assertTrue(defaults.signInEndpoint().isEmpty() && defaults.tenantHeader().isEmpty());
        assertEquals("/ops", valid().console(ConsoleSettings.builder().path("/ops").build()).build().console()
                .orElseThrow().path());
        for (String bad : new String[] {"admin", "/admin/", "/ad*", "/a\"b", "/a<b", "/a//b", "/a/../b", "/a b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConsoleSettings.builder().path(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ConsoleSettings.builder().signInEndpoint("/login?x=1"));
        assertThrows(IllegalArgumentException.class, () -> ConsoleSettings.builder().tenantHeader("X Tenant"));
        assertThrows(NullPointerException.class, () -> valid().console(null));
    }

    @Test
    void theConsoleAndOrganizationPathsMayNotOverlapTheEndpoints() {
        IllegalStateException overlap = assertThrows(IllegalStateException.class, () -> valid()
                .console(ConsoleSettings.builder().path("/api/audit/console").build()).build());
        assertTrue(overlap.getMessage().contains("/api/audit/console"), overlap.getMessage());
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> valid().urlPatterns("/api/*")
                .console(ConsoleSettings.defaults()).build());
        assertTrue(outside.getMessage().contains("/admin"), outside.getMessage());
    }

    @Test
    void aSetterCalledAgainReplacesWhatTheEarlierCallSet() {
        TenantryWebConfig config = valid().tenantOptional("/a/*").tenantOptional("/b/*")
                .trustedProxies("10.0.0.1").trustedProxies("10.0.0.2")
                .rateLimitExempt("/c").rateLimitExempt("/d")
                .urlPatterns("/x/*").urlPatterns("/*")
                .healthPath("/h1").healthPath("/h2")
                .tenantResolvers(TenantResolver.subdomain("example.com")).tenantResolvers(TenantResolver.header())
                .build();
        assertFalse(config.tenantOptionalPaths().contains("/a/*"), config.tenantOptionalPaths().toString());
        assertTrue(config.tenantOptionalPaths().contains("/b/*"), config.tenantOptionalPaths().toString());
        assertEquals(List.of("10.0.0.2"), config.trustedProxies());
        assertFalse(config.rateLimitExemptPaths().contains("/c"), config.rateLimitExemptPaths().toString());
        assertTrue(config.rateLimitExemptPaths().contains("/d"), config.rateLimitExemptPaths().toString());
        assertEquals(List.of("/*"), config.urlPatterns());
        assertEquals("/h2", config.healthPath());
        assertEquals(1, config.tenantResolvers().size());
    }

    @Test
    void nullListsAndElementsAreRefusedNamingWhich() {
        for (Runnable call : List.<Runnable>of(
                () -> valid().tenantOptional((String[]) null),
                () -> valid().tenantOptional("/a", null),
                () -> valid().trustedProxies((String[]) null),
                () -> valid().trustedProxies("10.0.0.1", null),
                () -> valid().rateLimitExempt((String[]) null),
                () -> valid().rateLimitExempt(null, "/a"),
                () -> valid().urlPatterns((String[]) null),
                () -> valid().urlPatterns("/*", null),
                () -> valid().tenantResolvers((TenantResolver[]) null),
                () -> valid().tenantResolvers(TenantResolver.header(), null))) {
            NullPointerException e = assertThrows(NullPointerException.class, call::run);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the message names the argument");
        }
        NullPointerException element = assertThrows(NullPointerException.class,
                () -> valid().trustedProxies("10.0.0.1", null));
        assertEquals("trusted proxy [1]", element.getMessage());
    }

    @Test
    void aRefusedCallChangesNothing() {
        TenantryWebConfig.Builder builder = valid().tenantOptional("/kept/*");
        assertThrows(IllegalArgumentException.class, () -> builder.tenantOptional("/ok", "*.jsp"));
        assertThrows(NullPointerException.class, () -> builder.tenantOptional("/ok", null));
        assertTrue(builder.build().tenantOptionalPaths().contains("/kept/*"));
    }
}
