package dev.tenantry.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.TenantId;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every rate-limiter store must do, run against each: in process ({@link InProcessRateLimiterTest}) and shared
 * through MongoDB ({@link SharedRateLimiterIT}), so both enforce the same arithmetic and the same guarantees.
 */
abstract class RateLimiterContract {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    final MutableClock clock = new MutableClock();

    /** Chooses the store under test; {@code name} keeps tests' buckets apart where the store is shared. */
    abstract RateLimiter.Builder store(RateLimiter.Builder builder, String name);

    /** Shared across test instances, so no two limiters of a run share a store. */
    private static final java.util.concurrent.atomic.AtomicInteger LIMITERS = new java.util.concurrent.atomic
            .AtomicInteger();

    RateLimiter limiter(Bandwidth... bandwidths) {
        return store(RateLimiter.builder().plan("FREE", bandwidths).everyTenantOn("FREE").clock(clock),
                "b" + LIMITERS.incrementAndGet()).build();
    }

    static int drain(RateLimiter limiter, RateLimitKey key) {
        int granted = 0;
        while (limiter.tryAcquire(key).allowed()) {
            granted++;
        }
        return granted;
    }

    @Test
    void refillIsExactToTheNanosecond() {
        RateLimiter limiter = limiter(Bandwidth.of(3, Duration.ofSeconds(1))); // one token per 333,333,333.3.. ns
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertEquals(3, drain(limiter, key));
        clock.advanceNanos(333_333_333);
        assertFalse(limiter.tryAcquire(key).allowed(), "a third of a nanosecond short");
        clock.advanceNanos(1);
        assertTrue(limiter.tryAcquire(key).allowed());
        // a million tiny steps add up exactly: no drift from rounding
        for (int i = 0; i < 1_000_000; i++) {
            clock.advanceNanos(1_000);
        }
        assertEquals(3, drain(limiter, key), "1 s of 1 us steps refills exactly 3 tokens");
    }

    @Test
    void everyBandwidthMustHaveTheTokens() {
        RateLimiter limiter = limiter(Bandwidth.of(5, Duration.ofSeconds(1)), Bandwidth.of(12, Duration.ofHours(1)));
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertEquals(5, drain(limiter, key), "the burst binds first");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(5, drain(limiter, key));
        clock.advance(Duration.ofSeconds(1));
        RateLimitDecision last = null;
        int granted = 0;
        while ((last = limiter.tryAcquire(key)).allowed()) {
            granted++;
        }
        assertEquals(2, granted, "then the hourly sustained rate: 12 an hour, 10 spent, plus 2 s of refill");
        assertEquals(12, last.limit(), "the binding bandwidth is reported");
        assertEquals(0, last.remaining());
        // 12 per hour is one per 300 s: the next token is 300 s minus the 2 s already refilled... exactly
        assertTrue(last.retryAfter().compareTo(Duration.ofSeconds(290)) > 0, last.retryAfter().toString());
        assertEquals(last.retryAfter().toSeconds() + (last.retryAfter().toNanosPart() > 0 ? 1 : 0),
                last.retryAfterSeconds(), "Retry-After rounds up");
    }

    @Test
    void longIdlesRefillToCapacityAndNoFurther() {
        RateLimiter limiter = limiter(Bandwidth.of(1_000_000, Duration.ofDays(1)));
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertTrue(limiter.tryAcquire(key, 1_000_000).allowed());
        clock.advance(Duration.ofDays(365L * 200));
        RateLimitDecision status = limiter.status(key);
        assertEquals(1_000_000, status.remaining());
        assertEquals(Duration.ZERO, status.resetAfter());
    }

    @Test
    void decisionsCarryWhatHeadersNeed() {
        RateLimiter limiter = limiter(Bandwidth.of(10, Duration.ofMinutes(1)));
        RateLimitKey key = RateLimitKey.user(ACME, "u1");
        RateLimitDecision first = limiter.tryAcquire(key, 4);
        assertTrue(first.allowed());
        assertEquals(10, first.limit());
        assertEquals(6, first.remaining());
        assertEquals(Duration.ofSeconds(24), first.resetAfter(), "4 tokens at 6 s each");
        assertEquals(Duration.ZERO, first.retryAfter());
        assertEquals("FREE", first.policy());
        assertEquals("\"FREE\";q=10;w=60", first.policyHeader());
        assertEquals("\"FREE\";r=6;t=24", first.rateLimitHeader());
        RateLimitDecision denied = limiter.tryAcquire(key, 7);
        assertFalse(denied.allowed());
        assertEquals(6, denied.remaining(), "a refused request takes nothing");
        assertEquals(Duration.ofSeconds(6), denied.retryAfter());
        RateLimitDecision status = limiter.status(key);
        assertTrue(status.allowed());
        assertEquals(6, status.remaining(), "status takes nothing");
    }

