package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.tenantry.migration.Plan;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EnsureCollection: tenant-leading indexes, idempotent, and a clear refusal on a conflicting existing index. */
@MongoTest
class EnsureCollectionIT {

    private final MongoClient client;
    private final MongoDatabase db;

    EnsureCollectionIT(MongoClient client, MongoDatabase db) {
        this.client = client;
        this.db = db;
    }

    @BeforeEach
    void drop() {
        db.drop();
    }

    private EnsureCollection customers() {
        return EnsureCollection.of(db, "customers").tenantField("businessId")
                .index(Indexes.ascending("email"), new IndexOptions().unique(true))
                .index(Indexes.compoundIndex(Indexes.ascending("lastName"), Indexes.descending("createdAt")));
    }

    /** Index name to its keys and unique flag. */
    private Map<String, String> indexes(String collection) {
        Map<String, String> out = new TreeMap<>();
        for (Document index : db.getCollection(collection).listIndexes()) {
            out.put(index.getString("name"), index.get("key", Document.class).toJson()
                    + (Boolean.TRUE.equals(index.getBoolean("unique")) ? " unique" : ""));
        }
        return out;
    }

    @Test
    void theCollectionAndItsIndexesAreCreatedLedByTheTenantField() {
        List<String> done = customers().run();
        assertEquals(3, done.size(), done.toString());
        assertEquals(Map.of("_id_", "{\"_id\": 1}",
                "email_1", "{\"businessId\": 1, \"email\": 1} unique",
                "lastName_1_createdAt_-1", "{\"businessId\": 1, \"lastName\": 1, \"createdAt\": -1}"),
                indexes("customers"));
    }

    @Test
    void aSecondRunFindsEverythingInPlace() {
        customers().run();
        assertEquals(List.of(), customers().run());
        assertEquals(Map.of("collections to create", 0L, "indexes to create", 0L), customers().plan().counts());
    }

    @Test
    void anExistingIndexWithTheSameKeysButOtherOptionsIsRefusedNamingBothAndNothingIsCreated() {
        db.getCollection("customers").createIndex(Indexes.ascending("businessId", "email"),
                new IndexOptions().name("by_email"));
        Map<String, String> before = indexes("customers");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> customers().run());
        assertTrue(e.getMessage().contains("by_email"), e.getMessage());
        assertTrue(e.getMessage().contains("email_1"), e.getMessage());
        assertTrue(e.getMessage().contains("unique: false, wanted true"), e.getMessage());
        assertEquals(before, indexes("customers"), "the other wanted index was not created either");
        Plan.Line planned = customers().plan();
        assertEquals(1, planned.failures().size(), "the plan predicts the refusal");
        assertTrue(planned.failures().get(0).reason().contains("by_email"), planned.toString());
    }

    @Test
    void anExistingIndexOfTheSameNameOnOtherKeysIsRefused() {
        db.getCollection("customers").createIndex(Indexes.ascending("email"), new IndexOptions().name("email_1"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> customers().run());
        assertTrue(e.getMessage().contains("exists with keys {\"email\": 1}"), e.getMessage());
    }

    @Test
    void aTtlIndexKeepsItsSingleFieldSoDocumentsStillExpire() {
        EnsureCollection.of(db, "UserSession").tenantField("tenantId")
                .index(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS))
                .index(Indexes.ascending("userId")).run();
        assertEquals("{\"expiresAt\": 1}", indexes("UserSession").get("expiresAt_1"));
        assertEquals("{\"tenantId\": 1, \"userId\": 1}", indexes("UserSession").get("userId_1"));
    }

    @Test
    void thePlanCountsWhatIsMissingAndCreatesNothing() {
        assertEquals(Map.of("collections to create", 1L, "indexes to create", 2L), customers().plan().counts());
        assertEquals(List.of(), db.listCollectionNames().into(new ArrayList<>()));
    }

    @Test
    void inAMigrationTheLeaseIsCheckedAndADryRunRefusesToCreate() {
        StubContext ctx = new StubContext(client, db, false);
        customers().in(ctx).run();
        assertEquals(1, ctx.leaseChecks);
        assertEquals(Map.of("ensure customers: created", 3L), ctx.counts);
        db.drop();
        StubContext dry = new StubContext(client, db, true);
        assertThrows(IllegalStateException.class, () -> customers().in(dry).run());
        assertEquals(List.of(), db.listCollectionNames().into(new ArrayList<>()));
    }

    @Test
    void badInputGetsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> EnsureCollection.of(db, "a$b"));
        assertThrows(IllegalArgumentException.class, () -> EnsureCollection.of(db, ""));
        assertThrows(IllegalArgumentException.class, () -> customers().tenantField("_id"));
        assertThrows(IllegalArgumentException.class, () -> customers().index(new Document()));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> customers().index(new Document("email", 0)));
        assertTrue(zero.getMessage().contains("email"), zero.getMessage());
    }
}
