package dev.tenantry.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.TenantId;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimit;
import dev.tenantry.ratelimit.RateLimitKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalStoreTest {

    private static final RateLimitKey KEY = RateLimitKey.tenant(TenantId.of("acme"));

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final LocalStore store = new LocalStore(now::get);
    private final CompiledLimit limit = new CompiledLimit(RateLimit.of("P", Bandwidth.of(10, Duration.ofSeconds(10)),
            Bandwidth.of(100, Duration.ofMinutes(10))));

    @Test
    void aBucketIsRemovedOnlyOnceFullAgain() {
        for (int i = 0; i < 10; i++) {
            assertTrue(store.apply(KEY, limit, 1, true).allowed());
        }
        assertFalse(store.apply(KEY, limit, 1, true).allowed());
        // 10 of 10 and 10 of 100 taken: the burst refills in 10 s, the sustained bandwidth's 10 tokens in 60 s
        now.addAndGet(Duration.ofSeconds(60).toNanos() - 1);
        assertEquals(1, store.size(), "one nanosecond short of full: kept");
        now.addAndGet(1);
        assertEquals(0, store.size(), "full again: removed");
        assertEquals(10, store.apply(KEY, limit, 1, false).remaining(), "and a new bucket is full, as the old one "
                + "would have been");
    }

    @Test
    void aBucketInUseIsNeverRemoved() {
        for (int step = 0; step < 100; step++) {
            store.apply(KEY, limit, 1, true);
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertEquals(1, store.size());
        }
    }

    @Test
    void removalRacingTakersNeverGrantsExtraTokens() throws Exception {
        // The clock stands still, so a key admits exactly its capacity, however often the sweeper finds its bucket
        // full and removes it while threads are taking from it.
        CompiledLimit five = new CompiledLimit(RateLimit.of("P", Bandwidth.of(5, Duration.ofSeconds(1))));
        int threads = 8;
        int rounds = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            for (int round = 0; round < rounds; round++) {
                RateLimitKey key = RateLimitKey.user(TenantId.of("acme"), "u" + round);
                store.apply(key, five, 1, false); // a full bucket the sweeper may remove at any moment
                CyclicBarrier start = new CyclicBarrier(threads + 1);
                AtomicInteger admitted = new AtomicInteger();
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 3; i++) {
                            if (store.apply(key, five, 1, true).allowed()) {
                                admitted.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                futures.add(pool.submit(() -> { // sweeps over the whole map, the racing key included
                    start.await();
                    for (int i = 0; i < 5; i++) {
                        store.size();
                    }
                    return null;
                }));
                for (Future<?> f : futures) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertEquals(5, admitted.get(), "round " + round + ": admitted exactly the capacity");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
