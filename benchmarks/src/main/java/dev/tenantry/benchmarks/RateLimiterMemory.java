package dev.tenantry.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.tenantry.TenantId;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import io.github.bucket4j.Bucket;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Measures the memory an idle bucket holds in Tenantry's in-process store against a Bucket4j bucket held in a Caffeine
 * cache, per bucket, for {@code N} tenants (default 1,000,000; the first argument overrides it).
 *
 * <p>Not a JMH benchmark: run it with {@code java -cp benchmarks.jar dev.tenantry.benchmarks.RateLimiterMemory}.
 * Each side gets {@code N} buckets, one per tenant, made by one call per tenant, with buckets of
 * 1,000 tokens refilled one per hour; then what grows with the entries of each store (its hash map with keys,
 * nodes and values, its expiry timer wheel and its frequency sketch) is walked with JOL ({@link GraphLayout}) before
 * and after, and the difference divided by {@code N}. A class-by-class table says what is counted. As a cross-check,
 * the heap in use after several full collections is compared the same way. Sizes are those of this JVM (printed
 * first; normally 64-bit with compressed references, 8-byte alignment). Run with
 * {@code -Djdk.attach.allowAttachSelf=true} so JOL can size hidden classes.
 *
 * <p>Tenantry's figures: the store (the hash map's table and nodes, the {@link RateLimitKey} keys with their tenant
 * ids, and the bucket objects), and the whole limiter, which adds the plan cache (at most
 * 100,000 tenant ids with their plan). Keys are built per call and dropped, as a request filter would, so only what
 * the limiter keeps is counted. Bucket4j's figures: the cache with its buckets, with and without the tenant id strings
 * it is keyed by (an application usually holds those anyway).
 */
public final class RateLimiterMemory {

    /** Tokens per bucket. */
    private static final long CAPACITY = 1000;
    /**
     * One token refilled per hour: a bucket that gave one token stays short of full for the whole measurement, so no
     * side may drop it (Tenantry's store drops buckets that are full again; the benchmark's one second would let it
     * drop the first buckets while the last are being made).
     */
    private static final Duration REFILL_PERIOD = Duration.ofHours(1);

    private RateLimiterMemory() {
    }

