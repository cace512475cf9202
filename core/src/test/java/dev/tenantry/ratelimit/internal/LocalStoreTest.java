package dev.tenantry.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.TenantId;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimit;
import dev.tenantry.ratelimit.RateLimitKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalStoreTest {

    private static final RateLimitKey KEY = RateLimitKey.tenant(TenantId.of("acme"));

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final LocalStore store = new LocalStore(now::get);
    private final CompiledLimit limit = new CompiledLimit(RateLimit.of("P", Bandwidth.of(10, Duration.ofSeconds(10)),
            Bandwidth.of(100, Duration.ofMinutes(10))));

    @Test
    void aBucketIsRemovedOnlyOnceIdleLongEnoughToBeFull() {
        for (int i = 0; i < 10; i++) {
            assertTrue(store.apply(KEY, limit, 1, true).allowed());
        }
        assertFalse(store.apply(KEY, limit, 1, true).allowed());
        long fullAfter = limit.fullFromEmptyNanos;
        assertEquals(Duration.ofMinutes(10).toNanos(), fullAfter, "the slower bandwidth decides");
        now.addAndGet(fullAfter - 1);
        assertEquals(1, store.size(), "one nanosecond short of full: kept");
        now.addAndGet(1);
        assertEquals(0, store.size(), "idle long enough to be full again: removed");
        assertEquals(10, store.apply(KEY, limit, 1, false).remaining(), "and a new bucket is full, as the old one "
                + "would have been");
    }

    @Test
    void aBucketInUseIsNeverRemoved() {
        for (int step = 0; step < 100; step++) {
            store.apply(KEY, limit, 1, true);
            now.addAndGet(limit.fullFromEmptyNanos / 2);
            assertEquals(1, store.size());
        }
    }
}
