package dev.tenantry.benchmarks;

import dev.tenantry.ScopedFuture;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the tenant context on every request's path, without a server. (Scope guards belong to tenant databases
 * and are asked when an operation touches data, so opening a scope asks none.)
 *
 * <p>Pairs to compare: {@code threadLocalSetAndRestore} (a bare {@link ThreadLocal} around the work, what any context
 * costs at least) vs {@code tenantsRun}; {@code nestedTenantsRun} (a scope opened inside another) vs
 * {@code boundRunnableFromAnotherScope} (bound work re-entering its scope on a thread in another scope); {@code completableFutureStage} vs {@code scopedFutureStage} (a stage
 * registered in a tenant's scope and completed on the same thread). Run with {@code -prof gc} for allocation per
 * operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class TenantScopeBenchmark {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final ThreadLocal<TenantId> BARE = new ThreadLocal<>();

    private final Runnable work = () -> { };
    private Runnable boundToAcme;
    private long sink;

    /** Binds the work to acme. (Guards belong to databases and are asked when data is touched, not here.) */
    @Setup(Level.Trial)
    public void setUp() {
        boundToAcme = Tenants.call(ACME, () -> Tenants.bind(work));
    }

    @Benchmark
    public void threadLocalSetAndRestore() {
        TenantId previous = BARE.get();
        BARE.set(ACME);
        try {
            work.run();
        } finally {
            BARE.set(previous);
        }
    }

    @Benchmark
    public void tenantsRun() {
        Tenants.run(ACME, work::run);
    }

    @Benchmark
    public void nestedTenantsRun() {
        Tenants.run(GLOBEX, () -> Tenants.run(ACME, work::run));
    }

    @Benchmark
    public void boundRunnableFromAnotherScope() {
        Tenants.run(GLOBEX, boundToAcme::run);
    }

    @Benchmark
    public long completableFutureStage() {
        return Tenants.call(ACME, () -> {
            CompletableFuture<Long> source = new CompletableFuture<>();
            CompletableFuture<Long> stage = source.thenApply(v -> v + 1);
            source.complete(sink);
            return stage.join();
        });
    }

    @Benchmark
    public long scopedFutureStage() {
        return Tenants.call(ACME, () -> {
            ScopedFuture<Long> source = new ScopedFuture<>();
            ScopedFuture<Long> stage = source.thenApply(v -> v + 1);
            source.complete(sink);
            return stage.join();
        });
    }
}