    /** Runs the measurement; the optional first argument is the number of tenants. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.println(VM.current().details());
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = RateLimiterBenchmark.tenantName(i);
        }
        long namesSize = GraphLayout.parseInstance((Object) names).totalSize() - GraphLayout.parseInstance(
                (Object) new String[n]).totalSize();
        System.out.printf(Locale.ROOT, "%,d tenants; their id strings take %.1f bytes each%n%n", n,
                (double) namesSize / n);

        tenantry(names, namesSize);
        bucket4j(names, namesSize);
        heapCrossCheck(names);
    }

    private static void tenantry(String[] names, long namesSize) throws ReflectiveOperationException {
        RateLimiter limiter = RateLimiterBenchmark.newLimiter(CAPACITY, REFILL_PERIOD);
        Object store = field(limiter, "store");
        Object buckets = field(store, "buckets"); // LocalStore: a ConcurrentHashMap<RateLimitKey, Bucket>
        GraphLayout before = GraphLayout.parseInstance(buckets);
        for (String name : names) {
            RateLimiterBenchmark.checkAllowed(limiter.tryAcquire(RateLimitKey.tenant(TenantId.of(name))),
                    "a Tenantry call");
        }
        GraphLayout after = GraphLayout.parseInstance(buckets);
        int n = names.length;
        System.out.println("== Tenantry in-process store (LocalStore: ConcurrentHashMap keyed by RateLimitKey)");
        printDelta(before, after, n);
        long delta = after.totalSize() - before.totalSize();
        System.out.printf(Locale.ROOT, "Tenantry store, bytes per idle bucket: %.1f with the tenant id strings, "
                + "%.1f without (the caller holds its tenant ids anyway)%n%n", (double) delta / n,
                (double) (delta - namesSize) / n);
    }

    private static void bucket4j(String[] names, long namesSize) {
        LoadingCache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(names.length)
                .expireAfterAccess(RateLimiterBenchmark.PERIOD)
                .build(name -> RateLimiterBenchmark.newBucket(CAPACITY, REFILL_PERIOD));
        GraphLayout before = contents(buckets);
        for (String name : names) {
            RateLimiterBenchmark.checkAllowed(buckets.get(name).tryConsume(1), "a Bucket4j call");
        }
        buckets.cleanUp();
        if (buckets.estimatedSize() != names.length) {
            throw new IllegalStateException("the cache holds " + buckets.estimatedSize() + " buckets");
        }
        GraphLayout after = contents(buckets);
        int n = names.length;
        System.out.println("== Bucket4j lock-free buckets in Caffeine (maximumSize, expireAfterAccess)");
        printDelta(before, after, n);
        long delta = after.totalSize() - before.totalSize();
        System.out.printf(Locale.ROOT, "Bucket4j + Caffeine, bytes per idle bucket: %.1f with the tenant id strings, "
                + "%.1f without%n%n", (double) delta / n, (double) (delta - namesSize) / n);
    }

    /** The heap in use after full collections, before and after building each side's buckets. */
    private static void heapCrossCheck(String[] names) {
        int n = names.length;
        long base = usedAfterGc();
        RateLimiter limiter = RateLimiterBenchmark.newLimiter(CAPACITY, REFILL_PERIOD);
        for (String name : names) {
            limiter.tryAcquire(RateLimitKey.tenant(TenantId.of(name)));
        }
        long tenantry = usedAfterGc() - base;
        limiter.tryAcquire(RateLimitKey.tenant(TenantId.of(names[0]))); // keeps the limiter reachable until here
        limiter = null;

        base = usedAfterGc();
        LoadingCache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(n)
                .expireAfterAccess(RateLimiterBenchmark.PERIOD)
                .build(name -> RateLimiterBenchmark.newBucket(CAPACITY, REFILL_PERIOD));
        for (String name : names) {
            buckets.get(name).tryConsume(1);
        }
        long bucket4j = usedAfterGc() - base;
        buckets.cleanUp(); // keeps the cache reachable until here
        System.out.println("== Cross-check: heap in use after full GCs (ids held by the caller in both cases)");
        System.out.printf(Locale.ROOT, "Tenantry whole limiter, bytes per tenant: %.1f%n", (double) tenantry / n);
        System.out.printf(Locale.ROOT, "Bucket4j + Caffeine, bytes per bucket (ids not counted): %.1f%n",
                (double) bucket4j / n);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Prints, per class, the objects and bytes {@code after} holds beyond {@code before}, and per bucket. */
    private static void printDelta(GraphLayout before, GraphLayout after, int n) {
        List<Class<?>> classes = new ArrayList<>(after.getClasses());
        classes.sort(Comparator.comparingLong((Class<?> c) -> after.getClassSizes().count(c)
                - before.getClassSizes().count(c)).reversed());
        System.out.printf(Locale.ROOT, "%14s %14s %12s %12s  %s%n", "objects", "bytes", "obj/bucket", "B/bucket",
                "class");
        for (Class<?> c : classes) {
            long count = after.getClassCounts().count(c) - before.getClassCounts().count(c);
            long size = after.getClassSizes().count(c) - before.getClassSizes().count(c);
            if (size == 0 && count == 0) {
                continue;
            }
            System.out.printf(Locale.ROOT, "%,14d %,14d %12.3f %12.1f  %s%n", count, size, (double) count / n,
                    (double) size / n, c.getName());
        }
        System.out.printf(Locale.ROOT, "%,14d %,14d %12.3f %12.1f  total%n", after.totalCount() - before.totalCount(),
                after.totalSize() - before.totalSize(), (double) (after.totalCount() - before.totalCount()) / n,
                (double) (after.totalSize() - before.totalSize()) / n);
    }

    /**
     * The parts of Caffeine caches that grow with their entries: the hash map (table, map nodes, keys, cache nodes,
     * values), the expiry timer wheel and the frequency sketch, where the cache has them. Walking the cache object
     * itself would also walk its executor, ticker and lambdas into JDK internals that load lazily and blur the delta.
     */
    private static GraphLayout contents(Cache<?, ?>... caches) {
        List<Object> roots = new ArrayList<>();
        for (Cache<?, ?> cache : caches) {
            Object local = cache.asMap();
            for (String name : new String[] {"data", "timerWheel", "sketch"}) {
                Object part = fieldOrNull(local, name);
                if (part != null) {
                    roots.add(part);
                }
            }
        }
        return GraphLayout.parseInstance(roots.toArray());
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Object value = fieldOrNull(owner, name);
        if (value == null) {
            throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
        }
        return value;
    }

    /** The value of field {@code name} declared by the class of {@code owner} or a superclass, or null. */
    private static Object fieldOrNull(Object owner, String name) {
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }
}