    @Test
    void severalBandwidthsGetAHeaderItemEachAndRateLimitNamesTheOneThatBinds() {
        // a burst of 10 a minute (one back every 6 s) and 12 an hour (one back every 300 s)
        RateLimiter limiter = limiter(Bandwidth.of(10, Duration.ofMinutes(1)), Bandwidth.of(12, Duration.ofHours(1)));
        RateLimitKey key = RateLimitKey.user(ACME, "multi");
        RateLimitDecision first = limiter.tryAcquire(key, 4);
        assertEquals("\"FREE-1\";q=10;w=60, \"FREE-2\";q=12;w=3600", first.policyHeader());
        assertEquals("\"FREE-1\";r=6;t=24", first.rateLimitHeader(), "6 of 10 left binds before 8 of 12; the "
                + "burst is full again in 24 s");
        clock.advance(Duration.ofMinutes(1));
        RateLimitDecision later = limiter.status(key);
        assertEquals("\"FREE-2\";r=8;t=1140", later.rateLimitHeader(), "the burst is full; 8.2 of 12 left, full "
                + "again after 3.8 × 300 s");
        assertEquals(12, later.limit());
        assertEquals(Duration.ofSeconds(1140), later.resetAfter());
    }

    @Test
    void aRefusalNamesTheBandwidthThatMakesTheCallerWaitAndItsTIsTheRetryAfter() {
        // 10 a second (one back every 100 ms) and 12 an hour (one back every 300 s): both empty after 10 requests
        // in a second's time, and the hourly one is what the caller waits for, though the burst has the fewer tokens.
        RateLimiter limiter = limiter(Bandwidth.of(10, Duration.ofSeconds(1)), Bandwidth.of(12, Duration.ofHours(1)));
        RateLimitKey key = RateLimitKey.user(ACME, "refused");
        assertEquals(10, drain(limiter, key));
        clock.advance(Duration.ofMillis(200));
        assertTrue(limiter.tryAcquire(key).allowed());
        assertTrue(limiter.tryAcquire(key).allowed());
        RateLimitDecision denied = limiter.tryAcquire(key);
        assertFalse(denied.allowed());
        assertEquals("FREE-2", denied.bindingName());
        assertEquals(12, denied.limit());
        assertEquals(0, denied.remaining());
        assertEquals(denied.retryAfterSeconds(), denied.bindingResetSeconds());
        assertEquals("\"FREE-2\";r=0;t=" + denied.retryAfterSeconds(), denied.rateLimitHeader());
        RateLimitDecision single = limiter(Bandwidth.of(3, Duration.ofMinutes(1))).tryAcquire(key, 3);
        assertTrue(single.allowed());
        assertEquals(60, single.bindingResetSeconds(), "allowed: until the bucket is full again");
    }

    @Test
    void aClockThatGoesBackwardsRefillsNothingAndBreaksNothing() {
        RateLimiter limiter = limiter(Bandwidth.of(2, Duration.ofSeconds(10)));
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertEquals(2, drain(limiter, key));
        clock.advance(Duration.ofSeconds(-30));
        assertFalse(limiter.tryAcquire(key).allowed());
        clock.advance(Duration.ofSeconds(35));
        assertEquals(1, drain(limiter, key), "5 s past the last refill: one token, nothing for the lost 30 s");
    }

    @Test
    void eightThreadsReleasedTogetherGetExactlyTheCapacity() throws Exception {
        int capacity = 200;
        RateLimiter limiter = limiter(Bandwidth.of(capacity, 1, Duration.ofDays(1)));
        assertEquals(capacity, admittedFromThreads(List.of(limiter), RateLimitKey.tenant(ACME), 8, 60));
    }

