package dev.tenantry.health;

import static dev.tenantry.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The registry: roll-up, groups, failures, timeouts and the rule that a hung check never piles up threads. */
class HealthTest {

    private static final Duration SHORT = Duration.ofMillis(100);

    /** Waits on {@code latch} whatever interrupts come, as a check that ignores cancellation would. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void statusesRollUpToTheWorst() {
        try (Health health = Health.builder()
                .readiness("a", () -> CheckResult.healthy().withDetail("n", 1))
                .readiness("b", () -> CheckResult.degraded("slow"))
                .liveness("c", CheckResult::healthy)
                .build()) {
            HealthReport ready = health.readiness();
            assertEquals(HealthStatus.DEGRADED, ready.status());
            assertEquals(200, ready.httpStatus());
            assertEquals(List.of("a", "b"), List.copyOf(ready.checks().keySet()));
            assertEquals(Map.of("n", 1), ready.checks().get("a").detail());
            assertEquals("slow", ready.checks().get("b").message());
        }
        try (Health health = Health.builder()
                .readiness("a", CheckResult::healthy)
                .readiness("b", () -> CheckResult.degraded("slow"))
                .readiness("c", () -> CheckResult.unhealthy("down"))
                .build()) {
            HealthReport ready = health.readiness();
            assertEquals(HealthStatus.UNHEALTHY, ready.status());
            assertEquals(503, ready.httpStatus());
            assertEquals(HealthStatus.HEALTHY, ready.checks().get("a").status());
        }
    }

    @Test
    void livenessRunsOnlyLivenessChecksAndIsHealthyWithNone() {
        AtomicInteger readinessRuns = new AtomicInteger();
        try (Health health = Health.builder()
                .readiness("mongodb", () -> {
                    readinessRuns.incrementAndGet();
                    return CheckResult.unhealthy("down");
                })
                .build()) {
            HealthReport live = health.liveness();
            assertEquals(HealthStatus.HEALTHY, live.status());
            assertTrue(live.checks().isEmpty());
            assertEquals(0, readinessRuns.get(), "liveness must not depend on readiness checks");
            assertEquals(HealthStatus.UNHEALTHY, health.readiness().status());
            HealthReport all = health.report();
            assertEquals(HealthStatus.UNHEALTHY, all.status());
            assertEquals(2, readinessRuns.get());
        }
        try (Health empty = Health.builder().build()) {
            assertEquals(HealthStatus.HEALTHY, empty.liveness().status());
            assertEquals(HealthStatus.HEALTHY, empty.readiness().status());
            assertEquals(HealthStatus.HEALTHY, empty.report().status());
        }
    }

    @Test
    void reportHoldsEveryCheckInRegistrationOrder() {
        try (Health health = Health.builder()
                .liveness("process", CheckResult::healthy)
                .readiness("mongodb", () -> CheckResult.degraded("slow"))
                .liveness("memory", CheckResult::healthy)
                .build()) {
            HealthReport all = health.report();
            assertEquals(List.of("process", "mongodb", "memory"), List.copyOf(all.checks().keySet()));
            assertEquals(HealthStatus.DEGRADED, all.status());
            assertEquals(List.of("process", "memory"), List.copyOf(health.liveness().checks().keySet()));
        }
    }

    @Test
    void aCheckThatThrowsIsUnhealthyWithItsMessage() {
        try (Health health = Health.builder()
                .readiness("boom", () -> {
                    throw new IllegalStateException("disk on fire");
                })
                .readiness("silent", () -> {
                    throw new IllegalStateException();
                })
                .readiness("error", () -> {
                    throw new AssertionError("broken invariant");
                })
                .readiness("null", () -> null)
                .readiness("fine", CheckResult::healthy)
                .build()) {
            HealthReport ready = health.readiness();
            assertEquals(HealthStatus.UNHEALTHY, ready.status());
            CheckReport boom = ready.checks().get("boom");
            assertEquals(HealthStatus.UNHEALTHY, boom.status());
            assertEquals("disk on fire", boom.message());
            assertEquals(IllegalStateException.class.getName(), boom.detail().get("error"));
            assertEquals(IllegalStateException.class.getName(), ready.checks().get("silent").message());
            assertEquals("broken invariant", ready.checks().get("error").message());
            assertEquals(HealthStatus.UNHEALTHY, ready.checks().get("null").status());
            assertEquals(HealthStatus.HEALTHY, ready.checks().get("fine").status());
        }
    }

    @Test
    void aHungCheckIsBoundedByItsTimeoutAndInterrupted() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<Thread> runner = new AtomicReference<>();
        try (Health health = Health.builder().timeout(SHORT)
                .readiness("hung", () -> {
                    runner.set(Thread.currentThread());
                    try {
                        release.await();
                        return CheckResult.healthy();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                })
                .readiness("fine", CheckResult::healthy)
                .build()) {
            HealthReport ready = health.readiness();
            assertEquals(1, release.getCount(), "the call returned while the check was still hung");
            assertEquals(HealthStatus.UNHEALTHY, ready.status());
            assertEquals(503, ready.httpStatus());
            CheckReport hung = ready.checks().get("hung");
            assertEquals("timed out after 100 ms", hung.message());
            assertEquals(100, hung.durationMillis());
            assertEquals(HealthStatus.HEALTHY, ready.checks().get("fine").status(), "other checks still answer");
            assertTrue(interrupted.await(30, TimeUnit.SECONDS), "the hung check is interrupted");
            assertTrue(runner.get().getName().startsWith("tenantry-health-"), runner.get().getName());
            assertTrue(runner.get().isDaemon());
        } finally {
            release.countDown();
        }
    }

    @Test
    void aCheckStillHangingIsNotStartedAgain() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try (Health health = Health.builder().timeout(SHORT)
                .readiness("stuck", () -> {
                    runs.incrementAndGet();
                    awaitUninterruptibly(release); // ignores the cancellation, as a badly behaved client might
                    return CheckResult.healthy();
                })
                .build()) {
            assertEquals("timed out after 100 ms", health.readiness().checks().get("stuck").message());
            until("the first evaluation is past its deadline", () -> health.readiness().checks().get("stuck")
                    .detail().containsKey("runningForMillis"));
            for (int i = 0; i < 50; i++) {
                HealthReport again = health.readiness();
                assertEquals(HealthStatus.UNHEALTHY, again.status());
                CheckReport stuck = again.checks().get("stuck");
                assertEquals("timed out after 100 ms", stuck.message(), "it still hangs: told at once");
                assertTrue(stuck.detail().containsKey("runningForMillis"));
            }
            assertEquals(1, runs.get(), "a hung check occupies one thread, however often health is polled");
            assertEquals(1, release.getCount(), "every call returned while the check was still hung");
            release.countDown();
            until("the check runs again, and recovers, once its hung run ends",
                    () -> health.readiness().status() == HealthStatus.HEALTHY && runs.get() >= 2);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aCheckRunsAgainAsSoonAsItHasAnswered() {
        AtomicInteger runs = new AtomicInteger();
        try (Health health = Health.builder()
                .readiness("counted", () -> CheckResult.healthy().withDetail("run", runs.incrementAndGet()))
                .build()) {
            for (int i = 1; i <= 500; i++) {
                CheckReport counted = health.readiness().checks().get("counted");
                assertEquals(HealthStatus.HEALTHY, counted.status(), "call " + i + ": " + counted.message());
                assertEquals(i, counted.detail().get("run"));
            }
        }
    }

    @Test
    void concurrentCallsShareOneEvaluationOfACheck() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        try (Health health = Health.builder().timeout(Duration.ofSeconds(30))
                .readiness("slow", () -> {
                    runs.incrementAndGet();
                    maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    try {
                        entered.countDown();
                        release.await();
                        return CheckResult.healthy();
                    } finally {
                        concurrent.decrementAndGet();
                    }
                })
                .build()) {
            AtomicReference<HealthReport> first = new AtomicReference<>();
            AtomicReference<HealthReport> second = new AtomicReference<>();
            Thread one = new Thread(() -> first.set(health.readiness()));
            one.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            Thread two = new Thread(() -> second.set(health.readiness()));
            two.start();
            until("the second call waits for the evaluation in progress", () -> two.getState()
                    == Thread.State.TIMED_WAITING);
            release.countDown();
            one.join(TimeUnit.SECONDS.toMillis(30));
            two.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(HealthStatus.HEALTHY, first.get().status());
            assertEquals(HealthStatus.HEALTHY, second.get().status(), "told the shared result, not 'still running'");
            assertEquals(1, runs.get(), "one evaluation for both calls");
            assertEquals(1, maxConcurrent.get());
        } finally {
            release.countDown();
        }
    }

    @Test
    void eightCallersPollingAHealthySlowCheckAreAllToldItIsHealthy() throws Exception {
        try (Health health = Health.builder().timeout(Duration.ofSeconds(10))
                .readiness("slow", () -> {
                    Thread.sleep(50); // the dependency's own latency, not a wait for the test
                    return CheckResult.healthy();
                })
                .build()) {
            int callers = 8;
            int polls = 10;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
            CountDownLatch go = new CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<java.util.List<HealthReport>>> futures =
                    new java.util.ArrayList<>();
            for (int c = 0; c < callers; c++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    java.util.List<HealthReport> reports = new java.util.ArrayList<>();
                    for (int i = 0; i < polls; i++) {
                        reports.add(health.readiness());
                    }
                    return reports;
                }));
            }
            go.countDown();
            int unhealthy = 0;
            String example = null;
            for (java.util.concurrent.Future<java.util.List<HealthReport>> f : futures) {
                for (HealthReport report : f.get(120, TimeUnit.SECONDS)) {
                    if (report.status() != HealthStatus.HEALTHY) {
                        unhealthy++;
                        example = report.checks().get("slow").message();
                    }
                }
            }
            pool.shutdown();
            assertEquals(0, unhealthy, unhealthy + " of " + callers * polls + " reports unhealthy, e.g. " + example);
        }
    }

    @Test
    void aPerCheckTimeoutOverridesTheDefault() {
        CountDownLatch release = new CountDownLatch(1);
        try (Health health = Health.builder().timeout(Duration.ofSeconds(30))
                .liveness("quick", Duration.ofMillis(50), () -> {
                    release.await();
                    return CheckResult.healthy();
                })
                .build()) {
            HealthReport live = health.liveness();
            assertEquals(1, release.getCount(), "returned before the hung check was released");
            assertEquals("timed out after 50 ms", live.checks().get("quick").message());
        } finally {
            release.countDown();
        }
    }

    @Test
    void closingInterruptsRunningChecksAndRefusesLaterCalls() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Health health = Health.builder().timeout(Duration.ofSeconds(30))
                .readiness("hung", () -> {
                    entered.countDown();
                    release.await();
                    return CheckResult.healthy();
                })
                .build();
        try {
            AtomicReference<HealthReport> report = new AtomicReference<>();
            Thread caller = new Thread(() -> report.set(health.readiness()));
            caller.start();
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            health.close();
            health.close(); // idempotent
            caller.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(1, release.getCount(), "the call returned while the check was still waiting");
            assertEquals(HealthStatus.UNHEALTHY, report.get().status());
            assertEquals("interrupted", report.get().checks().get("hung").message());
            assertThrows(IllegalStateException.class, health::readiness);
            assertThrows(IllegalStateException.class, health::liveness);
        } finally {
            release.countDown();
        }
    }

    @Test
    void reportsAreStampedByTheClockAndSerializeAsPlainValues() {
        Instant now = Instant.parse("2024-05-01T12:00:00Z");
        try (Health health = Health.builder().clock(Clock.fixed(now, ZoneOffset.UTC))
                .liveness("process", CheckResult::healthy)
                .readiness("mongodb", () -> CheckResult.degraded("slow").withDetail("pingMillis", 12.5))
                .build()) {
            HealthReport all = health.report();
            assertEquals(now, all.checkedAt());
            Map<String, Object> map = all.toMap();
            assertEquals("degraded", map.get("status"));
            assertEquals("2024-05-01T12:00:00Z", map.get("checkedAt"));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> checks = (Map<String, Map<String, Object>>) map.get("checks");
            Map<String, Object> process = checks.get("process");
            assertEquals("healthy", process.get("status"));
            assertFalse(process.containsKey("message"), "no message, no key");
            assertFalse(process.containsKey("detail"), "no detail, no key");
            assertTrue(process.get("durationMillis") instanceof Long);
            Map<String, Object> mongodb = checks.get("mongodb");
            assertEquals("slow", mongodb.get("message"));
            assertEquals(Map.of("pingMillis", 12.5), mongodb.get("detail"));
        }
    }

    @Test
    void builderRejectsBadRegistrations() {
        Health.Builder builder = Health.builder().liveness("process", CheckResult::healthy);
        assertThrows(IllegalArgumentException.class, () -> builder.readiness("process", CheckResult::healthy));
        assertThrows(IllegalArgumentException.class, () -> builder.readiness(" ", CheckResult::healthy));
        assertThrows(IllegalArgumentException.class, () -> builder.timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.timeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> builder.readiness("x", Duration.ZERO, CheckResult::healthy));
        assertThrows(NullPointerException.class, () -> builder.clock(null));
    }

    @Test
    void statusesKnowTheirHttpCodeAndWireName() {
        assertEquals(200, HealthStatus.HEALTHY.httpStatus());
        assertEquals(200, HealthStatus.DEGRADED.httpStatus());
        assertEquals(503, HealthStatus.UNHEALTHY.httpStatus());
        assertEquals("healthy", HealthStatus.HEALTHY.wireName());
        assertEquals("degraded", HealthStatus.DEGRADED.wireName());
        assertEquals("unhealthy", HealthStatus.UNHEALTHY.wireName());
        assertEquals(HealthStatus.DEGRADED, HealthStatus.HEALTHY.worse(HealthStatus.DEGRADED));
        assertEquals(HealthStatus.UNHEALTHY, HealthStatus.UNHEALTHY.worse(HealthStatus.DEGRADED));
    }

    @Test
    void checkResultsAreImmutable() {
        CheckResult plain = CheckResult.healthy();
        CheckResult more = plain.withDetail("a", 1).withDetail("b", "x");
        assertTrue(plain.detail().isEmpty());
        assertEquals(List.of("a", "b"), List.copyOf(more.detail().keySet()));
        assertNull(more.message());
        assertThrows(UnsupportedOperationException.class, () -> more.detail().put("c", 2));
        assertEquals(HealthStatus.UNHEALTHY, CheckResult.unhealthy("down").status());
        assertEquals("ok", CheckResult.healthy("ok").message());
        assertThrows(NullPointerException.class, () -> plain.withDetail("k", null));
    }
}
