package dev.tenantry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TenantsTest {

    private static final TenantId A = TenantId.of("a");
    private static final TenantId B = TenantId.of("b");

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(Tenants.currentIfPresent().isEmpty(), "a test leaked a scope onto the test thread");
    }

    @Test
    void aScopeGuardRefusesOrdinaryScopesButNotThoseOpenedInSystemScope() {
        TenantId blocked = TenantId.of("blocked");
        List<TenantId> asked = new ArrayList<>();
        Tenants.Registration guard = Tenants.addScopeGuard(tenant -> {
            asked.add(tenant);
            if (tenant.equals(blocked)) {
                throw new TenantryException("tenant '" + tenant + "' is suspended");
            }
        });
        try {
            List<String> ran = new ArrayList<>();
            TenantryException refused = assertThrows(TenantryException.class,
                    () -> Tenants.run(blocked, () -> ran.add("ran")));
            assertEquals("tenant 'blocked' is suspended", refused.getMessage());
            assertThrows(TenantryException.class, () -> Tenants.call(blocked, () -> ran.add("ran")));
            assertEquals(List.of(), ran, "a refused scope runs nothing");
            assertTrue(Tenants.currentIfPresent().isEmpty(), "and leaves no scope behind");
            Tenants.run(TenantId.of("fine"), () -> ran.add("fine"));
            Tenants.runAsSystem("support", () -> Tenants.run(blocked, () -> ran.add("system")));
            assertEquals(List.of("fine", "system"), ran);
            assertEquals(List.of(blocked, blocked, TenantId.of("fine")), asked, "not asked inside system scope");
        } finally {
            guard.close();
        }
        Tenants.run(blocked, () -> assertEquals(blocked, Tenants.current()));
    }

    @Test
    void readingWithNoTenantFailsClosed() {
        MissingTenantException e = assertThrows(MissingTenantException.class, Tenants::current);
        assertTrue(e.getMessage().contains("Tenants.run"), e.getMessage());
        assertEquals(Optional.empty(), Tenants.currentIfPresent());
    }

    @Test
    void nestedScopesRestoreTheOuterOne() {
        Tenants.run(A, () -> {
            assertEquals(A, Tenants.current());
            Tenants.run(B, () -> assertEquals(B, Tenants.current()));
            assertEquals(A, Tenants.current());
        });
        assertTrue(Tenants.currentIfPresent().isEmpty());
    }

    @Test
    void scopeIsRestoredWhenTheBlockThrows() {
        IOException thrown = new IOException("boom");
        Tenants.run(A, () -> {
            IOException caught = assertThrows(IOException.class, () -> Tenants.run(B, () -> {
                throw thrown;
            }));
            assertSame(thrown, caught);
            assertEquals(A, Tenants.current());
        });
        assertThrows(IllegalStateException.class, () -> Tenants.call(A, () -> {
            throw new IllegalStateException();
        }));
        assertTrue(Tenants.currentIfPresent().isEmpty());
    }

    @Test
    void callReturnsTheValue() {
        assertEquals("a!", Tenants.call(A, () -> Tenants.current().value() + "!"));
    }

    @Test
    void systemScopeNeedsAReasonAndReportsEachEntry() {
        List<SystemAccess> seen = new CopyOnWriteArrayList<>();
        Tenants.Registration registration = Tenants.addSystemScopeListener(seen::add);
        try {
            assertThrows(IllegalArgumentException.class, () -> Tenants.runAsSystem(" ", () -> { }));
            assertTrue(seen.isEmpty());
            Tenants.run(A, () -> Tenants.runAsSystem("purge deleted orgs", () -> {
                assertTrue(Tenants.inSystemScope());
                assertThrows(MissingTenantException.class, Tenants::current);
                Tenants.run(B, () -> {
                    assertEquals(B, Tenants.current());
                    assertTrue(Tenants.inSystemScope());
                });
            }));
            assertEquals(42, Tenants.callAsSystem("report", () -> 42));
        } finally {
            registration.close();
        }
        assertEquals(2, seen.size());
        assertEquals("purge deleted orgs", seen.get(0).reason());
        assertEquals(Optional.of(A), seen.get(0).enclosing());
        assertEquals(Thread.currentThread().getName(), seen.get(0).threadName());
        assertFalse(Tenants.inSystemScope());
        Tenants.runAsSystem("after removal", () -> { });
        assertEquals(2, seen.size(), "a closed registration must not be told");
    }

    @Test
    void listenerThatFailsStopsTheSystemScopeEntry() {
        List<String> ran = new ArrayList<>();
        Tenants.Registration registration = Tenants.addSystemScopeListener(access -> {
            throw new IllegalStateException("audit store down");
        });
        try {
            assertThrows(IllegalStateException.class, () -> Tenants.runAsSystem("x", () -> ran.add("ran")));
        } finally {
            registration.close();
        }
        assertTrue(ran.isEmpty(), "system work must not run unrecorded");
        assertFalse(Tenants.inSystemScope());
    }

    @Test
    void pooledThreadsKeepNoTenantAfterAPropagatedTask() throws Exception {
        ExecutorService propagating = Tenants.propagating(Executors.newSingleThreadExecutor());
        try {
            Future<TenantId> inScope = Tenants.call(A, () -> propagating.submit(Tenants::current));
            assertEquals(A, inScope.get());
            Future<Optional<TenantId>> after = propagating.submit(Tenants::currentIfPresent);
            assertEquals(Optional.empty(), after.get(), "the worker kept the previous task's tenant");
            Future<Optional<TenantId>> raw = pool.submit(Tenants::currentIfPresent);
            assertEquals(Optional.empty(), raw.get());
        } finally {
            propagating.shutdownNow();
        }
    }

    @Test
    void boundFunctionsCarryTheScopeIntoCompletableFutures() throws Exception {
        CompletableFuture<String> future = Tenants.call(A, () -> CompletableFuture
                .supplyAsync(Tenants.bindSupplier(() -> Tenants.current().value()), pool)
                .thenApplyAsync(Tenants.bindFunction((String v) -> v + Tenants.current().value()), pool));
        assertEquals("aa", future.get(10, TimeUnit.SECONDS));
        Runnable bound = Tenants.call(B, () -> Tenants.bind(() -> assertEquals(B, Tenants.current())));
        pool.submit(bound).get();
        assertEquals(Optional.empty(), pool.submit(Tenants::currentIfPresent).get());
    }

    @Test
    void propagatingExecutorRunsEachTaskInItsSubmittersScope() throws Exception {
        int threads = 8;
        int tasksPerThread = 200;
        ExecutorService workers = Executors.newFixedThreadPool(3);
        java.util.concurrent.Executor propagating = Tenants.propagating((java.util.concurrent.Executor) workers);
        ExecutorService submitters = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads * tasksPerThread);
        List<Future<?>> submitted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            TenantId tenant = TenantId.of("t" + t);
            submitted.add(submitters.submit(() -> {
                start.await();
                Tenants.run(tenant, () -> {
                    for (int i = 0; i < tasksPerThread; i++) {
                        propagating.execute(() -> {
                            TenantId seen = Tenants.current();
                            if (!seen.equals(tenant)) {
                                mismatches.add(tenant + " saw " + seen);
                            }
                            done.countDown();
                        });
                    }
                });
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : submitted) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        workers.shutdown();
        submitters.shutdown();
        assertTrue(mismatches.isEmpty(), mismatches.toString());
    }

    @Test
    void workBoundInSystemScopeIsReportedEachTimeItEntersSystemScope() throws Exception {
        List<SystemAccess> seen = new CopyOnWriteArrayList<>();
        Tenants.Registration registration = Tenants.addSystemScopeListener(seen::add);
        try {
            Runnable bound = Tenants.call(A, () -> Tenants.callAsSystem("nightly purge", () -> {
                Runnable task = Tenants.bind(() -> assertTrue(Tenants.inSystemScope()));
                task.run(); // inline, inside the very scope it was bound in: that entry was reported already
                return task;
            }));
            assertEquals(1, seen.size());
            for (int i = 0; i < 3; i++) {
                pool.submit(bound).get(10, TimeUnit.SECONDS);
            }
            Tenants.run(B, bound::run); // on this thread again, but after the system scope closed
            assertEquals(5, seen.size(), "every entry into system scope must be reported: " + seen);
        } finally {
            registration.close();
        }
    }

    @Test
    void propagatedSystemScopeEntriesSayWhereTheyCameFrom() throws Exception {
        List<SystemAccess> seen = new CopyOnWriteArrayList<>();
        Tenants.Registration registration = Tenants.addSystemScopeListener(seen::add);
        ExecutorService propagating = Tenants.propagating(Executors.newSingleThreadExecutor(
                r -> new Thread(r, "propagated-worker")));
        try {
            Tenants.run(A, () -> Tenants.runAsSystem("export all organizations", () ->
                    propagating.submit(() -> Tenants.inSystemScope()).get(10, TimeUnit.SECONDS)));
            assertEquals(2, seen.size());
            assertFalse(seen.get(0).propagated());
            SystemAccess propagated = seen.get(1);
            assertTrue(propagated.propagated());
            assertEquals("export all organizations", propagated.reason());
            assertEquals("propagated-worker", propagated.threadName());
            assertEquals(Optional.of(A), propagated.enclosing(), "the tenant around the entry the work was bound in");
        } finally {
            registration.close();
            propagating.shutdownNow();
        }
    }

    @Test
    void aListenerThatRefusesAPropagatedEntryStopsTheBoundWork() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        Runnable bound = Tenants.callAsSystem("support", () -> Tenants.bind(() -> ran.add("ran")));
        Tenants.Registration registration = Tenants.addSystemScopeListener(access -> {
            throw new IllegalStateException("audit store down");
        });
        try {
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> pool.submit(bound).get(10, TimeUnit.SECONDS));
            assertEquals("audit store down", e.getCause().getMessage());
        } finally {
            registration.close();
        }
        assertEquals(List.of(), ran, "system work must not run unrecorded");
    }

    @Test
    void workBoundToATenantSuspendedSinceIsRefusedWhenItRuns() throws Exception {
        java.util.Set<TenantId> suspended = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Tenants.Registration guard = Tenants.addScopeGuard(tenant -> {
            if (suspended.contains(tenant)) {
                throw new TenantryException("tenant '" + tenant + "' is suspended");
            }
        });
        ExecutorService propagating = Tenants.propagating(Executors.newSingleThreadExecutor());
        try {
            List<String> ran = new CopyOnWriteArrayList<>();
            Runnable task = Tenants.call(A, () -> Tenants.bind(() -> ran.add("runnable")));
            java.util.concurrent.Callable<String> callable = Tenants.call(A,
                    () -> Tenants.bindCallable(() -> "callable"));
            Supplier<String> supplier = Tenants.call(A, () -> Tenants.bindSupplier(() -> "supplier"));
            Function<String, String> function = Tenants.call(A, () -> Tenants.bindFunction(v -> v));
            CountDownLatch release = new CountDownLatch(1);
            Future<?> queued = Tenants.call(A, () -> propagating.submit(() -> {
                ran.add("queued");
                return null;
            }));
            queued.get(10, TimeUnit.SECONDS);
            Future<?> waiting = Tenants.call(A, () -> {
                propagating.execute(() -> await(release)); // holds the worker until A is suspended
                return propagating.submit(() -> ran.add("submitted before the suspension"));
            });
            suspended.add(A);
            release.countDown();

            assertSuspended(assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> pool.submit(task).get(10, TimeUnit.SECONDS)).getCause());
            assertSuspended(assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> pool.submit(callable).get(10, TimeUnit.SECONDS)).getCause());
            assertSuspended(assertThrows(TenantryException.class, supplier::get));
            assertSuspended(assertThrows(TenantryException.class, () -> function.apply("x")));
            assertSuspended(assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> waiting.get(10, TimeUnit.SECONDS)).getCause());
            assertEquals(List.of("queued"), ran, "nothing bound to a suspended tenant may run after the suspension");
            // inside system scope the guards are not asked, as for Tenants.run
            Runnable system = Tenants.callAsSystem("purge", () -> Tenants.call(A, () -> Tenants.bind(
                    () -> ran.add("system"))));
            pool.submit(system).get(10, TimeUnit.SECONDS);
            assertEquals(List.of("queued", "system"), ran);
        } finally {
            guard.close();
            propagating.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertSuspended(Throwable thrown) {
        assertTrue(thrown instanceof TenantryException, String.valueOf(thrown));
        assertEquals("tenant 'a' is suspended", thrown.getMessage());
    }

    @Test
    void boundWorkLeavesTheRunningThreadsScopeAsItWasAlsoWhenRefused() {
        Runnable bound = Tenants.call(A, () -> Tenants.bind(() -> assertEquals(A, Tenants.current())));
        Tenants.run(B, () -> {
            bound.run();
            assertEquals(B, Tenants.current());
        });
        Tenants.Registration guard = Tenants.addScopeGuard(tenant -> {
            throw new TenantryException("closed");
        });
        try {
            Tenants.runAsSystem("x", () -> {
                assertThrows(TenantryException.class, bound::run);
                assertTrue(Tenants.inSystemScope(), "a refused re-entry changes nothing");
            });
        } finally {
            guard.close();
        }
    }
}
