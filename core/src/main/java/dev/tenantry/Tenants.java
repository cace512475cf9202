package dev.tenantry;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The current tenant of a thread of work, always set for a block and restored afterwards.
 *
 * <p>Work for a tenant runs inside {@link #run(TenantId, Task)} or {@link #call(TenantId, Call)}; scopes nest, and
 * the outer scope comes back when the block ends, also when it throws. Reading the tenant where none is set throws
 * {@link MissingTenantException}: Tenantry fails closed.
 *
 * <p>Cross-tenant work (admin screens, purge jobs, migrations) runs in system scope, entered only with a stated
 * reason through {@link #runAsSystem} or {@link #callAsSystem}. Inside system scope no tenant is current until one is
 * opened. Each entry is one {@link SystemAccess}, readable with {@link #currentSystemAccess()}.
 *
 * <p>This class holds only the context; it consults nothing and tells no one. Guards and listeners belong to the
 * instances they serve, so two applications in one JVM never see each other's: a {@link
 * dev.tenantry.collection.TenantDatabase} asks its {@link TenantScopeGuard}s before it touches a tenant's data outside
 * system scope, and tells its {@link SystemScopeListener}s of each system-scope entry the first time that entry
 * touches its data. Both happen when the work runs, on whatever thread, not when a scope opens.
 *
 * <p>Scopes are thread-confined. {@link #propagating(Executor)} and the {@code bind...} methods carry the caller's
 * scope to other threads and executors (they have distinct names so a lambda never matches two of them). Bound work
 * re-enters the captured scope each time it runs, on whatever thread; a system scope re-entered so is a new entry
 * ({@linkplain SystemAccess#propagated() propagated}), which the databases it touches report again. Work that runs on
 * the very thread and inside the very scope it was bound in stays in that entry.
 *
 * <p><b>{@link java.util.concurrent.CompletableFuture} continuations run in the scope of whichever thread completes
 * the future</b>, not the one that registered them: {@code future.thenApply(fn)} runs {@code fn} on the completing
 * thread, which may be serving another tenant. Use {@link ScopedFuture}, whose every dependent stage runs in the scope
 * current where it was registered:
 * <pre>{@code
 * ScopedFuture.supplyAsync(() -> invoices.countDocuments(), pool)   // in the caller's scope
 *         .thenApply(count -> report(count));                        // in the caller's scope, on any thread
 * }</pre>
 * This class is thread-safe.
 *
 * @since 0.1
 */
public final class Tenants {

    /**
     * A block of work that may throw {@code X}.
     *
     * <p>Run on the thread that calls {@code Tenants.run} or {@code runAsSystem}.
     */
    @FunctionalInterface
    public interface Task<X extends Exception> {
        /** Runs the work. */
        void run() throws X;
    }

    /**
     * A block of work that returns a value and may throw {@code X}.
     *
     * <p>Run on the thread that calls {@code Tenants.call} or {@code callAsSystem}.
     */
    @FunctionalInterface
    public interface Call<T, X extends Exception> {
        /** Runs the work and returns its result. */
        T call() throws X;
    }

    /**
     * What is in force on a thread: a tenant, system scope, or both (a tenant opened inside system scope); a thread
     * with none holds {@code null}. {@code system} is the entry that opened the system scope.
     */
    private record Scope(@Nullable TenantId tenant, @Nullable SystemAccess system) {
    }

    private static final ThreadLocal<@Nullable Scope> CURRENT = new ThreadLocal<>();

    private Tenants() {
    }

    /**
     * Runs {@code task} with {@code tenant} as the current tenant, then restores whatever scope was in force.
     *
     * @throws NullPointerException if an argument is null
     * @throws X what {@code task} throws
     */
    public static <X extends Exception> void run(TenantId tenant, Task<X> task) throws X {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(task, "task");
        Scope previous = enterTenant(tenant);
        try {
            task.run();
        } finally {
            restore(previous);
        }
    }

    /**
     * Calls {@code call} with {@code tenant} as the current tenant, then restores whatever scope was in force.
     *
     * @return what {@code call} returns
     * @throws NullPointerException if an argument is null
     * @throws X what {@code call} throws
     */
    public static <T, X extends Exception> T call(TenantId tenant, Call<T, X> call) throws X {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(call, "call");
        Scope previous = enterTenant(tenant);
        try {
            return call.call();
        } finally {
            restore(previous);
        }
    }

    /**
     * Runs {@code task} in system scope for cross-tenant work. The entry is a new {@link SystemAccess}; each
     * {@link dev.tenantry.collection.TenantDatabase} whose data it touches tells its {@link SystemScopeListener}s of it
     * first (a listener that throws stops that work).
     *
     * @throws IllegalArgumentException if {@code reason} is blank
     * @throws X what {@code task} throws
     */
    public static <X extends Exception> void runAsSystem(String reason, Task<X> task) throws X {
        Objects.requireNonNull(task, "task");
        Scope previous = enterSystem(reason);
        try {
            task.run();
        } finally {
            restore(previous);
        }
    }

    /**
     * Calls {@code call} in system scope for cross-tenant work; see {@link #runAsSystem}.
     *
     * @throws IllegalArgumentException if {@code reason} is blank
     * @throws X what {@code call} throws
     */
    public static <T, X extends Exception> T callAsSystem(String reason, Call<T, X> call) throws X {
        Objects.requireNonNull(call, "call");
        Scope previous = enterSystem(reason);
        try {
            return call.call();
        } finally {
            restore(previous);
        }
    }

    /** Opens the tenant's scope (inside the system scope in force, if any); returns what was in force. */
    private static @Nullable Scope enterTenant(TenantId tenant) {
        Scope previous = CURRENT.get();
        CURRENT.set(new Scope(tenant, previous == null ? null : previous.system()));
        return previous;
    }

    private static @Nullable Scope enterSystem(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("system scope needs a reason that says why cross-tenant access is "
                    + "needed, e.g. \"nightly purge of deleted organizations\"");
        }
        Scope previous = CURRENT.get();
        SystemAccess access = new SystemAccess(reason, Thread.currentThread().getName(),
                previous == null ? null : previous.tenant(), false);
        CURRENT.set(new Scope(null, access));
        return previous;
    }

    /**
     * Re-enters a scope captured by bound work, on the thread the work now runs on. A system scope becomes a new,
     * propagated entry, unless it is the very scope in force here (then the work stays in that entry). Returns what
     * was in force.
     */
    private static @Nullable Scope reenter(@Nullable Scope captured) {
        Scope previous = CURRENT.get();
        Scope entered = captured;
        if (captured != null && captured != previous && captured.system() != null) {
            SystemAccess system = captured.system();
            entered = new Scope(captured.tenant(), new SystemAccess(system.reason(), Thread.currentThread().getName(),
                    system.enclosingTenant(), true));
        }
        CURRENT.set(entered);
        return previous;
    }

    private static void restore(@Nullable Scope previous) {
        // set(null), not remove(): the thread keeps its map entry, so the next scope allocates nothing.
        CURRENT.set(previous);
    }

    /**
     * The current tenant.
     *
     * @throws MissingTenantException if no tenant scope is open on this thread
     */
    public static TenantId current() {
        Scope scope = CURRENT.get();
        if (scope == null || scope.tenant() == null) {
            throw new MissingTenantException(scope == null
                    ? "no tenant is set on thread '" + Thread.currentThread().getName() + "'; run this inside "
                            + "Tenants.run(tenant, ...) or carry the caller's scope with Tenants.propagating/bind"
                    : "system scope ('" + Objects.requireNonNull(scope.system()).reason() + "') has no current tenant; "
                            + "open one inside it with "
                            + "Tenants.run(tenant, ...)");
        }
        return scope.tenant();
    }

    /** The current tenant, or empty where none is set. */
    public static Optional<TenantId> currentIfPresent() {
        Scope scope = CURRENT.get();
        return scope == null ? Optional.empty() : Optional.ofNullable(scope.tenant());
    }

    /** Whether this thread runs inside system scope (also inside a tenant scope opened within it). */
    public static boolean inSystemScope() {
        Scope scope = CURRENT.get();
        return scope != null && scope.system() != null;
    }

    /**
     * The entry into system scope in force on this thread (also inside a tenant scope opened within it), or empty
     * outside system scope. Each entry, and each re-entry by bound work, is a distinct object: compare entries with
     * {@code ==}, not {@code equals}, to tell one from another.
     */
    public static Optional<SystemAccess> currentSystemAccess() {
        Scope scope = CURRENT.get();
        return scope == null ? Optional.empty() : Optional.ofNullable(scope.system());
    }

    /**
     * A registration that is undone by {@link #close()}, which throws nothing.
     *
     * <p>Implementations must let {@code close()} be called from any thread, and more than once.
     */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        /** Undoes the registration; calling it again does nothing. */
        @Override
        void close();
    }

    // ---------------------------------------------------------------- propagation

    /**
     * A thread's scope, captured for frameworks that carry context between threads themselves (Micrometer's
     * context-propagation, through a {@code ThreadLocalAccessor}); applications use {@link #bind(Runnable)} and
     * {@link #propagating(Executor)} instead. Opaque and immutable.
     */
    public static final class Snapshot {

        private static final Snapshot NONE = new Snapshot(null);

        private final @Nullable Scope scope;

        private Snapshot(@Nullable Scope scope) {
            this.scope = scope;
        }

        /** The snapshot of a thread with no scope: entering it leaves no scope in force. */
        public static Snapshot none() {
            return NONE;
        }

        /** Whether no scope was in force where this was captured. */
        public boolean isEmpty() {
            return scope == null;
        }

        @Override
        public String toString() {
            return scope == null ? "Snapshot{none}" : "Snapshot{tenant=" + scope.tenant() + ", system="
                    + (scope.system() == null ? null : scope.system().reason()) + "}";
        }
    }

    /** The scope in force on this thread, to be re-entered elsewhere with {@link #enter(Snapshot)}. */
    public static Snapshot capture() {
        Scope scope = CURRENT.get();
        return scope == null ? Snapshot.NONE : new Snapshot(scope);
    }

    /**
     * Re-enters {@code captured} on this thread, as bound work does (a system scope as a new, propagated entry; an
     * empty snapshot leaves no scope in force), and returns what was in force. For context-propagation libraries
     * only: the caller must hand the result to {@link #restore(Snapshot)} when the work ends, in a {@code finally}.
     *
     * @throws NullPointerException if {@code captured} is null
     */
    public static Snapshot enter(Snapshot captured) {
        Scope previous = reenter(Objects.requireNonNull(captured, "captured").scope);
        return previous == null ? Snapshot.NONE : new Snapshot(previous);
    }

    /**
     * Puts back on this thread the scope that {@link #enter(Snapshot)} returned (or that {@link #capture()} took on
     * this thread).
     *
     * @throws NullPointerException if {@code previous} is null
     */
    public static void restore(Snapshot previous) {
        restore(Objects.requireNonNull(previous, "previous").scope);
    }

    /**
     * Returns {@code runnable} bound to the caller's current scope: it runs in that scope on whatever thread, and
     * restores the running thread's scope afterwards. Each run re-enters the scope as described in the class
     * documentation (a system scope as a new, propagated entry).
     *
     * @throws NullPointerException if {@code runnable} is null
     */
    public static Runnable bind(Runnable runnable) {
        Objects.requireNonNull(runnable, "runnable");
        Scope captured = CURRENT.get();
        return () -> {
            Scope previous = reenter(captured);
            try {
                runnable.run();
            } finally {
                restore(previous);
            }
        };
    }

    /** Returns {@code callable} bound to the caller's current scope; see {@link #bind(Runnable)}. */
    public static <T> Callable<T> bindCallable(Callable<T> callable) {
        Objects.requireNonNull(callable, "callable");
        Scope captured = CURRENT.get();
        return () -> {
            Scope previous = reenter(captured);
            try {
                return callable.call();
            } finally {
                restore(previous);
            }
        };
    }

    /** Returns {@code supplier} bound to the caller's current scope; see {@link #bind(Runnable)}. */
    public static <T> Supplier<T> bindSupplier(Supplier<T> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        Scope captured = CURRENT.get();
        return () -> {
            Scope previous = reenter(captured);
            try {
                return supplier.get();
            } finally {
                restore(previous);
            }
        };
    }

    /** Returns {@code function} bound to the caller's current scope; see {@link #bind(Runnable)}. */
    public static <T, R> Function<T, R> bindFunction(Function<T, R> function) {
        Objects.requireNonNull(function, "function");
        Scope captured = CURRENT.get();
        return value -> {
            Scope previous = reenter(captured);
            try {
                return function.apply(value);
            } finally {
                restore(previous);
            }
        };
    }

    /** {@code function} bound to the caller's current scope, for {@link ScopedFuture}. */
    static <T, U, R> BiFunction<T, U, R> bindBiFunction(BiFunction<T, U, R> function) {
        Objects.requireNonNull(function, "function");
        Scope captured = CURRENT.get();
        return (t, u) -> {
            Scope previous = reenter(captured);
            try {
                return function.apply(t, u);
            } finally {
                restore(previous);
            }
        };
    }

    /** {@code consumer} bound to the caller's current scope, for {@link ScopedFuture}. */
    static <T> Consumer<T> bindConsumer(Consumer<T> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Scope captured = CURRENT.get();
        return value -> {
            Scope previous = reenter(captured);
            try {
                consumer.accept(value);
            } finally {
                restore(previous);
            }
        };
    }

    /** {@code consumer} bound to the caller's current scope, for {@link ScopedFuture}. */
    static <T, U> BiConsumer<T, U> bindBiConsumer(BiConsumer<T, U> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Scope captured = CURRENT.get();
        return (t, u) -> {
            Scope previous = reenter(captured);
            try {
                consumer.accept(t, u);
            } finally {
                restore(previous);
            }
        };
    }

    /**
     * An executor that runs each task in the scope of the thread that submitted it, and restores the worker's
     * previous scope afterwards, so pooled threads never keep a tenant. Each task re-enters its scope as
     * {@link #bind(Runnable)} does.
     *
     * @throws NullPointerException if {@code executor} is null
     */
    public static Executor propagating(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        if (executor instanceof ExecutorService) {
            return propagating((ExecutorService) executor);
        }
        return command -> executor.execute(bind(command));
    }

    /** An executor service that runs each task in the scope of the thread that submitted it; see above. */
    public static ExecutorService propagating(ExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return new PropagatingExecutorService(executor);
    }

    /** Binds every submitted task to its submitter's scope; lifecycle calls pass through. */
    private static final class PropagatingExecutorService implements ExecutorService {
        private final ExecutorService delegate;

        PropagatingExecutorService(ExecutorService delegate) {
            this.delegate = delegate;
        }

        private static <T> List<Callable<T>> bindAll(Collection<? extends Callable<T>> tasks) {
            return tasks.stream().map(Tenants::bindCallable).toList();
        }

        @Override
        public void execute(Runnable command) {
            delegate.execute(bind(command));
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return delegate.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }

        @Override
        public <T> Future<T> submit(Callable<T> task) {
            return delegate.submit(bindCallable(task));
        }

        @Override
        public <T> Future<T> submit(Runnable task, T result) {
            return delegate.submit(bind(task), result);
        }

        @Override
        public Future<?> submit(Runnable task) {
            return delegate.submit(bind(task));
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
            return delegate.invokeAll(bindAll(tasks));
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws InterruptedException {
            return delegate.invokeAll(bindAll(tasks), timeout, unit);
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
                throws InterruptedException, ExecutionException {
            return delegate.invokeAny(bindAll(tasks));
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            return delegate.invokeAny(bindAll(tasks), timeout, unit);
        }
    }
}
