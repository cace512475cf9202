package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.bulk.BulkWriteResult;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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

    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock();
    private final String prefix = "sd" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36) + "_";

    SoftDeleteIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @AfterEach
    void dropAll() {
        database.drop();
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            client.getDatabase(prefix + tenant.value()).drop();
        }
    }

    private TenantDatabase tenantDatabase(IsolationStrategy strategy) {
        return builder(strategy).build();
    }

    private TenantDatabase.Builder builder(IsolationStrategy strategy) {
        return TenantDatabase.builder(client, database.getName()).tenantDatabasePrefix(prefix)
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
        TenantCollection<Document> customers = builder(strategy)
                .index("customers", Indexes.ascending("email"), new IndexOptions().unique(true)).build()
                .getCollection("customers");
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
}
