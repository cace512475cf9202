package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A cursor opened in a tenant's scope checks that tenant before every batch it fetches ({@code getMore}), not only
 * when it was opened: drained on a thread with no tenant, or in another tenant's scope, it fails there and fetches
 * nothing more; in its own scope it reads on.
 */
@MongoTest
class CursorBindingIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void everyBatchFetchChecksTheTenantTheCursorWasOpenedFor(IsolationStrategy strategy, MongoBackend backend,
                                                             MongoDatabase database) throws Exception {
        AtomicInteger getMores = new AtomicInteger();
        CommandListener counting = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if ("getMore".equals(event.getCommandName())) {
                    getMores.incrementAndGet();
                }
            }
        };
        String prefix = "cb" + strategy.ordinal() + "_";
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(counting))) {
            TenantDatabase tdb = TenantDatabase.builder(client, database.getName()).tenantDatabasePrefix(prefix)
                    .collection("items_" + strategy.ordinal(), strategy).build();
            TenantCollection<Document> items = tdb.getCollection("items_" + strategy.ordinal());
            for (TenantId tenant : List.of(ACME, GLOBEX)) {
                List<Document> docs = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    docs.add(new Document("n", i));
                }
                Tenants.run(tenant, () -> items.insertMany(docs));
            }
            Map<String, Function<Integer, MongoCursor<?>>> opens = Map.of(
                    "find().cursor()", batch -> items.find().batchSize(batch).cursor(),
                    "find().iterator()", batch -> items.find(Filters.gte("n", 0)).batchSize(batch).iterator(),
                    "find().map().cursor()", batch -> items.find().batchSize(batch).map(d -> d.get("n")).cursor(),
                    "aggregate().cursor()", batch -> items.aggregate(List.of(Aggregates.sort(new Document("n", 1))))
                            .batchSize(batch).cursor());
            ExecutorService elsewhere = Executors.newSingleThreadExecutor();
            int checked = 0;
            try {
                for (Map.Entry<String, Function<Integer, MongoCursor<?>>> open : opens.entrySet()) {
                    String what = strategy + " " + open.getKey();
                    // no tenant on this thread: the fetched batch is read, the next fetch is refused
                    MongoCursor<?> cursor = Tenants.call(ACME, () -> open.getValue().apply(2));
                    int before = getMores.get();
                    int read = 0;
                    while (cursor.available() > 0) {
                        cursor.next();
                        read++;
                    }
                    if (cursor.getServerCursor() == null) {
                        // the server sent everything at once (the embedded one ignores an aggregation's batch size)
                        Tenants.run(ACME, cursor::close);
                        continue;
                    }
                    checked++;
                    assertEquals(2, read, what + ": the first batch is what was fetched in acme's scope");
                    assertThrows(MissingTenantException.class, cursor::hasNext, what);
                    assertThrows(MissingTenantException.class, cursor::next, what);
                    assertThrows(MissingTenantException.class, cursor::tryNext, what);
                    assertThrows(TenantViolationException.class, () -> Tenants.run(GLOBEX, cursor::next), what);
                    Future<?> handedOver = elsewhere.submit(() -> cursor.next());
                    Exception failed = assertThrows(Exception.class, () -> handedOver.get(10, TimeUnit.SECONDS));
                    assertTrue(failed.getCause() instanceof MissingTenantException, what + ": " + failed);
                    assertEquals(before, getMores.get(), what + ": nothing was fetched for the wrong scope");
                    // in its own scope it reads on, batch after batch, and only acme's documents
                    int rest = Tenants.call(ACME, () -> {
                        int n = 0;
                        while (cursor.hasNext()) {
                            Object next = cursor.next();
                            if (next instanceof Document) {
                                assertEquals("acme", ((Document) next).getString("tenantId"));
                            }
                            n++;
                        }
                        return n;
                    });
                    assertEquals(7, read + rest, what);
                    assertTrue(getMores.get() > before, what + ": later batches were fetched in acme's scope");
                    assertFalse(cursor.hasNext(), "an exhausted cursor fetches nothing more, anywhere");
                    cursor.close();
                }
            } finally {
                elsewhere.shutdownNow();
            }
            assertTrue(checked >= 3, "only " + checked + " cursors fetched in batches");
            for (TenantId tenant : List.of(ACME, GLOBEX)) {
                client.getDatabase(prefix + tenant.value()).drop();
            }
        }
    }
}
