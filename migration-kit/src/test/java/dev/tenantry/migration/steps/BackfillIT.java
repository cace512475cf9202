package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.batch.Checkpoint;
import dev.tenantry.testing.MongoTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Backfill: the field comes from the related document; unresolved documents are reported and left alone. */
@MongoTest
class BackfillIT {

    private final MongoClient client;
    private final MongoDatabase db;
    private MongoCollection<BsonDocument> bookings;
    private MongoCollection<BsonDocument> services;

    BackfillIT(MongoClient client, MongoDatabase db) {
        this.client = client;
        this.db = db;
    }

    @BeforeEach
    void seed() {
        db.drop();
        services = db.getCollection("services", BsonDocument.class);
        bookings = db.getCollection("bookings", BsonDocument.class);
        services.insertMany(List.of(
                BsonDocument.parse("{_id: 's1', businessId: 'b1', ownerId: 'o1'}"),
                BsonDocument.parse("{_id: 's2', businessId: 'b2', ownerId: 'o2'}"),
                BsonDocument.parse("{_id: 's3', name: 'no business'}"),
                BsonDocument.parse("{_id: 4, businessId: 'b4'}")));
        bookings.insertMany(List.of(
                BsonDocument.parse("{_id: 1, serviceId: 's1'}"),
                BsonDocument.parse("{_id: 2, serviceId: 's2'}"),
                BsonDocument.parse("{_id: 3, serviceId: 's1'}"),
                BsonDocument.parse("{_id: 4}"),
                BsonDocument.parse("{_id: 5, serviceId: 's9'}"),
                BsonDocument.parse("{_id: 6, serviceId: 's3'}"),
                BsonDocument.parse("{_id: 7, serviceId: {$numberLong: '4'}}"),
                BsonDocument.parse("{_id: 8, serviceId: 's2', businessId: 'kept'}")));
    }

    private Backfill step() {
        return Backfill.of(bookings).field("businessId").from(Relation.of(services, "serviceId")).batchSize(3);
    }

    private Map<Integer, BsonValue> businessIds() {
        return bookings.find().into(new java.util.ArrayList<>()).stream().collect(Collectors.toMap(
                d -> d.getInt32("_id").getValue(), d -> d.get("businessId", new BsonString("-"))));
    }

    @Test
    void theFieldIsCopiedFromTheRelatedDocumentAndUnresolvedOnesAreReportedNotGuessed() {
        StepReport report = step().run();

        assertEquals(Map.of(1, new BsonString("b1"), 2, new BsonString("b2"), 3, new BsonString("b1"),
                4, new BsonString("-"), 5, new BsonString("-"), 6, new BsonString("-"), 7, new BsonString("b4"),
                8, new BsonString("kept")), businessIds());
        assertEquals(4, report.batch().modified());
        assertEquals(3, report.unresolved());
        assertEquals(List.of(new BsonInt32(4), new BsonInt32(5), new BsonInt32(6)),
                report.samples().stream().map(StepReport.Unresolved::id).toList());
        assertEquals(List.of("no serviceId", "no services document with _id \"s9\" (serviceId)",
                "services \"s3\" has no businessId"), report.samples().stream().map(StepReport.Unresolved::reason)
                .toList());
        assertTrue(!report.clean());
    }

    @Test
    void aRerunWritesNothingAndRereadsOnlyTheUnresolved() {
        step().run();
        Map<Integer, BsonValue> after = businessIds();
        StepReport again = step().run();
        assertEquals(after, businessIds());
        assertEquals(3, again.batch().read());
        assertEquals(0, again.batch().modified());
        assertEquals(3, again.unresolved());
    }

    @Test
    void theRelatedFieldMayHaveAnotherName() {
        Backfill.of(bookings).field("ownerId").from(Relation.of(services, "serviceId"), "ownerId").run();
        assertEquals(2, bookings.countDocuments(new Document("ownerId", "o1")));
        assertEquals(2, bookings.countDocuments(new Document("ownerId", "o2")));
    }

    @Test
    void thePlanCountsTheDocumentsLackingTheField() {
        assertEquals(Plan.of("bookings to backfill with businessId", 7), step().plan());
        step().run();
        assertEquals(Plan.of("bookings to backfill with businessId", 3), step().plan());
    }

    @Test
    void inAMigrationTheStepKeepsItsCheckpointInTheRunAndCountsInTheHistory() {
        StubContext ctx = new StubContext(client, db, false);
        step().in(ctx).run();
        assertEquals(Map.of("backfill bookings.businessId: written", 4L,
                "backfill bookings.businessId: unresolved", 3L), ctx.counts);
        assertTrue(ctx.leaseChecks >= 3, "a lease check before every batch");
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        Map<Integer, BsonValue> before = businessIds();
        IllegalArgumentException dollar = assertThrows(IllegalArgumentException.class,
                () -> Backfill.of(bookings).field("$set"));
        assertTrue(dollar.getMessage().contains("'$set'"), dollar.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backfill.of(bookings).field("_id"));
        assertThrows(IllegalArgumentException.class, () -> Backfill.of(bookings).field("a..b"));
        assertThrows(IllegalArgumentException.class, () -> Relation.of(services, ""));
        assertThrows(IllegalArgumentException.class, () -> step().batchSize(0));
        IllegalStateException noRelation = assertThrows(IllegalStateException.class,
                () -> Backfill.of(bookings).field("businessId").run());
        assertTrue(noRelation.getMessage().contains("from(relation)"), noRelation.getMessage());
        assertThrows(IllegalStateException.class, () -> Backfill.of(bookings).plan());
        StubContext ctx = new StubContext(client, db, false);
        assertThrows(IllegalStateException.class, () -> step().checkpoint(Checkpoint.inMemory()).in(ctx));
        assertThrows(IllegalStateException.class, () -> step().in(ctx).checkpoint(Checkpoint.inMemory()));
        assertEquals(before, businessIds());
    }
}
