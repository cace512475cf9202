package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.ScopeRefusedException;
import dev.tenantry.ScopedFuture;
import dev.tenantry.SystemAccess;
import dev.tenantry.TenantId;
import dev.tenantry.TenantryException;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.directory.TenantStatusException;
import dev.tenantry.testing.Await;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Guards and system-scope listeners belong to the database they are wired to and are consulted when work touches its
 * data: work handed over before a suspension is refused when it runs, every system-scope entry (each run of bound
 * work included) is reported once per database, a refusal sends nothing, and two applications in one JVM never see
 * each other's wiring.
 */
@MongoTest
class ScopeWiringIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final MongoBackend backend;
    private final MongoDatabase database;
    private final AtomicInteger finds = new AtomicInteger();
    private final MongoClient counted;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final List<AutoCloseable> closing = new ArrayList<>();

    ScopeWiringIT(MongoBackend backend, MongoDatabase database) {
        this.backend = backend;
        this.database = database;
        CommandListener counting = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("find") || event.getCommandName().equals("aggregate")) {
                    finds.incrementAndGet();
                }
            }
        };
        this.counted = backend.newClient(s -> s.addCommandListener(counting));
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        for (AutoCloseable c : closing) {
            c.close();
        }
        counted.close();
        database.drop();
    }

    private TenantDatabase tenantDatabase(String name) {
        return TenantDatabase.builder(counted, name).collection("notes").build();
    }

    private static TenantryException suspended(TenantId tenant) {
        return new ScopeRefusedException("tenant '" + tenant + "' is suspended");
    }

    private static Throwable cause(Future<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS)).getCause();
    }

    @Test
    void aGuardIsAskedWhenWorkTouchesTheDataNotWhenTheScopeOpens() throws Exception {
        TenantDatabase db = tenantDatabase(database.getName());
        TenantCollection<Document> notes = db.getCollection("notes");
        Tenants.run(ACME, () -> notes.insertOne(new Document("n", 1)));
        Set<TenantId> blocked = ConcurrentHashMap.newKeySet();
        closing.add(db.addScopeGuard(tenant -> {
            if (blocked.contains(tenant)) {
                throw suspended(tenant);
            }
        }));

        // Handed over before the suspension, in every way work can be.
        Runnable runnable = Tenants.call(ACME, () -> Tenants.bind(() -> notes.countDocuments()));
        Callable<Long> callable = Tenants.call(ACME, () -> Tenants.bindCallable((Callable<Long>) () -> notes.countDocuments()));
        Supplier<Long> supplier = Tenants.call(ACME, () -> Tenants.bindSupplier(() -> notes.countDocuments()));
        FindIterable<Document> iterable = Tenants.call(ACME, () -> notes.find());
        ScopedFuture<String> source = new ScopedFuture<>();
        ScopedFuture<Long> stage = Tenants.call(ACME, () -> source.thenApply(v -> notes.countDocuments()));
        ExecutorService propagating = Tenants.propagating(Executors.newSingleThreadExecutor());
        closing.add(propagating::shutdownNow);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> queued = Tenants.call(ACME, () -> {
            propagating.execute(() -> Await.latch("acme is suspended", release)); // holds the worker until acme is suspended
            return propagating.submit((Callable<Long>) () -> notes.countDocuments());
        });

        blocked.add(ACME);
        release.countDown();
        int before = finds.get();
        assertSuspended(cause(pool.submit(runnable)));
        assertSuspended(cause(pool.submit(callable)));
        assertSuspended(assertThrows(TenantryException.class, supplier::get));
        assertSuspended(assertThrows(TenantryException.class, () -> Tenants.run(ACME, iterable::first)));
        assertSuspended(cause(queued));
        Tenants.run(GLOBEX, () -> source.complete("go")); // completed by another tenant's thread
        assertSuspended(cause(stage));
        assertSuspended(assertThrows(TenantryException.class, () -> Tenants.run(ACME, () -> notes.countDocuments())));
        assertEquals(before, finds.get(), "a refused operation sends nothing");

        Tenants.run(ACME, () -> assertEquals(ACME, Tenants.current())); // opening the scope itself is not refused
        assertEquals(0L, Tenants.call(GLOBEX, () -> notes.countDocuments()), "other tenants are not refused");
        assertEquals(1L, Tenants.callAsSystem("support", () -> Tenants.call(ACME, () -> notes.countDocuments())),
                "system scope is not guarded: a purge must still reach a suspended tenant");
    }

    private static void assertSuspended(Throwable thrown) {
        assertTrue(thrown instanceof TenantryException, String.valueOf(thrown));
        assertEquals("tenant 'acme' is suspended", thrown.getMessage());
    }

    @Test
    void everySystemScopeEntryIsReportedOncePerDatabaseBeforeItTouchesTheData() throws Exception {
        TenantDatabase db = tenantDatabase(database.getName());
        TenantCollection<Document> notes = db.getCollection("notes");
        List<SystemAccess> reported = new CopyOnWriteArrayList<>();
        closing.add(db.addSystemScopeListener(reported::add));

        Runnable bound = Tenants.call(GLOBEX, () -> Tenants.callAsSystem("nightly report", () -> {
            Tenants.run(ACME, () -> notes.countDocuments());
            Tenants.run(GLOBEX, () -> notes.countDocuments()); // the same entry: reported once
            return Tenants.bind(() -> Tenants.run(ACME, () -> notes.countDocuments()));
        }));
        assertEquals(1, reported.size());
        for (int i = 0; i < 3; i++) {
            pool.submit(bound).get(10, TimeUnit.SECONDS);
        }
        assertEquals(4, reported.size(), "each run of work bound in system scope is an entry: " + reported);
        assertTrue(reported.subList(1, 4).stream().allMatch(SystemAccess::propagated));
        assertTrue(reported.stream().allMatch(a -> a.reason().equals("nightly report")
                && a.enclosing().equals(java.util.Optional.of(GLOBEX))));
        Tenants.runAsSystem("touches nothing here", () -> { });
        assertEquals(4, reported.size(), "an entry is reported where it touches the data");
    }

    @Test
    void aListenerThatRefusesStopsTheWorkBeforeAnythingIsSent() {
        TenantDatabase db = tenantDatabase(database.getName());
        TenantCollection<Document> notes = db.getCollection("notes");
        closing.add(db.addSystemScopeListener(access -> {
            throw new IllegalStateException("audit store down");
        }));
        int before = finds.get();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tenants.runAsSystem("support",
                () -> Tenants.run(ACME, () -> notes.countDocuments())));
        assertEquals("audit store down", e.getMessage());
        assertEquals(before, finds.get(), "system work must not run unrecorded");
        assertEquals(0L, Tenants.call(ACME, () -> notes.countDocuments()), "ordinary work is not affected");
    }

    @Test
    void twoApplicationsInOneJvmDoNotSeeEachOthersGuardsOrListeners() {
        String other = database.getName() + "_b";
        App one = new App(database.getName());
        App two = new App(other);
        closing.add(() -> counted.getDatabase(other).drop());
        closing.add(one);
        closing.add(two);

        one.directory.suspend(ACME);
        assertThrows(TenantStatusException.class, () -> Tenants.run(ACME, () -> one.notes.insertOne(new Document())));
        Tenants.run(ACME, () -> two.notes.insertOne(new Document("n", 1)));
        assertEquals(1L, Tenants.call(ACME, () -> two.notes.countDocuments()), "the other application's acme is active");

        Tenants.runAsSystem("report of application one", () -> Tenants.run(GLOBEX, () -> one.notes.countDocuments()));
        Tenants.runAsSystem("report of application two", () -> Tenants.run(GLOBEX, () -> two.notes.countDocuments()));
        assertEquals(List.of("report of application one"), one.systemAccess());
        assertEquals(List.of("report of application two"), two.systemAccess());
    }

    /** One application's wiring: its database, directory (guarding it) and audit trail (recording its access). */
    private final class App implements AutoCloseable {
        final TenantDatabase db;
        final TenantCollection<Document> notes;
        final AuditTrail audit;
        final TenantDirectory directory;
        final Tenants.Registration guard;
        final Tenants.Registration recording;

        App(String name) {
            db = tenantDatabase(name);
            notes = db.getCollection("notes");
            audit = AuditTrail.builder(counted, name).build();
            directory = TenantDirectory.builder(counted, name).tenantDatabase(db).build();
            directory.create(ACME, "Acme", "FREE");
            directory.create(GLOBEX, "Globex", "FREE");
            guard = directory.guardScopes();
            recording = db.addSystemScopeListener(audit.systemScopeListener());
        }

        List<String> systemAccess() {
            List<String> reasons = new ArrayList<>();
            for (TenantId tenant : List.of(ACME, GLOBEX, AuditTrail.Builder.DEFAULT_SYSTEM_TENANT)) {
                for (AuditEntry entry : Tenants.call(tenant, () -> audit.query(AuditQuery.all()
                        .withAction(AuditAction.SYSTEM_ACCESS)).entries())) {
                    reasons.add(entry.event().summary());
                }
            }
            return reasons;
        }

        @Override
        public void close() {
            recording.close();
            guard.close();
            audit.close();
        }
    }
}
