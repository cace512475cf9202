package dev.tenantry.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final LocalStore store = new LocalStore(now::get);
    private final CompiledLimit limit = new CompiledLimit(RateLimit.of("P", Bandwidth.of(10, Duration.ofSeconds(10)),
            Bandwidth.of(100, Duration.ofMinutes(10))));

    @Test
    void aBucketIsEvictedOnlyOnceIdleLongEnoughToBeFull() {
        for (int i = 0; i < 10; i++) {
            assertTrue(store.apply("k", limit, 1, true, now.get()).allowed());
        }
        assertFalse(store.apply("k", limit, 1, true, now.get()).allowed());
        long fullAfter = limit.fullFromEmptyNanos;
        assertEquals(Duration.ofMinutes(10).toNanos(), fullAfter, "the slower bandwidth decides");
        now.addAndGet(fullAfter - 1);
        assertEquals(1, store.size(), "not yet idle long enough: kept");
        now.addAndGet(Duration.ofSeconds(2).toNanos()); // Caffeine's timer wheel removes at ~1 s granularity
        assertEquals(0, store.size(), "idle long enough to be full again: evicted");
        assertEquals(10, store.apply("k", limit, 1, false, now.get()).remaining(), "and a new bucket is full, as the "
                + "old one would have been");
    }

    @Test
    void aBucketInUseIsNeverEvicted() {
        for (int step = 0; step < 100; step++) {
            store.apply("k", limit, 1, true, now.get());
            now.addAndGet(limit.fullFromEmptyNanos / 2);
            assertEquals(1, store.size());
        }
    }
}
