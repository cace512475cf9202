package dev.tenantry.ratelimit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.TenantId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract, in process; and the configuration rules, which no store changes. */
class InProcessRateLimiterTest extends RateLimiterContract {

    private static final TenantId ACME = TenantId.of("acme");

    @Override
    RateLimiter.Builder store(RateLimiter.Builder builder, String name) {
        return builder.inProcess();
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
        // capacity × unit = 1.01e19: past a signed long but under 2^64, so only a signed check catches it
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bandwidth.of(935_674, 8, Duration.ofDays(1)))
                .getMessage().contains("too fine-grained"));
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
        IllegalStateException fixed = assertThrows(IllegalStateException.class, () -> RateLimiter.builder()
                .plan("FREE", Bandwidth.of(1, Duration.ofSeconds(1))).everyTenantOn("GOLD").build(),
                "a single plan that is not defined is refused when built, not on first use");
        assertTrue(fixed.getMessage().contains("GOLD") && fixed.getMessage().contains("FREE"), fixed.getMessage());
        RateLimiter unknown = RateLimiter.builder().plan("FREE", Bandwidth.of(1, Duration.ofSeconds(1)))
                .planResolver(tenant -> "GOLD").clock(clock).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> unknown.tryAcquire(RateLimitKey.tenant(ACME)));
        assertTrue(e.getMessage().contains("GOLD"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RateLimitKey.custom(ACME, "Bad Kind", "x"));
    }
}
