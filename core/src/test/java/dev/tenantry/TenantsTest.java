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
    void systemScopeNeedsAReasonAndEachEntryIsAnAccessOfItsOwn() {
        assertThrows(IllegalArgumentException.class, () -> Tenants.runAsSystem(" ", () -> { }));
        assertTrue(Tenants.currentSystemAccess().isEmpty());
        List<SystemAccess> seen = new ArrayList<>();
        Tenants.run(A, () -> Tenants.runAsSystem("purge deleted orgs", () -> {
            assertTrue(Tenants.inSystemScope());
            assertThrows(MissingTenantException.class, Tenants::current);
            SystemAccess entry = Tenants.currentSystemAccess().orElseThrow();
            seen.add(entry);
            Tenants.run(B, () -> {
                assertEquals(B, Tenants.current());
                assertTrue(Tenants.inSystemScope());
                assertSame(entry, Tenants.currentSystemAccess().orElseThrow(), "a tenant opened inside stays in it");
            });
        }));
        assertEquals(42, Tenants.callAsSystem("report", () -> {
            seen.add(Tenants.currentSystemAccess().orElseThrow());
            return 42;
        }));
        assertEquals("purge deleted orgs", seen.get(0).reason());
        assertEquals(Optional.of(A), seen.get(0).enclosing());
        assertEquals(Thread.currentThread().getName(), seen.get(0).threadName());
        assertFalse(seen.get(0).propagated());
        assertEquals(Optional.empty(), seen.get(1).enclosing());
        assertFalse(Tenants.inSystemScope());
        assertTrue(Tenants.currentSystemAccess().isEmpty());
    }

    @Test
    void equalEntriesAreStillDistinctEntries() {
        SystemAccess first = Tenants.callAsSystem("same", () -> Tenants.currentSystemAccess().orElseThrow());
        SystemAccess second = Tenants.callAsSystem("same", () -> Tenants.currentSystemAccess().orElseThrow());
        assertEquals(first, second, "the same reason, thread and tenant");
        assertTrue(first != second, "but two entries, which a database reports twice");
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
    void workBoundInSystemScopeIsANewEntryEachTimeItRuns() throws Exception {
        List<SystemAccess> entries = new CopyOnWriteArrayList<>();
        Runnable record = () -> entries.add(Tenants.currentSystemAccess().orElseThrow());
        SystemAccess[] original = new SystemAccess[1];
        Runnable bound = Tenants.call(A, () -> Tenants.callAsSystem("nightly purge", () -> {
            original[0] = Tenants.currentSystemAccess().orElseThrow();
            Runnable task = Tenants.bind(record);
            task.run(); // inline, inside the very scope it was bound in: the same entry
            return task;
        }));
        for (int i = 0; i < 3; i++) {
            pool.submit(bound).get(10, TimeUnit.SECONDS);
        }
        Tenants.run(B, bound::run); // on this thread again, but after the system scope closed
        assertEquals(5, entries.size());
        assertSame(original[0], entries.get(0));
        for (SystemAccess propagated : entries.subList(1, 5)) {
            assertTrue(propagated.propagated(), propagated.toString());
            assertEquals("nightly purge", propagated.reason());
            assertEquals(Optional.of(A), propagated.enclosing(), "the tenant around the entry it was bound in");
        }
        assertEquals(5, entries.stream().map(System::identityHashCode).distinct().count(),
                "every run is an entry of its own, which each database it touches reports: " + entries);
    }

    @Test
    void propagatedSystemScopeEntriesSayWhereTheyCameFrom() throws Exception {
        ExecutorService propagating = Tenants.propagating(Executors.newSingleThreadExecutor(
                r -> new Thread(r, "propagated-worker")));
        try {
            SystemAccess propagated = Tenants.call(A, () -> Tenants.callAsSystem("export all organizations", () ->
                    propagating.submit(() -> Tenants.currentSystemAccess().orElseThrow()).get(10, TimeUnit.SECONDS)));
            assertTrue(propagated.propagated());
            assertEquals("export all organizations", propagated.reason());
            assertEquals("propagated-worker", propagated.threadName());
            assertEquals(Optional.of(A), propagated.enclosing());
        } finally {
            propagating.shutdownNow();
        }
    }

    private static void assertSuspended(Throwable thrown) {
        assertTrue(thrown instanceof TenantryException, String.valueOf(thrown));
        assertEquals("tenant 'a' is suspended", thrown.getMessage());
    }

    @Test
    void boundWorkLeavesTheRunningThreadsScopeAsItWasAlsoWhenItThrows() {
        Runnable bound = Tenants.call(A, () -> Tenants.bind(() -> assertEquals(A, Tenants.current())));
        Tenants.run(B, () -> {
            bound.run();
            assertEquals(B, Tenants.current());
        });
        Runnable failing = Tenants.call(A, () -> Tenants.bind(() -> {
            throw new ScopeRefusedException("closed");
        }));
        Tenants.runAsSystem("x", () -> {
            SystemAccess entry = Tenants.currentSystemAccess().orElseThrow();
            assertThrows(TenantryException.class, failing::run);
            assertSame(entry, Tenants.currentSystemAccess().orElseThrow(), "a failed run changes nothing here");
        });
    }

    @Test
    void aSnapshotIsReenteredElsewhereAndRestored() throws Exception {
        TenantId acme = TenantId.of("acme");
        Tenants.Snapshot captured = Tenants.call(acme, Tenants::capture);
        assertFalse(captured.isEmpty());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertEquals(acme, pool.submit(() -> {
                Tenants.Snapshot previous = Tenants.enter(captured);
                try {
                    return Tenants.current();
                } finally {
                    Tenants.restore(previous);
                    assertFalse(Tenants.currentIfPresent().isPresent(), "restored: no scope");
                }
            }).get(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        // An empty snapshot entered inside a scope leaves none in force (fail closed), and the scope comes back.
        Tenants.Snapshot none = Tenants.capture();
        assertTrue(none.isEmpty());
        Tenants.run(TenantId.of("globex"), () -> {
            Tenants.Snapshot previous = Tenants.enter(none);
            try {
                assertThrows(MissingTenantException.class, Tenants::current);
            } finally {
                Tenants.restore(previous);
            }
            assertEquals(TenantId.of("globex"), Tenants.current());
        });
        // A system scope re-entered is a new, propagated entry with the same reason.
        Tenants.runAsSystem("nightly job", () -> {
            Tenants.Snapshot system = Tenants.capture();
            SystemAccess outer = Tenants.currentSystemAccess().orElseThrow();
            Thread other = new Thread(() -> {
                Tenants.Snapshot previous = Tenants.enter(system);
                try {
                    SystemAccess inner = Tenants.currentSystemAccess().orElseThrow();
                    assertTrue(inner.propagated() && inner != outer && inner.reason().equals("nightly job"));
                } finally {
                    Tenants.restore(previous);
                }
            });
            other.start();
            other.join();
        });
    }
}
