package dev.tenantry.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.TenantId;
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

class RateLimiterTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final FakeClock clock = new FakeClock();

    private RateLimiter limiter(Bandwidth... bandwidths) {
        return RateLimiter.builder().plan("FREE", bandwidths).everyTenantOn("FREE").clock(clock).build();
    }

    private static int drain(RateLimiter limiter, RateLimitKey key) {
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
        int capacity = 1000;
        RateLimiter limiter = limiter(Bandwidth.of(capacity, 1, Duration.ofDays(1)));
        RateLimitKey key = RateLimitKey.tenant(ACME);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < capacity; i++) {
                    if (limiter.tryAcquire(key).allowed()) {
                        granted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(capacity, granted.get());
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
        RateLimiter limiter = RateLimiter.builder().clock(clock)
                .plan("FREE", Bandwidth.of(5, Duration.ofHours(1)))
                .plan("PRO", Bandwidth.of(100, Duration.ofHours(1)))
                .planResolver(planOf::get).build();
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

    private static int drainUpTo(RateLimiter limiter, RateLimitKey key, int max) {
        int granted = 0;
        while (granted < max && limiter.tryAcquire(key).allowed()) {
            granted++;
        }
        return granted;
    }

    @Test
    void badConfigurationFailsClearly() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bandwidth.of(0, Duration.ofSeconds(1)))
                .getMessage().contains("capacity"));
        assertThrows(IllegalArgumentException.class, () -> Bandwidth.of(-5, Duration.ofSeconds(1)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bandwidth.of(5, Duration.ZERO))
                .getMessage().contains("period"));
        assertThrows(IllegalArgumentException.class, () -> Bandwidth.of(5, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Bandwidth.of(5, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> Bandwidth.of(Long.MAX_VALUE / 2, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> RateLimit.of("FREE"));
        assertThrows(IllegalStateException.class, () -> RateLimiter.builder().everyTenantOn("X").build());
        assertThrows(IllegalStateException.class, () -> RateLimiter.builder()
                .plan("FREE", Bandwidth.of(1, Duration.ofSeconds(1))).build());
        assertThrows(IllegalArgumentException.class, () -> RateLimiter.builder()
                .plan("FREE", Bandwidth.of(1, Duration.ofSeconds(1))).plan("FREE", Bandwidth.of(2,
                        Duration.ofSeconds(1))));
        RateLimiter limiter = limiter(Bandwidth.of(10, Duration.ofSeconds(1)));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> limiter.tryAcquire(RateLimitKey.tenant(ACME), 11));
        assertTrue(tooMany.getMessage().contains("11"), tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> limiter.tryAcquire(RateLimitKey.tenant(ACME), 0));
        RateLimiter unknown = RateLimiter.builder().plan("FREE", Bandwidth.of(1, Duration.ofSeconds(1)))
                .everyTenantOn("GOLD").clock(clock).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> unknown.tryAcquire(RateLimitKey.tenant(ACME)));
        assertTrue(e.getMessage().contains("GOLD"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RateLimitKey.custom(ACME, "Bad Kind", "x"));
    }
}
