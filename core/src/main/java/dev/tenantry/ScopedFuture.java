package dev.tenantry;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CompletableFuture} whose every dependent stage runs in the tenant scope that was current on the thread that
 * registered it, whichever thread completes the future or runs the stage.
 *
 * <p>A plain {@code CompletableFuture} runs a stage registered without an executor ({@code thenApply},
 * {@code whenComplete}, ...) on the thread that completes the future, in whatever scope that thread is in; a request
 * thread serving tenant {@code globex} that completes a future can thus run {@code acme}'s continuation as
 * {@code globex}. Here every function given to a stage method, synchronous or {@code ...Async}, with or without an
 * executor, is bound to the registering thread's scope (as {@link Tenants#bind(Runnable)} binds), and every future a
 * stage method returns is a {@code ScopedFuture} again, so the property holds along the whole chain:
 * <pre>{@code
 * ScopedFuture<Long> count = ScopedFuture.supplyAsync(() -> invoices.countDocuments(), pool); // caller's tenant
 * count.thenApply(n -> report(n))          // caller's tenant, on whichever thread completes 'count'
 *      .thenAcceptAsync(r -> send(r));     // caller's tenant, on the default executor
 * }</pre>
 * Where no scope was current at registration, the stage runs with none: it fails closed with
 * {@link MissingTenantException} if it reads the tenant, even on a thread that had one. Each run of a stage re-enters
 * its scope as bound work does: the guards of the databases it touches are asked when it touches them (a stage of a
 * tenant suspended meanwhile completes exceptionally with the guard's exception), and a system scope is a new,
 * propagated entry; a stage that runs at once on the registering thread, still inside the scope it was registered
 * in, stays in that entry.
 *
 * <p>{@link #minimalCompletionStage()}, {@link #completedStage}, {@link #failedStage} and {@link #copy()} keep the
 * property; {@link #toCompletableFuture()} returns this future. {@link #of(CompletionStage)} adopts a stage made
 * elsewhere (a driver's, a library's): stages registered on the returned future are scoped, stages registered on the
 * original are not. What is <em>not</em> covered: stages registered on a plain {@code CompletableFuture} (including
 * one passed to {@code thenCombine}, {@code applyToEither} and the like, whose own dependents stay plain), the
 * completing thread's own code, and stage methods added to {@code CompletableFuture} after Java 17.
 *
 * <p>Thread-safe, as {@code CompletableFuture} is.
 *
 * @param <T> the result type
 * @since 0.1
 */
public class ScopedFuture<T> extends CompletableFuture<T> {

    /** The prefix of the names of {@code CompletableFuture}'s own nested classes. */
    private static final String JDK_NESTED = CompletableFuture.class.getName() + "$";

    /** Creates a new incomplete future, as {@code new CompletableFuture<>()} does. */
    public ScopedFuture() {
    }

    // ---------------------------------------------------------------- factories

    /**
     * A future completed by {@code supplier}, run on the default executor in the caller's scope.
     *
     * @throws NullPointerException if {@code supplier} is null
     */
    public static <U> ScopedFuture<U> supplyAsync(Supplier<U> supplier) {
        return new ScopedFuture<U>().completeAsync(supplier);
    }

    /**
     * A future completed by {@code supplier}, run by {@code executor} in the caller's scope.
     *
     * @throws NullPointerException if an argument is null
     */
    public static <U> ScopedFuture<U> supplyAsync(Supplier<U> supplier, Executor executor) {
        return new ScopedFuture<U>().completeAsync(supplier, executor);
    }

    /**
     * A future completed after {@code runnable} ran on the default executor in the caller's scope.
     *
     * @throws NullPointerException if {@code runnable} is null
     */
    public static ScopedFuture<Void> runAsync(Runnable runnable) {
        Objects.requireNonNull(runnable, "runnable");
        return supplyAsync(() -> {
            runnable.run();
            return null;
        });
    }

    /**
     * A future completed after {@code runnable} ran by {@code executor} in the caller's scope.
     *
     * @throws NullPointerException if an argument is null
     */
    public static ScopedFuture<Void> runAsync(Runnable runnable, Executor executor) {
        Objects.requireNonNull(runnable, "runnable");
        return supplyAsync(() -> {
            runnable.run();
            return null;
        }, executor);
    }

    /** A future already completed with {@code value}. */
    public static <U> ScopedFuture<U> completedFuture(@Nullable U value) {
        ScopedFuture<U> future = new ScopedFuture<>();
        future.complete(value);
        return future;
    }

    /**
     * A future already completed exceptionally with {@code failure}.
     *
     * @throws NullPointerException if {@code failure} is null
     */
    public static <U> ScopedFuture<U> failedFuture(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        ScopedFuture<U> future = new ScopedFuture<>();
        future.completeExceptionally(failure);
        return future;
    }

    /** A minimal stage (only {@link CompletionStage} methods) already completed with {@code value}. */
    public static <U> CompletionStage<U> completedStage(@Nullable U value) {
        return completedFuture(value).minimalCompletionStage();
    }

    /**
     * A minimal stage already completed exceptionally with {@code failure}.
     *
     * @throws NullPointerException if {@code failure} is null
     */
    public static <U> CompletionStage<U> failedStage(Throwable failure) {
        return ScopedFuture.<U>failedFuture(failure).minimalCompletionStage();
    }

    /** As {@link CompletableFuture#allOf}, returning a scoped future. */
    public static ScopedFuture<Void> allOf(CompletableFuture<?>... futures) {
        return of(CompletableFuture.allOf(futures));
    }

    /** As {@link CompletableFuture#anyOf}, returning a scoped future. */
    public static ScopedFuture<Object> anyOf(CompletableFuture<?>... futures) {
        return of(CompletableFuture.anyOf(futures));
    }

    /**
     * A scoped future that completes as {@code stage} does: with its value, or exceptionally with a
     * {@link CompletionException} holding its failure (as {@link #copy()} does). A {@code ScopedFuture} is returned as
     * it is (a minimal one as {@link #toCompletableFuture()}).
     *
     * @throws NullPointerException if {@code stage} is null
     */
    public static <U> ScopedFuture<U> of(CompletionStage<U> stage) {
        Objects.requireNonNull(stage, "stage");
        if (stage instanceof ScopedFuture) {
            return ((ScopedFuture<U>) stage).toCompletableFuture();
        }
        ScopedFuture<U> future = new ScopedFuture<>();
        // The relay runs on the completing thread in its scope; it only completes 'future', whose stages are bound.
        stage.whenComplete(future::settle);
        return future;
    }

    /** Completes this future with {@code value} or {@code failure}, as a relay from another stage does. */
    void settle(@Nullable T value, @Nullable Throwable failure) {
        if (failure == null) {
            super.complete(value);
        } else {
            super.completeExceptionally(failure instanceof CompletionException ? failure
                    : new CompletionException(failure));
        }
    }

    // ---------------------------------------------------------------- what derived futures are

    /** A new incomplete {@code ScopedFuture}: every stage method returns one. */
    @Override
    public <U> ScopedFuture<U> newIncompleteFuture() {
        return new ScopedFuture<>();
    }

    /** Returns this future. */
    @Override
    public ScopedFuture<T> toCompletableFuture() {
        return this;
    }

    /** A scoped copy of this future, as {@link CompletableFuture#copy()}. */
    @Override
    public ScopedFuture<T> copy() {
        return (ScopedFuture<T>) super.copy();
    }

    /**
     * A stage that completes as this future does and supports only the {@link CompletionStage} methods; its stages
     * are scoped, and its {@code toCompletableFuture()} is a new scoped future.
     */
    @Override
    public CompletionStage<T> minimalCompletionStage() {
        Minimal<T> minimal = new Minimal<>();
        relay(minimal);
        return minimal;
    }

    /** Settles {@code target} when this future completes, without binding (the relay does no tenant work). */
    final void relay(ScopedFuture<T> target) {
        super.whenComplete(target::settle);
    }

    // ---------------------------------------------------------------- completion

    /** As {@link CompletableFuture#completeAsync(Supplier)}, with {@code supplier} bound to the caller's scope. */
    @Override
    public ScopedFuture<T> completeAsync(Supplier<? extends T> supplier) {
        return completeAsync(supplier, defaultExecutor());
    }

    /**
     * As {@link CompletableFuture#completeAsync(Supplier, Executor)}, with {@code supplier} bound to the caller's
     * scope.
     */
    @Override
    public ScopedFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        return (ScopedFuture<T>) super.completeAsync(Tenants.bindSupplier(supplier), executor);
    }

    /** As {@link CompletableFuture#orTimeout}; returns this future. */
    @Override
    public ScopedFuture<T> orTimeout(long timeout, TimeUnit unit) {
        return (ScopedFuture<T>) super.orTimeout(timeout, unit);
    }

    /** As {@link CompletableFuture#completeOnTimeout}; returns this future. */
    @Override
    public ScopedFuture<T> completeOnTimeout(@Nullable T value, long timeout, TimeUnit unit) {
        return (ScopedFuture<T>) super.completeOnTimeout(value, timeout, unit);
    }

    // ---------------------------------------------------------------- stages: every function bound at registration

    @Override
    public <U> ScopedFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return (ScopedFuture<U>) super.<U>thenApply(Tenants.bindFunction(fn));
    }

    @Override
    public <U> ScopedFuture<U> thenApplyAsync(Function<? super T, ? extends U> fn) {
        return (ScopedFuture<U>) super.<U>thenApplyAsync(Tenants.bindFunction(fn));
    }

    @Override
    public <U> ScopedFuture<U> thenApplyAsync(Function<? super T, ? extends U> fn, Executor executor) {
        return (ScopedFuture<U>) super.<U>thenApplyAsync(Tenants.bindFunction(fn), executor);
    }

    @Override
    public ScopedFuture<Void> thenAccept(Consumer<? super T> action) {
        return (ScopedFuture<Void>) super.thenAccept(Tenants.bindConsumer(action));
    }

    @Override
    public ScopedFuture<Void> thenAcceptAsync(Consumer<? super T> action) {
        return (ScopedFuture<Void>) super.thenAcceptAsync(Tenants.bindConsumer(action));
    }

    @Override
    public ScopedFuture<Void> thenAcceptAsync(Consumer<? super T> action, Executor executor) {
        return (ScopedFuture<Void>) super.thenAcceptAsync(Tenants.bindConsumer(action), executor);
    }

    @Override
    public ScopedFuture<Void> thenRun(Runnable action) {
        return (ScopedFuture<Void>) super.thenRun(Tenants.bind(action));
    }

    @Override
    public ScopedFuture<Void> thenRunAsync(Runnable action) {
        return (ScopedFuture<Void>) super.thenRunAsync(Tenants.bind(action));
    }

    @Override
    public ScopedFuture<Void> thenRunAsync(Runnable action, Executor executor) {
        return (ScopedFuture<Void>) super.thenRunAsync(Tenants.bind(action), executor);
    }

    @Override
    public <U, V> ScopedFuture<V> thenCombine(CompletionStage<? extends U> other,
                                              BiFunction<? super T, ? super U, ? extends V> fn) {
        return (ScopedFuture<V>) super.<U, V>thenCombine(other, Tenants.bindBiFunction(fn));
    }

    @Override
    public <U, V> ScopedFuture<V> thenCombineAsync(CompletionStage<? extends U> other,
                                                   BiFunction<? super T, ? super U, ? extends V> fn) {
        return (ScopedFuture<V>) super.<U, V>thenCombineAsync(other, Tenants.bindBiFunction(fn));
    }

    @Override
    public <U, V> ScopedFuture<V> thenCombineAsync(CompletionStage<? extends U> other,
                                                   BiFunction<? super T, ? super U, ? extends V> fn,
                                                   Executor executor) {
        return (ScopedFuture<V>) super.<U, V>thenCombineAsync(other, Tenants.bindBiFunction(fn), executor);
    }

    @Override
    public <U> ScopedFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                                                 BiConsumer<? super T, ? super U> action) {
        return (ScopedFuture<Void>) super.thenAcceptBoth(other, Tenants.bindBiConsumer(action));
    }

    @Override
    public <U> ScopedFuture<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
                                                      BiConsumer<? super T, ? super U> action) {
        return (ScopedFuture<Void>) super.thenAcceptBothAsync(other, Tenants.bindBiConsumer(action));
    }

    @Override
    public <U> ScopedFuture<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
                                                      BiConsumer<? super T, ? super U> action, Executor executor) {
        return (ScopedFuture<Void>) super.thenAcceptBothAsync(other, Tenants.bindBiConsumer(action), executor);
    }

    @Override
    public ScopedFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return (ScopedFuture<Void>) super.runAfterBoth(other, Tenants.bind(action));
    }

    @Override
    public ScopedFuture<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
        return (ScopedFuture<Void>) super.runAfterBothAsync(other, Tenants.bind(action));
    }

    @Override
    public ScopedFuture<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action, Executor executor) {
        return (ScopedFuture<Void>) super.runAfterBothAsync(other, Tenants.bind(action), executor);
    }

    @Override
    public <U> ScopedFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return (ScopedFuture<U>) super.applyToEither(other, Tenants.bindFunction(fn));
    }

    @Override
    public <U> ScopedFuture<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return (ScopedFuture<U>) super.applyToEitherAsync(other, Tenants.bindFunction(fn));
    }

    @Override
    public <U> ScopedFuture<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn,
                                                  Executor executor) {
        return (ScopedFuture<U>) super.applyToEitherAsync(other, Tenants.bindFunction(fn), executor);
    }

    @Override
    public ScopedFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return (ScopedFuture<Void>) super.acceptEither(other, Tenants.bindConsumer(action));
    }

    @Override
    public ScopedFuture<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return (ScopedFuture<Void>) super.acceptEitherAsync(other, Tenants.bindConsumer(action));
    }

    @Override
    public ScopedFuture<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action,
                                                Executor executor) {
        return (ScopedFuture<Void>) super.acceptEitherAsync(other, Tenants.bindConsumer(action), executor);
    }

    @Override
    public ScopedFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return (ScopedFuture<Void>) super.runAfterEither(other, Tenants.bind(action));
    }

    @Override
    public ScopedFuture<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
        return (ScopedFuture<Void>) super.runAfterEitherAsync(other, Tenants.bind(action));
    }

    @Override
    public ScopedFuture<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action, Executor executor) {
        return (ScopedFuture<Void>) super.runAfterEitherAsync(other, Tenants.bind(action), executor);
    }

    @Override
    public <U> ScopedFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return (ScopedFuture<U>) super.thenCompose(Tenants.bindFunction(fn));
    }

    @Override
    public <U> ScopedFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
        return (ScopedFuture<U>) super.thenComposeAsync(Tenants.bindFunction(fn));
    }

    @Override
    public <U> ScopedFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn,
                                                Executor executor) {
        return (ScopedFuture<U>) super.thenComposeAsync(Tenants.bindFunction(fn), executor);
    }

    @Override
    public <U> ScopedFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return (ScopedFuture<U>) super.<U>handle(Tenants.bindBiFunction(fn));
    }

    @Override
    public <U> ScopedFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
        return (ScopedFuture<U>) super.<U>handleAsync(Tenants.bindBiFunction(fn));
    }

    @Override
    public <U> ScopedFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
        return (ScopedFuture<U>) super.<U>handleAsync(Tenants.bindBiFunction(fn), executor);
    }

    /**
     * As {@link CompletableFuture#whenComplete}, with {@code action} bound to the caller's scope. The JDK's own
     * bookkeeping actions ({@code orTimeout}'s canceller) do no tenant work and are registered as they are.
     */
    @Override
    public ScopedFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        Objects.requireNonNull(action, "action");
        return (ScopedFuture<T>) super.whenComplete(isJdkInternal(action) ? action : Tenants.bindBiConsumer(action));
    }

    @Override
    public ScopedFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
        return (ScopedFuture<T>) super.whenCompleteAsync(Tenants.bindBiConsumer(action));
    }

    @Override
    public ScopedFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor executor) {
        return (ScopedFuture<T>) super.whenCompleteAsync(Tenants.bindBiConsumer(action), executor);
    }

    @Override
    public ScopedFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return (ScopedFuture<T>) super.exceptionally(Tenants.bindFunction(fn));
    }

    @Override
    public ScopedFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) {
        return (ScopedFuture<T>) super.exceptionallyAsync(Tenants.bindFunction(fn));
    }

    @Override
    public ScopedFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn, Executor executor) {
        return (ScopedFuture<T>) super.exceptionallyAsync(Tenants.bindFunction(fn), executor);
    }

    @Override
    public ScopedFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return (ScopedFuture<T>) super.exceptionallyCompose(Tenants.bindFunction(fn));
    }

    @Override
    public ScopedFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return (ScopedFuture<T>) super.exceptionallyComposeAsync(Tenants.bindFunction(fn));
    }

    @Override
    public ScopedFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
                                                     Executor executor) {
        return (ScopedFuture<T>) super.exceptionallyComposeAsync(Tenants.bindFunction(fn), executor);
    }

    /**
     * Whether {@code action} is one of {@code CompletableFuture}'s own nested classes; no other code can define a
     * class in {@code java.util.concurrent}. (By name: cheaper than reflection on every {@code whenComplete}.)
     */
    private static boolean isJdkInternal(Object action) {
        return action.getClass().getName().startsWith(JDK_NESTED);
    }

    /**
     * The minimal stage: like the JDK's, everything outside {@link CompletionStage} is unsupported; it is completed
     * only by the future it was made from.
     */
    private static final class Minimal<T> extends ScopedFuture<T> {

        @Override
        public <U> ScopedFuture<U> newIncompleteFuture() {
            return new Minimal<>();
        }

        /** A new full scoped future that completes as this stage does. */
        @Override
        public ScopedFuture<T> toCompletableFuture() {
            ScopedFuture<T> full = new ScopedFuture<>();
            relay(full);
            return full;
        }

        @Override
        public T get() {
            throw unsupported();
        }

        @Override
        public T get(long timeout, TimeUnit unit) {
            throw unsupported();
        }

        @Override
        public T getNow(T valueIfAbsent) {
            throw unsupported();
        }

        @Override
        public T join() {
            throw unsupported();
        }

        @Override
        public boolean complete(T value) {
            throw unsupported();
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            throw unsupported();
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            throw unsupported();
        }

        @Override
        public void obtrudeValue(T value) {
            throw unsupported();
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw unsupported();
        }

        @Override
        public boolean isDone() {
            throw unsupported();
        }

        @Override
        public boolean isCancelled() {
            throw unsupported();
        }

        @Override
        public boolean isCompletedExceptionally() {
            throw unsupported();
        }

        @Override
        public int getNumberOfDependents() {
            throw unsupported();
        }

        @Override
        public ScopedFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
            throw unsupported();
        }

        @Override
        public ScopedFuture<T> completeAsync(Supplier<? extends T> supplier) {
            throw unsupported();
        }

        @Override
        public ScopedFuture<T> orTimeout(long timeout, TimeUnit unit) {
            throw unsupported();
        }

        @Override
        public ScopedFuture<T> completeOnTimeout(@Nullable T value, long timeout, TimeUnit unit) {
            throw unsupported();
        }

        private static UnsupportedOperationException unsupported() {
            return new UnsupportedOperationException("a minimal completion stage supports only the CompletionStage "
                    + "methods; use toCompletableFuture()");
        }
    }
}
