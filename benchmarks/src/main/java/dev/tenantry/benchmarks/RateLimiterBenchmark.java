package dev.tenantry.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.tenantry.TenantId;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.LockFreeBucket;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the throughput of Tenantry's in-process {@link RateLimiter#tryAcquire(RateLimitKey)} against Bucket4j's
 * lock-free local bucket ({@code tryConsume(1)}), and for many keys against Bucket4j buckets held in a Caffeine
 * cache, in one run.
 *
 * <p>Pairs to compare (ops/µs, higher is better): {@code singleKeyTenantry} vs {@code singleKeyBucket4j} (one key,
 * one thread); {@code singleKey2ThreadsTenantry} vs {@code singleKey2ThreadsBucket4j} (one key shared by two
 * threads); {@code keyedTenantry} vs {@code keyedBucket4j} with {@code tenants} = 10,000 and 1,000,000 (every
 * operation moves on to the next tenant, in id order or shuffled: see {@link #walk}). {@code
 * keyedTenantryKeyPerCall} also builds the {@link TenantId} and {@link RateLimitKey} in the measured call, as a
 * request filter would; every other Tenantry benchmark uses keys built in setup. {@code singleKeyBucket4jProbe} is
 * Bucket4j answering with the remaining tokens, as Tenantry's decision does.
 *
 * <p>Both sides run the same limit, {@value #CAPACITY} tokens refilled greedily at one token per second: no call is
 * ever refused, so every call refills and takes a token. The refill is slow on purpose: a bucket touched again a
 * moment later is not yet full, so both sides keep every bucket (Tenantry's store drops a bucket as soon as it is full
 * again, since a full bucket and no bucket are the same; with a refill of a token every few nanoseconds it would be
 * measuring bucket creation). Every bucket exists before measurement starts: setup touches every key once. Each side
 * uses its defaults for time: Tenantry {@code System.nanoTime()}, Bucket4j {@code System.currentTimeMillis()}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RateLimiterBenchmark {

    /** Tokens per bucket: far more than a run can take. */
    static final long CAPACITY = 1_000_000_000L;
    /** One token is refilled per this period. */
    static final Duration REFILL_PERIOD = Duration.ofSeconds(1);
    /** Bucket4j's buckets idle this long are evicted from the cache, as an application would configure it. */
    static final Duration PERIOD = Duration.ofMinutes(1);
    /** The one plan every tenant is on. */
    static final String PLAN = "FREE";

    /** Tenantry's limiter as an application builds it: one plan, in-process store, default clock. */
    static RateLimiter newLimiter() {
        return newLimiter(CAPACITY, REFILL_PERIOD);
    }

    /** As {@link #newLimiter()}, with buckets of {@code capacity} refilling one token per {@code refillPeriod}. */
    static RateLimiter newLimiter(long capacity, Duration refillPeriod) {
        return RateLimiter.builder().plan(PLAN, Bandwidth.of(capacity, 1, refillPeriod)).everyTenantOn(PLAN).build();
    }

    /** Bucket4j's bucket as an application builds it: the same limit, default (lock-free) synchronization. */
    static Bucket newBucket() {
        return newBucket(CAPACITY, REFILL_PERIOD);
    }

    /** As {@link #newBucket()}, with {@code capacity} tokens refilling one per {@code refillPeriod}. */
    static Bucket newBucket(long capacity, Duration refillPeriod) {
        return Bucket.builder().addLimit(limit -> limit.capacity(capacity).refillGreedy(1, refillPeriod)).build();
    }

    /** The id of tenant {@code i}, e.g. {@code t0000042}. */
    static String tenantName(int i) {
        return String.format("t%07d", i);
    }

    static void checkAllowed(RateLimitDecision decision, String what) {
        if (!decision.allowed()) {
            throw new IllegalStateException(what + " was refused (" + decision + "); the figures are not comparable");
        }
    }

    static void checkAllowed(boolean allowed, String what) {
        if (!allowed) {
            throw new IllegalStateException(what + " was refused; the figures are not comparable");
        }
    }

    // ---------------------------------------------------------------- states

    /** One tenant's key, a limiter and a Bucket4j bucket for it, shared by every thread of a benchmark. */
    @State(Scope.Benchmark)
    public static class OneKey {
        RateLimiter limiter;
        RateLimitKey key;
        Bucket bucket;

        /** Builds both sides and takes one token from each, so the buckets exist and are no longer full. */
        @Setup
        public void setUp() {
            limiter = newLimiter();
            key = RateLimitKey.tenant(TenantId.of("t123"));
            bucket = newBucket();
            if (!(bucket instanceof LockFreeBucket)) {
                throw new IllegalStateException("expected Bucket4j's lock-free bucket, got " + bucket.getClass());
            }
            RateLimitDecision first = limiter.tryAcquire(key);
            checkAllowed(first, "the first Tenantry call");
            if (first.remaining() != CAPACITY - 1) {
                throw new IllegalStateException("expected " + (CAPACITY - 1) + " tokens left, got " + first);
            }
            checkAllowed(bucket.tryConsume(1), "the first Bucket4j call");
        }

        /** Fails the trial if either bucket ran dry, which would have made the two sides do different work. */
        @TearDown
        public void tearDown() {
            checkAllowed(limiter.tryAcquire(key), "the last Tenantry call");
            checkAllowed(bucket.tryConsume(1), "the last Bucket4j call");
        }
    }

    /** {@code tenants} keys, and a limiter holding a bucket for each. */
    @State(Scope.Benchmark)
    public static class TenantryKeys {
        /** How many tenants, each with its own bucket. */
        @Param({"10000", "1000000"})
        public int tenants;

        RateLimiter limiter;
        String[] names;
        RateLimitKey[] keys;

        /** The order the tenants are visited in: {@code sorted} by id, or {@code shuffled} (see {@link #walk}). */
        @Param({"sorted", "shuffled"})
        public String order;

        /** Builds the keys and touches each once, so every bucket exists before measurement. */
        @Setup
        public void setUp() {
            limiter = newLimiter();
            names = new String[tenants];
            keys = new RateLimitKey[tenants];
            for (int i = 0; i < tenants; i++) {
                names[i] = tenantName(i);
                keys[i] = RateLimitKey.tenant(TenantId.of(names[i]));
            }
            for (RateLimitKey key : keys) {
                checkAllowed(limiter.tryAcquire(key), "a warming Tenantry call");
            }
            walk(order, names, keys);
        }

        /** Fails the trial if a bucket ran dry. */
        @TearDown
        public void tearDown() {
            checkAllowed(limiter.tryAcquire(keys[0]), "the last Tenantry call");
        }
    }

    /**
     * {@code tenants} tenant ids, and Bucket4j buckets for them in a Caffeine cache configured as an application would:
     * created on first use, evicted after a refill period without access, bounded at {@code tenants} entries.
     */
    @State(Scope.Benchmark)
    public static class Bucket4jKeys {
        /** How many tenants, each with its own bucket. */
        @Param({"10000", "1000000"})
        public int tenants;

        LoadingCache<String, Bucket> buckets;
        String[] names;

        /** The order the tenants are visited in: {@code sorted} by id, or {@code shuffled} (see {@link #walk}). */
        @Param({"sorted", "shuffled"})
        public String order;

        /** Builds the ids and touches each once, so every bucket exists before measurement. */
        @Setup
        public void setUp() {
            buckets = Caffeine.newBuilder().maximumSize(tenants).expireAfterAccess(PERIOD)
                    .build(name -> newBucket());
            names = new String[tenants];
            for (int i = 0; i < tenants; i++) {
                names[i] = tenantName(i);
            }
            for (String name : names) {
                checkAllowed(buckets.get(name).tryConsume(1), "a warming Bucket4j call");
            }
            walk(order, names);
        }

        /** Fails the trial if a bucket ran dry or the cache lost buckets (which would have made it create some). */
        @TearDown
        public void tearDown() {
            checkAllowed(buckets.get(names[0]).tryConsume(1), "the last Bucket4j call");
            buckets.cleanUp();
            if (buckets.estimatedSize() != tenants) {
                throw new IllegalStateException("the cache holds " + buckets.estimatedSize() + " buckets, not "
                        + tenants);
            }
        }
    }

    /**
     * Puts {@code arrays} (the same length, their elements side by side) in the order the benchmark visits them.
     * With {@code sorted} they stay in tenant id order, the order their objects, buckets and cache entries were
     * made in: the next tenant's objects tend to lie next to the last one's, and both sides' keys (Bucket4j's
     * strings, Tenantry's keys, which hash the tenant last), whose hashes differ by one from one id to the next,
     * sit in neighbouring slots of their hash tables. Real traffic does not come in id order, so {@code shuffled}
     * visits them in a fixed pseudo-random order (seed 42), the same for both sides; the buckets were still made in
     * id order.
     */
    static void walk(String order, Object[]... arrays) {
        if (order.equals("sorted")) {
            return;
        }
        if (!order.equals("shuffled")) {
            throw new IllegalArgumentException("order must be sorted or shuffled, was " + order);
        }
        java.util.Random random = new java.util.Random(42);
        for (int i = arrays[0].length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            for (Object[] array : arrays) {
                Object t = array[i];
                array[i] = array[j];
                array[j] = t;
            }
        }
    }

    /** Each thread's walk over the keys: the next index, from a random start, wrapping at the end. */
    @State(Scope.Thread)
    public static class Cursor {
        private int index;

        /** Starts at a random place, so that several threads do not walk in step. */
        @Setup
        public void setUp() {
            index = ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
        }

        int next(int n) {
            int i = index;
            if (i >= n) {
                i %= n;
            }
            index = i + 1 == n ? 0 : i + 1;
            return i;
        }
    }

    // ---------------------------------------------------------------- one key, one thread

    /** Tenantry: one permit from one key's bucket. */
    @Benchmark
    public RateLimitDecision singleKeyTenantry(OneKey state) {
        return state.limiter.tryAcquire(state.key);
    }

    /** Bucket4j: one token from one lock-free bucket. */
    @Benchmark
    public boolean singleKeyBucket4j(OneKey state) {
        return state.bucket.tryConsume(1);
    }

    /** Bucket4j: one token from one lock-free bucket, answering with the tokens left (not a goal; for context). */
    @Benchmark
    public ConsumptionProbe singleKeyBucket4jProbe(OneKey state) {
        return state.bucket.tryConsumeAndReturnRemaining(1);
    }

    // ---------------------------------------------------------------- one key, two threads

    /** Tenantry: one permit from one key's bucket, two threads on the same key. */
    @Benchmark
    @Threads(2)
    public RateLimitDecision singleKey2ThreadsTenantry(OneKey state) {
        return state.limiter.tryAcquire(state.key);
    }

    /** Bucket4j: one token from one lock-free bucket, two threads on the same bucket. */
    @Benchmark
    @Threads(2)
    public boolean singleKey2ThreadsBucket4j(OneKey state) {
        return state.bucket.tryConsume(1);
    }

    // ---------------------------------------------------------------- many keys
    // Ten-second iterations: Bucket4j copies a bucket's state on every write, so with a million buckets its young
    // collections copy up to a million live states: about a quarter of a second every three seconds, measured with
    // -prof gc. One-second iterations either miss such a pause or are ruled by it, which scattered its score by a
    // quarter to a third from run to run; ten-second ones average the pauses in, as a server running for hours would.

    /** Tenantry: one permit from the next tenant's bucket, the key built in setup. */
    @Benchmark
    @Warmup(iterations = 2, time = 10)
    @Measurement(iterations = 3, time = 10)
    public RateLimitDecision keyedTenantry(TenantryKeys state, Cursor cursor) {
        return state.limiter.tryAcquire(state.keys[cursor.next(state.tenants)]);
    }

    /** Tenantry: one permit from the next tenant's bucket, the key built from the tenant's id in the call. */
    @Benchmark
    @Warmup(iterations = 2, time = 10)
    @Measurement(iterations = 3, time = 10)
    public RateLimitDecision keyedTenantryKeyPerCall(TenantryKeys state, Cursor cursor) {
        return state.limiter.tryAcquire(RateLimitKey.tenant(TenantId.of(state.names[cursor.next(state.tenants)])));
    }

    /** Bucket4j: the next tenant's bucket from the Caffeine cache, then one token from it. */
    @Benchmark
    @Warmup(iterations = 2, time = 10)
    @Measurement(iterations = 3, time = 10)
    public boolean keyedBucket4j(Bucket4jKeys state, Cursor cursor) {
        return state.buckets.get(state.names[cursor.next(state.tenants)]).tryConsume(1);
    }
}
