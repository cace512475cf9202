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

/**
 * Backfill: the field comes from the related document; documents it cannot resolve fail the step (naming them), are
 * quarantined or are left alone, as told, and the plan predicts them.
 */
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
    void theFieldIsCopiedFromTheRelatedDocumentAndTheStepFailsNamingTheDocumentsItCouldNotResolve() {
        StepFailedException failed = assertThrows(StepFailedException.class, () -> step().run());
        StepReport report = failed.report();

        assertEquals(Map.of(1, new BsonString("b1"), 2, new BsonString("b2"), 3, new BsonString("b1"),
                4, new BsonString("-"), 5, new BsonString("-"), 6, new BsonString("-"), 7, new BsonString("b4"),
                8, new BsonString("kept")), businessIds(), "everything else is done; nothing is guessed");
        assertEquals(4, report.batch().modified());
        assertEquals(3, report.unresolved());
        assertEquals(List.of(new BsonInt32(4), new BsonInt32(5), new BsonInt32(6)),
                report.samples().stream().map(StepReport.Unresolved::id).toList());
        assertEquals(List.of("no serviceId", "no services document with _id \"s9\" (serviceId)",
                "services without businessId (services \"s3\")"), report.samples().stream()
                .map(StepReport.Unresolved::reason).toList());
        assertTrue(failed.getMessage().contains("3 bookings documents could not be resolved"), failed.getMessage());
        assertTrue(failed.getMessage().contains("no serviceId"), failed.getMessage());
        assertTrue(!report.clean());
    }

    @Test
    void skippingLeavesTheUnresolvedAloneAndARerunWritesNothingAndRereadsOnlyThem() {
        StepReport first = step().onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(3, first.unresolved());
        Map<Integer, BsonValue> after = businessIds();
        StepReport again = step().onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(after, businessIds());
        assertEquals(3, again.batch().read());
        assertEquals(0, again.batch().modified());
        assertEquals(3, again.unresolved());
    }

    @Test
    void quarantiningMovesTheUnresolvedWithTheirReasonsAndARestorePutsThemBack() {
        List<BsonDocument> unresolved = bookings.find(new Document("_id", new Document("$in", List.of(4, 5, 6))))
                .into(new java.util.ArrayList<>());
        MongoCollection<BsonDocument> quarantine = db.getCollection("bookings_quarantine", BsonDocument.class);
        StepReport report = step().onUnresolved(OnUnresolved.QUARANTINE).quarantineTo(quarantine).run();

        assertTrue(report.clean(), report::toString);
        assertEquals(3, report.quarantined());
        assertEquals(5, bookings.countDocuments());
        assertEquals(3, quarantine.countDocuments());
        BsonDocument missingService = quarantine.find(new Document("_id", 5)).first();
        assertEquals("no services document with _id \"s9\" (serviceId)", missingService.getString("reason")
                .getValue());
        assertEquals(unresolved.get(1), missingService.getDocument("document"), "kept whole");
        assertEquals("bookings", missingService.getString("from").getValue());

        assertEquals(3, Quarantine.of(db, "bookings").restore());
        assertEquals(0, quarantine.countDocuments());
        assertEquals(unresolved, bookings.find(new Document("_id", new Document("$in", List.of(4, 5, 6))))
                .into(new java.util.ArrayList<>()), "restored as they were");
    }

    @Test
    void aValueMayBeDerivedFromTheRelatedDocumentAndWhatCannotBeDerivedIsUnresolvedWithItsReason() {
        StepReport report = Backfill.of(bookings).field("tenant").from(Relation.of(services, "serviceId"),
                service -> {
                    BsonValue business = service.get("businessId");
                    if (business == null) {
                        return null;
                    }
                    if (business.asString().getValue().equals("b4")) {
                        throw new IllegalArgumentException("b4 is no tenant id");
                    }
                    return new BsonString("tenant-" + business.asString().getValue());
                }, "businessId").onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(3, bookings.countDocuments(new Document("tenant", "tenant-b1").append("_id",
                new Document("$in", List.of(1, 3)))) + bookings.countDocuments(new Document("tenant", "tenant-b2")
                .append("_id", 2)));
        assertEquals(List.of("no serviceId", "no services document with _id \"s9\" (serviceId)",
                "services: nothing derived (services \"s3\")", "services 4: b4 is no tenant id"),
                report.samples().stream().map(StepReport.Unresolved::reason).toList());
    }

    @Test
    void theRelatedFieldMayHaveAnotherName() {
        Backfill.of(bookings).field("ownerId").from(Relation.of(services, "serviceId"), "ownerId")
                .onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(2, bookings.countDocuments(new Document("ownerId", "o1")));
        assertEquals(2, bookings.countDocuments(new Document("ownerId", "o2")));
    }

    @Test
    void thePlanCountsTheDocumentsLackingTheFieldAndPredictsThoseThatCannotBeResolved() {
        Plan.Line line = step().plan();
        assertEquals(Map.of("bookings to backfill with businessId", 4L), line.counts());
        assertEquals(1, line.failures().size(), line.toString());
        Plan.Failure failure = line.failures().get(0);
        assertEquals(3, failure.count());
        assertTrue(failure.reason().contains("no serviceId: 1") && failure.reason().contains("no services document"
                + " (serviceId): 1") && failure.reason().contains("services without businessId: 1"), failure.reason());

        Plan.Line quarantining = step().onUnresolved(OnUnresolved.QUARANTINE).plan();
        assertTrue(quarantining.failures().isEmpty());
        assertEquals(3L, quarantining.counts().entrySet().stream().filter(e -> e.getKey()
                .startsWith("bookings to quarantine")).findFirst().orElseThrow().getValue(), quarantining.toString());

        step().onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(Map.of("bookings to backfill with businessId", 0L), step().plan().counts());
        assertEquals(3, step().plan().failures().get(0).count());
    }

    @Test
    void inAMigrationTheStepKeepsItsCheckpointInTheRunAndCountsInTheHistory() {
        StubContext ctx = new StubContext(client, db, false);
        step().onUnresolved(OnUnresolved.SKIP).in(ctx).run();
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
