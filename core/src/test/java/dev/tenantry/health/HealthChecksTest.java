package dev.tenantry.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.tenantry.audit.AuditStats;
import dev.tenantry.audit.AuditTrail;
import org.junit.jupiter.api.Test;

/** The audit trail check's rules, on counters set by hand. MongoDB checks run against a server in {@code HealthIT}. */
class HealthChecksTest {

    private final AuditTrail trail = mock(AuditTrail.class);

    private CheckResult check(HealthCheck check) throws Exception {
        return check.check();
    }

    @Test
    void auditTrailIsHealthyWithAShortQueueAndNoNewFailures() throws Exception {
        when(trail.stats()).thenReturn(new AuditStats(3, 100, 7, 0, 0));
        HealthCheck check = HealthChecks.queue(trail::stats, 10);
        CheckResult result = check(check);
        assertEquals(HealthStatus.HEALTHY, result.status(), "failures before the check was made are not new");
        assertEquals(3L, result.detail().get("queued"));
        assertEquals(100L, result.detail().get("written"));
        assertEquals(7L, result.detail().get("failedAttempts"));
        assertEquals(0L, result.detail().get("dropped"));
        assertEquals(0L, result.detail().get("failedSinceLastCheck"));
    }

    @Test
    void auditTrailDegradesWhileTheQueueIsTooLong() throws Exception {
        when(trail.stats()).thenReturn(new AuditStats(0, 0, 0, 0, 0));
        HealthCheck check = HealthChecks.queue(trail::stats, 10);
        when(trail.stats()).thenReturn(new AuditStats(11, 0, 0, 0, 0));
        CheckResult result = check(check);
        assertEquals(HealthStatus.DEGRADED, result.status());
        assertTrue(result.message().contains("11 entries queued"), result.message());
        when(trail.stats()).thenReturn(new AuditStats(10, 1, 0, 0, 0));
        assertEquals(HealthStatus.HEALTHY, check(check).status(), "at the limit is fine");
    }

    @Test
    void auditTrailDegradesWhenFailuresGrewSinceTheLastCall() throws Exception {
        when(trail.stats()).thenReturn(new AuditStats(0, 5, 2, 0, 0));
        HealthCheck check = HealthChecks.queue(trail::stats, 10);
        when(trail.stats()).thenReturn(new AuditStats(1, 5, 5, 0, 0));
        CheckResult failing = check(check);
        assertEquals(HealthStatus.DEGRADED, failing.status());
        assertTrue(failing.message().contains("3 write attempts failed"), failing.message());
        assertEquals(3L, failing.detail().get("failedSinceLastCheck"));
        when(trail.stats()).thenReturn(new AuditStats(0, 6, 5, 0, 0));
        assertEquals(HealthStatus.HEALTHY, check(check).status(), "no new failures since the previous call");
    }

    @Test
    void auditTrailDegradesOnceEntriesWereDropped() throws Exception {
        when(trail.stats()).thenReturn(new AuditStats(0, 0, 0, 0, 0));
        HealthCheck check = HealthChecks.queue(trail::stats, 10);
        when(trail.stats()).thenReturn(new AuditStats(0, 9, 0, 4, 0));
        CheckResult result = check(check);
        assertEquals(HealthStatus.DEGRADED, result.status());
        assertTrue(result.message().contains("4 entries dropped"), result.message());
        assertEquals(4L, result.detail().get("dropped"));
    }

    @Test
    void auditTrailDegradesOnceEntriesWentToTheDeadLetters() throws Exception {
        when(trail.stats()).thenReturn(new AuditStats(0, 0, 0, 0, 0));
        HealthCheck check = HealthChecks.queue(trail::stats, 10);
        when(trail.stats()).thenReturn(new AuditStats(0, 9, 1, 0, 2));
        CheckResult result = check(check);
        assertEquals(HealthStatus.DEGRADED, result.status());
        assertTrue(result.message().contains("2 entries could not be written"), result.message());
        assertEquals(2L, result.detail().get("deadLettered"));
    }

    @Test
    void auditTrailRejectsANegativeLimit() {
        assertThrows(IllegalArgumentException.class, () -> HealthChecks.queue(trail::stats, -1));
    }
}
