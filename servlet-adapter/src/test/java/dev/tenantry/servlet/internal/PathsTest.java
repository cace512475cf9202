package dev.tenantry.servlet.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Servlet-style path patterns: exact, prefix and match-all, compared without building strings. */
class PathsTest {

    @Test
    void exactPatternMatchesOnlyItself() {
        assertTrue(Paths.matches("/api/health", "/api/health"));
        assertFalse(Paths.matches("/api/health", "/api/health/"));
        assertFalse(Paths.matches("/api/health", "/api/healthz"));
        assertFalse(Paths.matches("/api/health", "/api"));
    }

    @Test
    void prefixPatternMatchesItsBaseAndWhatLiesBelow() {
        assertTrue(Paths.matches("/api/*", "/api"));
        assertTrue(Paths.matches("/api/*", "/api/"));
        assertTrue(Paths.matches("/api/*", "/api/orders/1"));
        assertFalse(Paths.matches("/api/*", "/apis"));
        assertFalse(Paths.matches("/api/*", "/ap"));
        assertFalse(Paths.matches("/api/*", "/other/api/x"));
        assertFalse(Paths.matches("/api/*", "/"));
    }

    @Test
    void matchAllPatternMatchesEverything() {
        assertTrue(Paths.matches("/*", "/"));
        assertTrue(Paths.matches("/*", "/anything/at/all"));
    }

    @Test
    void isUnderMeansTheBaseOrBelowIt() {
        assertTrue(Paths.isUnder("/exports", "/exports"));
        assertTrue(Paths.isUnder("/exports", "/exports/42"));
        assertFalse(Paths.isUnder("/exports", "/exportsx"));
        assertFalse(Paths.isUnder("/exports", "/export"));
    }
}
