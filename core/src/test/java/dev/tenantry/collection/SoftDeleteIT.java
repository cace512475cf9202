package dev.tenantry.collection;

import static com.mongodb.client.model.Filters.eq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.DeleteResult;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Soft delete on tenant-scoped collections, in every isolation strategy, always inside the tenant. */
@MongoTest
class SoftDeleteIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final Duration RETENTION = Duration.ofDays(30);

    private final MongoBackend backend;
    private final MongoClient client;
    private final MongoDatabase database;
    /** Probed clients opened by this test, with their probes: every command Tenantry sends is judged. */
    private final Map<IsolationProbe, MongoClient> probed = new LinkedHashMap<>();
    private final MutableClock clock = new MutableClock();
    private final String prefix = "sd" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36) + "_";

    SoftDeleteIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        this.backend = backend;
        this.client = client;
        this.database = database;
    }

    @AfterEach
    void dropAll() {
        probed.values().forEach(MongoClient::close);
        database.drop();
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            client.getDatabase(prefix + tenant.value()).drop();
        }
        probed.keySet().forEach(IsolationProbe::assertNoViolations); // shared index DDL is never sent by a tenant
    }

    /** The registry under test, on a client whose commands an isolation probe judges. */
    private TenantDatabase tenantDatabase(IsolationStrategy strategy) {
        return tenantDatabase(strategy, UnaryOperator.identity());
    }

    /** As {@link #tenantDatabase(IsolationStrategy)}, with what {@code declare} adds (index declarations). */
    private TenantDatabase tenantDatabase(IsolationStrategy strategy, UnaryOperator<TenantDatabase.Builder> declare) {
        IsolationProbe probe = declare.apply(builder(client, strategy)).build().newIsolationProbe();
        MongoClient probedClient = Probes.client(backend, probe);
        probed.put(probe, probedClient);
        return declare.apply(builder(probedClient, strategy)).build();
    }

    private TenantDatabase.Builder builder(MongoClient on, IsolationStrategy strategy) {
        return TenantDatabase.builder(on, database.getName()).tenantDatabasePrefix(prefix)
                .collection("customers", strategy, SoftDelete.retainFor(RETENTION).clock(clock))
                .collection("bookings", strategy);
    }

    private static Document customer(String email) {
        return new Document("email", email);
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void deletedDocumentsAreLeftOutOfReadsCountsAndAggregationsButNotOutOfTheViews(IsolationStrategy strategy) {
        TenantDatabase db = tenantDatabase(strategy);
        TenantCollection<Document> customers = db.getCollection("customers");
        Tenants.run(GLOBEX, () -> customers.insertOne(customer("x@example.com")));
        Tenants.run(ACME, () -> {
            customers.insertMany(List.of(customer("x@example.com"), customer("y@example.com"),
                    customer("z@example.com")));
            assertEquals(1, customers.deleteOne(Filters.eq("email", "x@example.com")).getDeletedCount());

            assertEquals(2, customers.countDocuments());
            assertEquals(2, customers.estimatedDocumentCount());
            assertEquals(List.of("y@example.com", "z@example.com"), emails(customers.find()));
            assertEquals(0, customers.countDocuments(Filters.eq("email", "x@example.com")));
            assertEquals(List.of("y@example.com", "z@example.com"),
                    sorted(customers.distinct("email", String.class).into(new ArrayList<>())));
            assertEquals(2, customers.aggregate(List.of(Aggregates.group(null, Accumulators.sum("n", 1))))
                    .first().getInteger("n"));

            assertEquals(3, customers.withDeleted().countDocuments());
            Document deleted = customers.onlyDeleted().find().first();
            assertNotNull(deleted);
            assertEquals("x@example.com", deleted.getString("email"));
            assertEquals(Date.from(clock.instant()), deleted.getDate("deletedAt"));
            assertTrue(deleted.get("deletionKey") instanceof ObjectId);
            assertEquals(1, customers.onlyDeleted().aggregate(List.of()).into(new ArrayList<>()).size());

            assertEquals(0, customers.updateMany(Filters.eq("email", "x@example.com"), Updates.set("vip", true))
                    .getMatchedCount(), "ordinary updates do not reach deleted documents");
            assertEquals(0, customers.deleteOne(Filters.eq("email", "x@example.com")).getDeletedCount(),
                    "a deleted document is not deleted again");

            assertEquals(1, customers.restore(Filters.eq("email", "x@example.com")).getModifiedCount());
            assertEquals(3, customers.countDocuments());
            Document restored = customers.find(Filters.eq("email", "x@example.com")).first();
            assertFalse(restored.containsKey("deletedAt") || restored.containsKey("deletionKey"));

            Document found = customers.findOneAndDelete(Filters.eq("email", "y@example.com"));
            assertEquals("y@example.com", found.getString("email"), "findOneAndDelete returns what it deleted");
            assertEquals(2, customers.deleteMany(new Document()).getDeletedCount());
            assertEquals(0, customers.countDocuments());
            assertEquals(3, customers.onlyDeleted().countDocuments());
        });
        Tenants.run(GLOBEX, () -> {
            assertEquals(1, customers.countDocuments(), "another tenant's documents are untouched");
            assertEquals(0, customers.onlyDeleted().countDocuments());
            assertEquals(0, customers.restore(new Document()).getMatchedCount(), "restore stays in the tenant");
        });
        Tenants.run(ACME, () -> assertEquals(0, customers.countDocuments(), "and restore there changed nothing here"));
    }

    @Test
    void purgeRemovesOnlyWhatIsOlderThanTheRetention() {
        TenantCollection<Document> customers = tenantDatabase(IsolationStrategy.SHARED).getCollection("customers");
        Tenants.run(GLOBEX, () -> {
            customers.insertOne(customer("old@globex.com"));
            customers.deleteMany(new Document());
        });
        Tenants.run(ACME, () -> {
            customers.insertMany(List.of(customer("old"), customer("newer"), customer("live")));
            customers.deleteOne(Filters.eq("email", "old"));
            clock.advance(Duration.ofDays(10));
            customers.deleteOne(Filters.eq("email", "newer"));
            clock.advance(Duration.ofDays(20));
            assertEquals(0, customers.purgeDeleted().getDeletedCount(), "exactly the retention: kept");
            clock.advance(Duration.ofMillis(1));
            assertEquals(1, customers.purgeDeleted().getDeletedCount(), "past the retention: purged");
            assertEquals(List.of("newer"), emails(customers.onlyDeleted().find()));
            assertEquals(List.of("live"), emails(customers.find()));
            assertEquals(0, customers.purgeDeleted().getDeletedCount(), "purging again does nothing");
        });
        Tenants.run(GLOBEX, () -> assertEquals(1, customers.onlyDeleted().countDocuments(),
                "another tenant's deleted documents wait for its own purge"));
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void aUniqueIndexLetsADeletedDocumentBeCreatedAgainButNotTwoLiveOnes(IsolationStrategy strategy) {
        TenantCollection<Document> customers = tenantDatabase(strategy, b -> b.index("customers",
                Indexes.ascending("email"), new IndexOptions().unique(true))).getCollection("customers");
        Tenants.run(ACME, () -> {
            customers.insertOne(customer("x")); // the unique index is declared: created on first use
            assertDuplicate(() -> customers.insertOne(customer("x")));
            customers.deleteOne(Filters.eq("email", "x"));
            customers.insertOne(customer("x")); // re-created while the deleted one is kept
            customers.deleteOne(Filters.eq("email", "x"));
            customers.insertOne(customer("x")); // and again: each deleted one has its own key
            assertDuplicate(() -> customers.insertOne(customer("x")));
            assertEquals(1, customers.countDocuments());
            assertEquals(2, customers.onlyDeleted().countDocuments());
            assertDuplicate(() -> customers.restore(Filters.eq("email", "x")));
        });
        Tenants.run(GLOBEX, () -> customers.insertOne(customer("x"))); // unique per tenant
    }

    private static void assertDuplicate(Runnable write) {
        MongoWriteException e = assertThrows(MongoWriteException.class, write::run);
        assertEquals(ErrorCategory.DUPLICATE_KEY, e.getError().getCategory());
    }

    @Test
    void joinsSeeOnlyLiveDocumentsOfASoftDeleteCollection() {
        TenantDatabase db = tenantDatabase(IsolationStrategy.SHARED);
        TenantCollection<Document> customers = db.getCollection("customers");
        TenantCollection<Document> bookings = db.getCollection("bookings");
        Tenants.run(ACME, () -> {
            customers.insertMany(List.of(new Document("_id", "c1").append("name", "Ann"),
                    new Document("_id", "c2").append("name", "Bob")));
            bookings.insertMany(List.of(new Document("_id", "b1").append("customerId", "c1"),
                    new Document("_id", "b2").append("customerId", "c2")));
            customers.deleteOne(Filters.eq("_id", "c2"));
            List<Document> joined = bookings.aggregate(List.of(Aggregates.lookup("customers", "customerId", "_id",
                    "customer"), Aggregates.sort(Indexes.ascending("_id")))).into(new ArrayList<>());
            assertEquals(1, joined.get(0).getList("customer", Document.class).size());
            assertEquals(0, joined.get(1).getList("customer", Document.class).size(), "the deleted customer is "
                    + "not joined");
        });
    }

    @Test
    void bulkDeletesMarkAndReportAsDeletes() {
        TenantCollection<Document> customers = tenantDatabase(IsolationStrategy.SHARED).getCollection("customers");
        Tenants.run(ACME, () -> {
            customers.insertMany(List.of(customer("a"), customer("b"), customer("c")));
            BulkWriteResult result = customers.bulkWrite(List.of(new DeleteOneModel<>(Filters.eq("email", "a")),
                    new DeleteManyModel<>(Filters.in("email", "b", "c")), new InsertOneModel<>(customer("d"))));
            assertEquals(3, result.getDeletedCount());
            assertEquals(1, result.getInsertedCount());
            assertEquals(0, result.getModifiedCount());
            assertEquals(List.of("d"), emails(customers.find()));
            assertEquals(3, customers.onlyDeleted().countDocuments());
        });
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        TenantDatabase db = tenantDatabase(IsolationStrategy.SHARED);
        TenantCollection<Document> customers = db.getCollection("customers");
        TenantCollection<Document> bookings = db.getCollection("bookings");
        Tenants.run(ACME, () -> {
            IllegalStateException none = assertThrows(IllegalStateException.class, bookings::withDeleted);
            assertTrue(none.getMessage().contains("bookings"), none.getMessage());
            assertThrows(IllegalStateException.class, bookings::onlyDeleted);
            assertThrows(IllegalStateException.class, () -> bookings.restore(new Document()));
            assertThrows(IllegalStateException.class, bookings::purgeDeleted);

            IllegalArgumentException marked = assertThrows(IllegalArgumentException.class,
                    () -> customers.insertOne(customer("x").append("deletedAt", new Date())));
            assertTrue(marked.getMessage().contains("deletedAt"), marked.getMessage());
            customers.insertOne(customer("y"));
            assertThrows(IllegalArgumentException.class, () -> customers.bulkWrite(List.of(
                    new UpdateOneModel<>(Filters.eq("email", "y"), Updates.set("vip", true)),
                    new DeleteOneModel<>(Filters.eq("email", "y")))));
            assertEquals(1, customers.countDocuments());
            assertEquals(0, customers.withDeleted().countDocuments(Filters.exists("vip")));
            assertNotEquals(0, customers.countDocuments(Filters.eq("email", "y")));
        });
        assertThrows(IllegalArgumentException.class, () -> SoftDelete.retainFor(Duration.ofDays(-1)));
        assertThrows(IllegalArgumentException.class, () -> SoftDelete.retainFor(RETENTION).fields("a.b", "k"));
        assertThrows(IllegalStateException.class, () -> TenantDatabase.builder(client, database.getName())
                .collection("c", IsolationStrategy.SHARED, SoftDelete.retainFor(RETENTION).fields("tenantId", "k"))
                .build());
    }

    private static List<String> emails(Iterable<Document> documents) {
        List<String> out = new ArrayList<>();
        documents.forEach(d -> out.add(d.getString("email")));
        return sorted(out);
    }

    private static List<String> sorted(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        copy.sort(null);
        return copy;
    }

    // ---------------------------------------------------------------- views: each acts only on what it sees

    /**
     * A view acts only on documents it can see: every write method, through each view (the collection itself, {@code
     * withDeleted()}, {@code onlyDeleted()}), in every isolation strategy, changes only documents the view showed
     * before it ran and creates only documents the view shows after; what a view cannot do is refused and changes
     * nothing. {@code restore} and {@code purgeDeleted} act on deleted documents whatever the view. Another tenant's
     * documents never change.
     */
    private enum View { LIVE, ALL, DELETED }

    private static TenantCollection<Document> view(TenantCollection<Document> c, View view) {
        return view == View.LIVE ? c : view == View.ALL ? c.withDeleted() : c.onlyDeleted();
    }

    /** Every write method of a view, with arguments that would reach both live and deleted documents. */
    private static Map<String, Consumer<TenantCollection<Document>>> writes() {
        Map<String, Consumer<TenantCollection<Document>>> w = new LinkedHashMap<>();
        w.put("insertOne", c -> c.insertOne(new Document("n", 10)));
        w.put("insertMany", c -> c.insertMany(List.of(new Document("n", 11), new Document("n", 12))));
        w.put("deleteOne {}", c -> c.deleteOne(new Document()));
        w.put("deleteMany {}", c -> c.deleteMany(new Document()));
        w.put("deleteOne deleted", c -> c.deleteOne(eq("n", 3)));
        w.put("updateOne {}", c -> c.updateOne(new Document(), Updates.set("x", 1)));
        w.put("updateMany {}", c -> c.updateMany(new Document(), Updates.set("x", 1)));
        w.put("updateOne deleted", c -> c.updateOne(eq("n", 3), Updates.set("x", 1)));
        w.put("updateOne upsert deleted", c -> c.updateOne(eq("n", 3), Updates.set("x", 1),
                new UpdateOptions().upsert(true)));
        w.put("updateMany upsert new", c -> c.updateMany(eq("n", 20), Updates.set("x", 1),
                new UpdateOptions().upsert(true)));
        w.put("replaceOne live", c -> c.replaceOne(eq("n", 1), new Document("n", 1).append("r", true)));
        w.put("replaceOne deleted", c -> c.replaceOne(eq("n", 3), new Document("n", 3).append("r", true)));
        w.put("replaceOne upsert", c -> c.replaceOne(eq("n", 21), new Document("n", 21),
                new ReplaceOptions().upsert(true)));
        w.put("findOneAndDelete {}", c -> c.findOneAndDelete(new Document()));
        w.put("findOneAndDelete deleted", c -> c.findOneAndDelete(eq("n", 4)));
        w.put("findOneAndUpdate {}", c -> c.findOneAndUpdate(new Document(), Updates.set("x", 1)));
        w.put("findOneAndUpdate deleted", c -> c.findOneAndUpdate(eq("n", 3), Updates.set("x", 1)));
        w.put("findOneAndUpdate upsert", c -> c.findOneAndUpdate(eq("n", 22), Updates.set("x", 1),
                new FindOneAndUpdateOptions().upsert(true)));
        w.put("findOneAndReplace deleted", c -> c.findOneAndReplace(eq("n", 3), new Document("n", 3)));
        w.put("findOneAndReplace upsert", c -> c.findOneAndReplace(eq("n", 23), new Document("n", 23),
                new FindOneAndReplaceOptions().upsert(true)));
        w.put("bulkWrite updates", c -> c.bulkWrite(List.of(new UpdateOneModel<>(eq("n", 3), Updates.set("x", 1)),
                new UpdateManyModel<>(new Document(), Updates.set("y", 1)))));
        w.put("bulkWrite deletes", c -> c.bulkWrite(List.of(new DeleteOneModel<>(eq("n", 1)),
                new DeleteManyModel<>(new Document()))));
        w.put("bulkWrite insert", c -> c.bulkWrite(List.of(new InsertOneModel<>(new Document("n", 13)))));
        w.put("bulkWrite replace", c -> c.bulkWrite(List.of(new ReplaceOneModel<>(eq("n", 3),
                new Document("n", 3)))));
        w.put("bulkWrite upsert", c -> c.bulkWrite(List.of(new UpdateOneModel<>(eq("n", 24), Updates.set("x", 1),
                new UpdateOptions().upsert(true)))));
        w.put("updateMany touching deletedAt", c -> c.updateMany(new Document(), Updates.unset("deletedAt")));
        w.put("updateMany touching deletionKey", c -> c.updateMany(new Document(), Updates.set("deletionKey", 1)));
        w.put("upsert naming deletedAt", c -> c.updateOne(eq("deletedAt", new Date()), Updates.set("x", 1),
                new UpdateOptions().upsert(true)));
        return w;
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void everyWriteOfEveryViewActsOnlyOnDocumentsTheViewSees(IsolationStrategy strategy) {
        TenantDatabase tdb = tenantDatabase(strategy);
        TenantCollection<Document> customers = tdb.getCollection("customers");
        List<String> failures = new ArrayList<>();
        int refused = 0;
        int runs = 0;
        for (View view : View.values()) {
            for (Map.Entry<String, Consumer<TenantCollection<Document>>> write : writes().entrySet()) {
                String label = strategy + " " + view + " " + write.getKey();
                seedViews(tdb);
                Map<Object, Document> before = stored(tdb, ACME);
                assertEquals(4, before.size(), label);
                Map<Object, Document> others = stored(tdb, GLOBEX);
                Set<Object> seenBefore = seen(view(customers, view));
                RuntimeException refusal = null;
                try {
                    Tenants.run(ACME, () -> write.getValue().accept(view(customers, view)));
                } catch (IllegalStateException | IllegalArgumentException | TenantViolationException e) {
                    refusal = e;
                }
                runs++;
                Map<Object, Document> after = stored(tdb, ACME);
                if (!others.equals(stored(tdb, GLOBEX))) {
                    failures.add(label + ": another tenant's documents changed");
                }
                if (refusal != null) {
                    refused++;
                    if (!before.equals(after)) {
                        failures.add(label + ": refused (" + refusal.getMessage() + ") but changed " + after);
                    }
                    continue;
                }
                Set<Object> seenAfter = seen(view(customers, view));
                for (Map.Entry<Object, Document> doc : before.entrySet()) {
                    boolean changed = !doc.getValue().equals(after.get(doc.getKey()));
                    if (changed && !seenBefore.contains(doc.getKey())) {
                        failures.add(label + ": changed " + doc.getValue() + " to " + after.get(doc.getKey())
                                + ", which the view did not show");
                    }
                }
                for (Object id : after.keySet()) {
                    if (!before.containsKey(id) && !seenAfter.contains(id)) {
                        failures.add(label + ": created " + after.get(id) + ", which the view does not show");
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failure(s):\n  " + String.join("\n  ", failures));
        assertEquals(View.values().length * writes().size(), runs);
        assertTrue(refused >= 14, "refused only " + refused);
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void theBinNeitherDeletesLiveDocumentsNorDeletesAgain(IsolationStrategy strategy) {
        TenantDatabase tdb = tenantDatabase(strategy);
        TenantCollection<Document> customers = tdb.getCollection("customers");
        seedViews(tdb);
        Map<Object, Document> before = stored(tdb, ACME);
        assertEquals(4, before.size());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tenants.run(ACME, () -> customers.onlyDeleted().deleteMany(new Document())));
        assertTrue(e.getMessage().contains("onlyDeleted()") && e.getMessage().contains("purgeDeleted"),
                e.getMessage());
        assertEquals(before, stored(tdb, ACME), "live documents stay live");
        assertEquals(2, Tenants.call(ACME, () -> customers.countDocuments()));

        // withDeleted() deletes (marks) only live documents; the deleted ones keep their marks
        assertEquals(2, Tenants.call(ACME, () -> customers.withDeleted().deleteMany(new Document())
                .getDeletedCount()));
        Map<Object, Document> after = stored(tdb, ACME);
        for (Object id : List.of("acme-3", "acme-4")) {
            assertEquals(before.get(id), after.get(id), "already deleted: not marked again");
        }
        // restore and purge act on deleted documents from any view
        assertEquals(4, Tenants.call(ACME, () -> customers.onlyDeleted().restore(new Document())
                .getModifiedCount()));
        assertEquals(4, Tenants.call(ACME, () -> customers.countDocuments()));
    }

    /** Two live and two deleted documents per tenant, written past Tenantry. */
    private void seedViews(TenantDatabase tdb) {
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            MongoCollection<Document> raw = raw(tdb, tenant);
            raw.deleteMany(eq("tenantId", tenant.value()));
            for (int n = 1; n <= 4; n++) {
                Document doc = new Document("_id", tenant.value() + "-" + n).append("tenantId", tenant.value())
                        .append("n", n);
                if (n > 2) {
                    doc.append("deletedAt", new Date(1000L * n)).append("deletionKey", new ObjectId());
                }
                raw.insertOne(doc);
            }
        }
    }

    private MongoCollection<Document> raw(TenantDatabase tdb, TenantId tenant) {
        MongoNamespace ns = tdb.namespaceFor("customers", tenant);
        return client.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName());
    }

    private Map<Object, Document> stored(TenantDatabase tdb, TenantId tenant) {
        Map<Object, Document> out = new TreeMap<>((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
        for (Document doc : raw(tdb, tenant).find(eq("tenantId", tenant.value()))) {
            out.put(doc.get("_id"), doc);
        }
        return out;
    }

    private static Set<Object> seen(TenantCollection<Document> view) {
        Set<Object> ids = new HashSet<>();
        Tenants.run(ACME, () -> view.find().forEach(d -> ids.add(d.get("_id"))));
        return ids;
    }
}