    /** Permits granted to {@code threadsPerLimiter} threads per limiter, all released together by one latch. */
    static int admittedFromThreads(List<RateLimiter> limiters, RateLimitKey key, int threadsPerLimiter,
                                   int attemptsPerThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerLimiter * limiters.size());
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (RateLimiter limiter : limiters) {
            for (int t = 0; t < threadsPerLimiter; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attemptsPerThread; i++) {
                        if (limiter.tryAcquire(key).allowed()) {
                            granted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return granted.get();
    }

    @Test
    void keysNeverShareTokens() {
        RateLimiter limiter = limiter(Bandwidth.of(3, Duration.ofHours(1)));
        assertEquals(3, drain(limiter, RateLimitKey.tenant(ACME)));
        assertEquals(3, drain(limiter, RateLimitKey.tenant(GLOBEX)));
        assertEquals(3, drain(limiter, RateLimitKey.user(ACME, "u1")));
        assertEquals(3, drain(limiter, RateLimitKey.user(GLOBEX, "u1")));
        assertEquals(3, drain(limiter, RateLimitKey.ip(ACME, "10.0.0.1")));
        assertEquals(3, drain(limiter, RateLimitKey.custom(ACME, "endpoint", "/export")));
        assertEquals(0, drain(limiter, RateLimitKey.tenant(ACME)));
    }

    @Test
    void planChangesTakeEffectWithoutAFreshBurst() {
        Map<TenantId, String> planOf = new ConcurrentHashMap<>(Map.of(ACME, "FREE"));
        RateLimiter limiter = store(RateLimiter.builder().clock(clock)
                .plan("FREE", Bandwidth.of(5, Duration.ofHours(1)))
                .plan("PRO", Bandwidth.of(100, Duration.ofHours(1)))
                .planResolver(planOf::get), "plans" + LIMITERS.incrementAndGet()).build();
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertEquals(4, drainUpTo(limiter, key, 4));
        planOf.put(ACME, "PRO");
        assertEquals("FREE", limiter.status(key).policy(), "cached until invalidated");
        limiter.invalidatePlan(ACME);
        RateLimitDecision upgraded = limiter.status(key);
        assertEquals("PRO", upgraded.policy());
        assertEquals(1, upgraded.remaining(), "the tokens left carry over; an upgrade refills at the new rate");
        clock.advance(Duration.ofMinutes(6));
        assertEquals(11, limiter.status(key).remaining(), "PRO refills 100 an hour: 10 in 6 minutes");
        planOf.put(ACME, "FREE");
        limiter.invalidatePlan(ACME);
        assertEquals(5, limiter.status(key).remaining(), "a downgrade caps at the smaller capacity");
    }

    @Test
    void aDowngradeFromAHugePlanCapsAtTheSmallCapacityWithoutOverflowing() {
        // a quintillion tokens carried into a plan counted in 200,000,000 units per token would overflow a long
        // if multiplied before being capped (to a negative count, here)
        Map<TenantId, String> planOf = new ConcurrentHashMap<>(Map.of(ACME, "HUGE"));
        RateLimiter limiter = store(RateLimiter.builder().clock(clock)
                .plan("HUGE", Bandwidth.of(1_000_000_000_000_000_000L, 1_000_000_000, Duration.ofMillis(1)))
                .plan("SMALL", Bandwidth.of(5, Duration.ofSeconds(1)))
                .planResolver(planOf::get), "huge" + LIMITERS.incrementAndGet()).build();
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertTrue(limiter.tryAcquire(key, 1_000).allowed());
        planOf.put(ACME, "SMALL");
        limiter.invalidatePlan(ACME);
        RateLimitDecision downgraded = limiter.tryAcquire(key);
        assertTrue(downgraded.allowed());
        assertEquals("SMALL", downgraded.policy());
        assertEquals(4, downgraded.remaining());
    }

    @Test
    void aPlanReconfiguredUnderTheSameNameCarriesItsTokensOver() {
        String name = "reconfigured" + LIMITERS.incrementAndGet();
        RateLimiter before = store(RateLimiter.builder().plan("FREE", Bandwidth.of(10, Duration.ofHours(1)))
                .everyTenantOn("FREE").clock(clock), name).build();
        RateLimitKey key = RateLimitKey.tenant(ACME);
        assertEquals(7, drainUpTo(before, key, 7));
        RateLimiter after = store(RateLimiter.builder().plan("FREE", Bandwidth.of(20, Duration.ofHours(1)),
                Bandwidth.of(2, Duration.ofSeconds(1))).everyTenantOn("FREE").clock(clock), name).build();
        RateLimitDecision status = after.status(key);
        assertEquals("FREE", status.policy());
        assertTrue(status.remaining() <= 3, "3 tokens were left; a new configuration grants no fresh burst: "
                + status.remaining());
        RateLimiter smaller = store(RateLimiter.builder().plan("FREE", Bandwidth.of(2, 20, Duration.ofHours(1)))
                .everyTenantOn("FREE").clock(clock), name).build();
        assertEquals(2, drain(smaller, RateLimitKey.user(ACME, "x")));
        clock.advance(Duration.ofHours(5));
        assertEquals(2, drain(smaller, key), "a smaller capacity caps the bucket, whatever it held before");
    }

    static int drainUpTo(RateLimiter limiter, RateLimitKey key, int max) {
        int granted = 0;
        while (granted < max && limiter.tryAcquire(key).allowed()) {
            granted++;
        }
        return granted;
    }

}
