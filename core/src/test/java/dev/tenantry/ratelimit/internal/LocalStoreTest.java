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
                AtomicInteger admitted = new AtomicInteger();
                together(pool, threads + 1, thread -> {
                    if (thread == threads) { // sweeps over the whole map, the racing key included
                        for (int i = 0; i < 5; i++) {
                            store.size();
                        }
                        return;
                    }
                    for (int i = 0; i < 3; i++) {
                        if (store.apply(key, five, 1, true).allowed()) {
                            admitted.incrementAndGet();
                        }
                    }
                });
                assertEquals(5, admitted.get(), "round " + round + ": admitted exactly the capacity");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLockFreeBucketMovesItsBaseOnBeforeItsCountCouldOverflowAndKeepsItsTokens() {
        // one token per second is 10^9 units and one unit per ns: the base must move on after 2^61 ns (73 years)
        CompiledLimit ten = new CompiledLimit(RateLimit.of("P", Bandwidth.of(10, Duration.ofSeconds(10))));
        assertTrue(store.apply(KEY, ten, 1, true).allowed());
        now.addAndGet(ten.maxElapsedNanos - Duration.ofSeconds(1).toNanos());
        assertEquals(6, store.apply(KEY, ten, 4, true).remaining());
        now.addAndGet(Duration.ofSeconds(2).toNanos()); // past the limit: this call moves the base on
        assertEquals(7, store.apply(KEY, ten, 1, true).remaining(), "6 left, 2 refilled, 1 taken");
        assertEquals(7, store.apply(KEY, ten, 1, false).remaining());
        now.addAndGet(Duration.ofSeconds(3).toNanos() - 1);
        assertEquals(9, store.apply(KEY, ten, 1, false).remaining(), "refilling from the new base");
        assertEquals(1, store.size());
        now.addAndGet(1);
        assertEquals(0, store.size(), "full again: removed");
    }

    @Test
    void racingRequestsOfMixedSizesNeverTakeMoreThanTheCapacityAndLeaveTheCountExact() throws Exception {
        // Requests of 1 to 4 permits from 8 threads at once, the clock standing still: what is admitted never exceeds
        // the capacity, and the tokens left afterwards are exactly the capacity less what was admitted (every take a
        // refused request made to its count was given back).
        CompiledLimit hundred = new CompiledLimit(RateLimit.of("P", Bandwidth.of(100, Duration.ofMinutes(1))));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                RateLimitKey key = RateLimitKey.user(TenantId.of("acme"), "u" + round);
                AtomicLong admitted = new AtomicLong();
                together(pool, threads, thread -> {
                    int size = 1 + thread % 4;
                    for (int i = 0; i < 10; i++) {
                        if (store.apply(key, hundred, size, true).allowed()) {
                            admitted.addAndGet(size);
                        }
                    }
                });
                long left = store.apply(key, hundred, 1, false).remaining();
                assertTrue(admitted.get() <= 100, "round " + round + ": admitted " + admitted.get());
                assertEquals(100 - admitted.get(), left, "round " + round + ": tokens left");
                // 200 permits were asked for, so some were refused; the first refusal (racing or not) comes only
                // once fewer than 4 tokens are left, and without refill none come back
                assertTrue(left <= 3, "round " + round + ": " + left + " tokens left unused");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyWhosePlanFlipsWhileThreadsTakeFromItAdmitsExactlyItsCapacity() throws Exception {
        // Two plans of the same capacity; every thread alternates between them, so the key's lock-free bucket is
        // replaced again and again while others take from it. The clock stands still: exactly 100 are admitted.
        CompiledLimit fast = new CompiledLimit(RateLimit.of("A", Bandwidth.of(100, Duration.ofSeconds(1))));
        CompiledLimit slow = new CompiledLimit(RateLimit.of("B", Bandwidth.of(100, Duration.ofMinutes(1))));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                RateLimitKey key = RateLimitKey.user(TenantId.of("acme"), "flip" + round);
                AtomicInteger admitted = new AtomicInteger();
                together(pool, threads, thread -> {
                    for (int i = 0; i < 20; i++) {
                        if (store.apply(key, (thread + i) % 2 == 0 ? fast : slow, 1, true).allowed()) {
                            admitted.incrementAndGet();
                        }
                    }
                });
                assertEquals(100, admitted.get(), "round " + round);
                assertEquals(0, store.apply(key, slow, 1, false).remaining(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLockFreeBucketCountsExactlyAsTheArithmeticOverASeededRandomRun() {
        // One key, one thread: random requests (status or take, 1 to 5 permits, any size under D), clock steps from a
        // nanosecond to 40 days, plan changes between four one-bandwidth limits, and sweeps, each decision checked
        // against BucketMath applied step by step. Limits C and D count 1,000 units per ns, so a bucket's base must
        // move on after 2^61 / 1,000 ns (26.7 days): the long steps make the store do that again and again, and D,
        // with its huge requests and 23 days to refill, is often part-empty when it does.
        long seed = Long.getLong("tenantry.seed", System.nanoTime());
        System.out.println("LocalStoreTest seed=" + seed + " (replay with -Dtenantry.seed=" + seed + ")");
        java.util.Random random = new java.util.Random(seed);
        CompiledLimit[] limits = {
            new CompiledLimit(RateLimit.of("A", Bandwidth.of(5, Duration.ofSeconds(1)))),
            new CompiledLimit(RateLimit.of("B", Bandwidth.of(12, 1, Duration.ofMinutes(5)))),
            new CompiledLimit(RateLimit.of("C", Bandwidth.of(1_000_000, Duration.ofMillis(1)))),
            // 23 days from empty to full, and a new base every 26.7 days: base moves catch it part-empty
            new CompiledLimit(RateLimit.of("D", Bandwidth.of(2_000_000_000_000_000_000L, 1_000_000_000,
                    Duration.ofMillis(1)))),
        };
        CompiledLimit current = limits[0];
        long[] units = BucketMath.full(current);
        long last = now.get();
        boolean forgotten = true; // no bucket yet: the first request starts full, under its own plan
        for (int step = 0; step < 20_000; step++) {
            String at = "seed " + seed + ", step " + step;
            int what = random.nextInt(10);
            if (what == 0) {
                long[] steps = {1, 1_000, 1_000_000, 1_000_000_000L, 60_000_000_000L, Duration.ofDays(40).toNanos()};
                now.addAndGet(1 + (long) (random.nextDouble() * steps[random.nextInt(steps.length)]));
                continue;
            }
            if (what == 1) { // a bucket full again is dropped: the next request starts full, under its own plan
                BucketMath.refill(current, units, now.get() - last);
                last = now.get();
                forgotten = java.util.Arrays.equals(units, current.full);
                store.size();
                continue;
            }
            CompiledLimit limit = what == 2 ? limits[random.nextInt(limits.length)] : current;
            long permits = limit.name().equals("D") ? 1 + (long) (random.nextDouble() * (limit.maxPermits - 1))
                    : 1 + random.nextInt(5);
            boolean consume = random.nextInt(4) != 0;
            // the model: refill to now, carry over on a plan change, then take if every token is there
            BucketMath.refill(current, units, now.get() - last);
            last = now.get();
            if (forgotten) {
                current = limit;
                units = BucketMath.full(limit);
                forgotten = false;
            } else if (limit != current) {
                units = BucketMath.carryOver(current, units, limit);
                current = limit;
            }
            boolean allowed = BucketMath.canTake(limit, units, permits);
            if (allowed && consume) {
                BucketMath.take(limit, units, permits);
            }
            var decision = store.apply(KEY, limit, permits, consume);
            assertEquals(allowed, decision.allowed(), at);
            assertEquals(units[0] / limit.unit[0], decision.remaining(), at);
            assertEquals(BucketMath.ceilDiv(limit.full[0] - units[0], limit.perNano[0]),
                    decision.resetAfter().toNanos(), at);
        }
    }

    /** What one of the threads of {@link #together} does, given its number. */
    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads of {@code pool} released together by a barrier; waits for all. */
    private static void together(ExecutorService pool, int threads, ThreadBody body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                body.run(thread);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
    }
}
