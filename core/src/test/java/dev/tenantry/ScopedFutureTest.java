package dev.tenantry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ScopedFuture}: every dependent stage runs in the scope it was registered in, although the thread that
 * completes the future (or runs the stage) is inside another tenant's scope.
 */
class ScopedFutureTest {

    private static final TenantId A = TenantId.of("a");
    private static final TenantId B = TenantId.of("b");
    private static final String NONE = "(no scope)";
    private static final String SYSTEM = "(system scope)";

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    /** A pool whose threads run every task inside tenant B's scope, as a pool that leaked a scope would. */
    private final Executor insideB = command -> pool.execute(() -> Tenants.run(B, command::run));
    /** What each stage saw, by stage name. */
    private final Map<String, String> seen = new ConcurrentHashMap<>();

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(Tenants.currentIfPresent().isEmpty(), "a test leaked a scope onto the test thread");
    }

    /** Records the scope {@code stage} runs in and returns a value. */
    private String note(String stage) {
        seen.put(stage, Tenants.inSystemScope() && Tenants.currentIfPresent().isEmpty() ? SYSTEM
                : Tenants.currentIfPresent().map(TenantId::value).orElse(NONE));
        return stage;
    }

    /** Completes {@code future} from a pool thread inside tenant B's scope, so synchronous stages run there. */
    private <T> void completeInsideB(CompletableFuture<T> future, T value) throws Exception {
        pool.submit(() -> Tenants.run(B, () -> future.complete(value))).get(10, TimeUnit.SECONDS);
    }

    private <T> void failInsideB(CompletableFuture<T> future, Throwable failure) throws Exception {
        pool.submit(() -> Tenants.run(B, () -> future.completeExceptionally(failure))).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPlainCompletableFutureRunsItsContinuationInTheCompletingThreadsScope() throws Exception {
        CompletableFuture<String> plain = new CompletableFuture<>();
        CompletableFuture<String> stage = Tenants.call(A, () -> plain.thenApply(v -> note("plain")));
        completeInsideB(plain, "x");
        stage.get(10, TimeUnit.SECONDS);
        assertEquals("b", seen.get("plain"), "the trap ScopedFuture exists for: acme's continuation ran as globex");
    }

    @Test
    void everyStageRunsInTheTenantThatRegisteredItWhateverThreadCompletesIt() throws Exception {
        assertEverStageSees("a", () -> Tenants.call(A, this::registerEveryStage));
    }

    @Test
    void stagesRegisteredWithNoScopeFailClosedOnAThreadThatHasATenant() throws Exception {
        assertEverStageSees(NONE, this::registerEveryStage);
        ScopedFuture<String> source = new ScopedFuture<>();
        ScopedFuture<TenantId> reads = source.thenApply(v -> Tenants.current());
        completeInsideB(source, "x");
        ExecutionException e = assertThrows(ExecutionException.class, () -> reads.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof MissingTenantException, String.valueOf(e.getCause()));
    }

    @Test
    void stagesRegisteredInSystemScopeRunInSystemScope() throws Exception {
        assertEverStageSees(SYSTEM, () -> Tenants.callAsSystem("report across tenants", this::registerEveryStage));
    }

    private void assertEverStageSees(String expected, Tenants.Call<Registered, RuntimeException> register)
            throws Exception {
        Registered registered = register.call();
        completeInsideB(registered.succeeding, "x");
        failInsideB(registered.failing, new IllegalStateException("boom"));
        completeInsideB(registered.adopted, "x");
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, CompletionStage<?>> stage : registered.stages.entrySet()) {
            try {
                stage.getValue().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failures.add(stage.getKey() + ": " + e.getCause());
            }
        }
        assertEquals(List.of(), failures);
        Map<String, String> wrong = new LinkedHashMap<>();
        for (String name : registered.stages.keySet()) {
            if (!expected.equals(seen.get(name))) {
                wrong.put(name, seen.get(name));
            }
        }
        assertEquals(Map.of(), wrong, "stages that did not run in the scope that registered them");
        assertEquals(registered.stages.size(), seen.size());
    }

    /** Futures completed later (inside B's scope), and every stage registered on them. */
    private static final class Registered {
        final ScopedFuture<String> succeeding = new ScopedFuture<>();
        final ScopedFuture<String> failing = new ScopedFuture<>();
        final CompletableFuture<String> adopted = new CompletableFuture<>();
        final Map<String, CompletionStage<?>> stages = new LinkedHashMap<>();
    }

    /** Registers every stage method, each with a function that records the scope it runs in. */
    private Registered registerEveryStage() {
        Registered r = new Registered();
        ScopedFuture<String> f = r.succeeding;
        Map<String, CompletionStage<?>> s = r.stages;
        CompletableFuture<String> done = CompletableFuture.completedFuture("y");
        CompletableFuture<String> never = new CompletableFuture<>();
        Function<String, Function<Object, String>> fn = name -> v -> note(name);
        Function<String, Consumer<Object>> consumer = name -> v -> note(name);
        Function<String, Runnable> runnable = name -> () -> note(name);
        Function<String, BiFunction<Object, Object, String>> biFn = name -> (v, e) -> note(name);
        Function<String, BiFunction<Object, Throwable, String>> handler = name -> (v, e) -> note(name);
        Function<String, BiConsumer<Object, Object>> biConsumer = name -> (v, e) -> note(name);

        s.put("thenApply", f.thenApply(fn.apply("thenApply")));
        s.put("thenApplyAsync", f.thenApplyAsync(fn.apply("thenApplyAsync")));
        s.put("thenApplyAsync(executor)", f.thenApplyAsync(fn.apply("thenApplyAsync(executor)"), insideB));
        s.put("thenAccept", f.thenAccept(consumer.apply("thenAccept")));
        s.put("thenAcceptAsync", f.thenAcceptAsync(consumer.apply("thenAcceptAsync")));
        s.put("thenAcceptAsync(executor)", f.thenAcceptAsync(consumer.apply("thenAcceptAsync(executor)"), insideB));
        s.put("thenRun", f.thenRun(runnable.apply("thenRun")));
        s.put("thenRunAsync", f.thenRunAsync(runnable.apply("thenRunAsync")));
        s.put("thenRunAsync(executor)", f.thenRunAsync(runnable.apply("thenRunAsync(executor)"), insideB));
        s.put("thenCombine", f.thenCombine(done, biFn.apply("thenCombine")));
        s.put("thenCombineAsync", f.thenCombineAsync(done, biFn.apply("thenCombineAsync")));
        s.put("thenCombineAsync(executor)", f.thenCombineAsync(done, biFn.apply("thenCombineAsync(executor)"),
                insideB));
        s.put("thenAcceptBoth", f.thenAcceptBoth(done, biConsumer.apply("thenAcceptBoth")));
        s.put("thenAcceptBothAsync", f.thenAcceptBothAsync(done, biConsumer.apply("thenAcceptBothAsync")));
        s.put("thenAcceptBothAsync(executor)", f.thenAcceptBothAsync(done,
                biConsumer.apply("thenAcceptBothAsync(executor)"), insideB));
        s.put("runAfterBoth", f.runAfterBoth(done, runnable.apply("runAfterBoth")));
        s.put("runAfterBothAsync", f.runAfterBothAsync(done, runnable.apply("runAfterBothAsync")));
        s.put("runAfterBothAsync(executor)", f.runAfterBothAsync(done, runnable.apply("runAfterBothAsync(executor)"),
                insideB));
        s.put("applyToEither", f.applyToEither(never, fn.apply("applyToEither")));
        s.put("applyToEitherAsync", f.applyToEitherAsync(never, fn.apply("applyToEitherAsync")));
        s.put("applyToEitherAsync(executor)", f.applyToEitherAsync(never, fn.apply("applyToEitherAsync(executor)"),
                insideB));
        s.put("acceptEither", f.acceptEither(never, consumer.apply("acceptEither")));
        s.put("acceptEitherAsync", f.acceptEitherAsync(never, consumer.apply("acceptEitherAsync")));
        s.put("acceptEitherAsync(executor)", f.acceptEitherAsync(never, consumer.apply("acceptEitherAsync(executor)"),
                insideB));
        s.put("runAfterEither", f.runAfterEither(never, runnable.apply("runAfterEither")));
        s.put("runAfterEitherAsync", f.runAfterEitherAsync(never, runnable.apply("runAfterEitherAsync")));
        s.put("runAfterEitherAsync(executor)", f.runAfterEitherAsync(never,
                runnable.apply("runAfterEitherAsync(executor)"), insideB));
        s.put("thenCompose", f.thenCompose(v -> CompletableFuture.completedFuture(note("thenCompose"))));
        s.put("thenComposeAsync", f.thenComposeAsync(v -> CompletableFuture.completedFuture(
                note("thenComposeAsync"))));
        s.put("thenComposeAsync(executor)", f.thenComposeAsync(v -> CompletableFuture.completedFuture(
                note("thenComposeAsync(executor)")), insideB));
        s.put("handle", f.handle(handler.apply("handle")));
        s.put("handleAsync", f.handleAsync(handler.apply("handleAsync")));
        s.put("handleAsync(executor)", f.handleAsync(handler.apply("handleAsync(executor)"), insideB));
        s.put("whenComplete", f.whenComplete(biConsumer.apply("whenComplete")));
        s.put("whenCompleteAsync", f.whenCompleteAsync(biConsumer.apply("whenCompleteAsync")));
        s.put("whenCompleteAsync(executor)", f.whenCompleteAsync(biConsumer.apply("whenCompleteAsync(executor)"),
                insideB));

        ScopedFuture<String> x = r.failing;
        s.put("exceptionally", x.exceptionally(e -> note("exceptionally")));
        s.put("exceptionallyAsync", x.exceptionallyAsync(e -> note("exceptionallyAsync")));
        s.put("exceptionallyAsync(executor)", x.exceptionallyAsync(e -> note("exceptionallyAsync(executor)"),
                insideB));
        s.put("exceptionallyCompose", x.exceptionallyCompose(e -> CompletableFuture.completedFuture(
                note("exceptionallyCompose"))));
        s.put("exceptionallyComposeAsync", x.exceptionallyComposeAsync(e -> CompletableFuture.completedFuture(
                note("exceptionallyComposeAsync"))));
        s.put("exceptionallyComposeAsync(executor)", x.exceptionallyComposeAsync(e -> CompletableFuture
                .completedFuture(note("exceptionallyComposeAsync(executor)")), insideB));
        s.put("handle(failed)", x.handle(handler.apply("handle(failed)")));
        s.put("whenComplete(failed)", x.whenComplete(biConsumer.apply("whenComplete(failed)"))
                .exceptionally(e -> "failed as expected"));

        // derived futures keep the property along the chain
        s.put("chained", f.thenApply(v -> v).thenApplyAsync(v -> v, insideB).thenApply(fn.apply("chained")));
        s.put("copy", f.copy().thenApply(fn.apply("copy")));
        s.put("toCompletableFuture", f.toCompletableFuture().thenApply(fn.apply("toCompletableFuture")));
        s.put("minimalCompletionStage", f.minimalCompletionStage().thenApply(fn.apply("minimalCompletionStage")));
        s.put("minimalCompletionStage().toCompletableFuture()", f.minimalCompletionStage().toCompletableFuture()
                .thenApply(fn.apply("minimalCompletionStage().toCompletableFuture()")));
        s.put("of(plain)", ScopedFuture.of(r.adopted).thenApply(fn.apply("of(plain)")));
        s.put("allOf", ScopedFuture.allOf(f).thenRun(runnable.apply("allOf")));
        s.put("anyOf", ScopedFuture.anyOf(f, never).thenApply(fn.apply("anyOf")));
        s.put("completeOnTimeout", new ScopedFuture<String>().completeOnTimeout("late", 1, TimeUnit.MILLISECONDS)
                .thenApply(fn.apply("completeOnTimeout")));

        // completion by a supplier
        s.put("completeAsync", new ScopedFuture<String>().completeAsync(() -> note("completeAsync")));
        s.put("completeAsync(executor)", new ScopedFuture<String>().completeAsync(
                () -> note("completeAsync(executor)"), insideB));
        s.put("supplyAsync(executor)", ScopedFuture.supplyAsync(() -> note("supplyAsync(executor)"), insideB));
        s.put("runAsync(executor)", ScopedFuture.runAsync(runnable.apply("runAsync(executor)"), insideB));
        s.put("orTimeout", new ScopedFuture<String>().orTimeout(1, TimeUnit.MILLISECONDS)
                .exceptionally(e -> note("orTimeout")));
        return r;
    }

    @Test
    void everyStageOfASystemScopeIsAnEntryOfItsOwnPerRunAndTheJdksBookkeepingNone() throws Exception {
        List<SystemAccess> entries = new CopyOnWriteArrayList<>();
        ScopedFuture<String> source = new ScopedFuture<>();
        SystemAccess[] original = new SystemAccess[1];
        List<CompletableFuture<?>> stages = Tenants.callAsSystem("nightly report", () -> {
            original[0] = Tenants.currentSystemAccess().orElseThrow();
            return List.of(
                    source.orTimeout(1, TimeUnit.HOURS).thenApply(v -> entries.add(entry())),
                    source.thenAcceptAsync(v -> entries.add(entry()), insideB),
                    source.whenComplete((v, e) -> entries.add(entry())));
        });
        completeInsideB(source, "x");
        for (CompletableFuture<?> stage : stages) {
            stage.get(10, TimeUnit.SECONDS);
        }
        assertEquals(3, entries.size(), "one entry per stage run (and none for orTimeout's canceller)");
        assertTrue(entries.stream().allMatch(SystemAccess::propagated), entries.toString());
        assertTrue(entries.stream().allMatch(a -> a.reason().equals("nightly report")));
        assertTrue(entries.stream().noneMatch(a -> a == original[0]));
        assertEquals(3, entries.stream().map(System::identityHashCode).distinct().count());
    }

    private static SystemAccess entry() {
        return Tenants.currentSystemAccess().orElseThrow();
    }

    @Test
    void aStageThatRunsAtOnceOnTheRegisteringThreadStaysInItsEntry() {
        SystemAccess[] outer = new SystemAccess[1];
        SystemAccess inner = Tenants.callAsSystem("x", () -> {
            outer[0] = entry();
            return ScopedFuture.completedFuture("v").thenApply(v -> {
                note("immediate");
                return entry();
            }).join();
        });
        assertEquals(SYSTEM, seen.get("immediate"));
        assertSame(outer[0], inner);
        assertEquals("a", Tenants.call(A, () -> ScopedFuture.completedFuture("v").thenApply(v ->
                Tenants.current().value()).join()));
    }

    @Test
    void aMinimalStageSupportsOnlyCompletionStageMethods() throws Exception {
        ScopedFuture<String> source = new ScopedFuture<>();
        CompletionStage<String> minimal = source.minimalCompletionStage();
        CompletableFuture<String> asFuture = (CompletableFuture<String>) minimal;
        assertThrows(UnsupportedOperationException.class, () -> asFuture.complete("forged"));
        assertThrows(UnsupportedOperationException.class, () -> asFuture.obtrudeValue("forged"));
        assertThrows(UnsupportedOperationException.class, () -> asFuture.completeAsync(() -> "forged"));
        assertThrows(UnsupportedOperationException.class, asFuture::join);
        assertThrows(UnsupportedOperationException.class, () -> asFuture.orTimeout(1, TimeUnit.SECONDS));
        CompletableFuture<String> full = minimal.toCompletableFuture();
        assertTrue(full instanceof ScopedFuture);
        source.complete("v");
        assertEquals("v", full.get(10, TimeUnit.SECONDS));
        CompletionStage<String> failed = ScopedFuture.failedStage(new IllegalStateException("boom"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> failed.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof CompletionException || e.getCause() instanceof IllegalStateException);
        assertEquals("v", ScopedFuture.completedStage("v").toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void adoptingAStageCopiesItsOutcome() throws Exception {
        CompletableFuture<String> plain = new CompletableFuture<>();
        ScopedFuture<String> adopted = ScopedFuture.of(plain);
        plain.completeExceptionally(new IllegalStateException("boom"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> adopted.get(10, TimeUnit.SECONDS));
        assertEquals("boom", e.getCause().getMessage());
        ScopedFuture<String> scoped = new ScopedFuture<>();
        assertTrue(ScopedFuture.of(scoped) == scoped, "a scoped future is adopted as it is");
        TimeoutException timeout = assertThrows(TimeoutException.class,
                () -> ScopedFuture.of(new CompletableFuture<String>()).get(1, TimeUnit.MILLISECONDS));
        assertNotNull(timeout);
    }

    @Test
    void concurrentRegistrationsEachKeepTheirOwnTenant() throws Exception {
        int tenants = 8;
        ScopedFuture<String> source = new ScopedFuture<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService registrars = Executors.newFixedThreadPool(tenants);
        try {
            List<java.util.concurrent.Future<List<ScopedFuture<String>>>> registered = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                TenantId tenant = TenantId.of("t" + t);
                registered.add(registrars.submit(() -> {
                    assertTrue(start.await(10, TimeUnit.SECONDS));
                    return Tenants.call(tenant, () -> {
                        List<ScopedFuture<String>> mine = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            mine.add(source.thenApply(v -> tenant + "=" + Tenants.current()));
                        }
                        return mine;
                    });
                }));
            }
            start.countDown();
            List<ScopedFuture<String>> all = new ArrayList<>();
            for (java.util.concurrent.Future<List<ScopedFuture<String>>> f : registered) {
                all.addAll(f.get(10, TimeUnit.SECONDS));
            }
            completeInsideB(source, "x");
            for (ScopedFuture<String> stage : all) {
                String[] sides = stage.get(10, TimeUnit.SECONDS).split("=");
                assertEquals(sides[0], sides[1]);
            }
            assertEquals(tenants * 50, all.size());
        } finally {
            registrars.shutdownNow();
        }
    }

    @Test
    void everyStageAndFactoryOfCompletableFutureIsOverridden() {
        Set<Class<?>> functional = Set.of(Function.class, BiFunction.class, Consumer.class, BiConsumer.class,
                Runnable.class, Supplier.class);
        List<String> missing = new ArrayList<>();
        for (Method method : CompletableFuture.class.getMethods()) {
            boolean takesWork = false;
            for (Class<?> type : method.getParameterTypes()) {
                takesWork |= functional.contains(type);
            }
            boolean makesFuture = CompletionStage.class.isAssignableFrom(method.getReturnType());
            if (!takesWork && !makesFuture) {
                continue;
            }
            try {
                ScopedFuture.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(method.toString());
            }
        }
        assertEquals(List.of(), missing, "CompletableFuture methods that would hand out unscoped stages");
    }
}
