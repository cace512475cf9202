package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.verify.Check;
import dev.tenantry.migration.verify.VerificationReport;
import dev.tenantry.migration.verify.Verifier;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The quarantine step: documents failing a relation move to {@code <collection>_quarantine} with the reason, counted
 * in the plan and the report, checked by the verifier, restorable; later steps' plans leave them out.
 */
@MongoTest
class QuarantineIT {

    private static final String CHECK = "bookings_quarantine: each with its reason, none left in bookings";

    private final MongoDatabase db;
    private MongoCollection<BsonDocument> bookings;
    private MongoCollection<BsonDocument> quarantine;
    private List<BsonDocument> original;

    QuarantineIT(MongoDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void seed() {
        db.drop();
        bookings = db.getCollection("bookings", BsonDocument.class);
        quarantine = db.getCollection("bookings_quarantine", BsonDocument.class);
        db.getCollection("services").insertMany(List.of(new Document("_id", "s1").append("businessId", "b1"),
                new Document("_id", "s2").append("businessId", "b2")));
        db.getCollection("users").insertMany(List.of(new Document("_id", "u1"), new Document("_id", "u2")));
        bookings.insertMany(List.of(
                BsonDocument.parse("{_id: 1, userId: 'u1', serviceId: 's1'}"),
                BsonDocument.parse("{_id: 2, userId: 'u2', serviceId: 'deleted'}"),
                BsonDocument.parse("{_id: 'b-3', userId: 'ghost', serviceId: 's2'}"),
                BsonDocument.parse("{_id: 4, userId: 'u1', serviceId: 's2'}"),
                BsonDocument.parse("{_id: 5, userId: 'u2'}")));
        original = all(bookings);
    }

    private static List<BsonDocument> all(MongoCollection<BsonDocument> c) {
        return c.find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private Quarantine step() {
        return Quarantine.of(db, "bookings")
                .requires(Relation.of(db.getCollection("services", BsonDocument.class), "serviceId"))
                .requires(Relation.of(db.getCollection("users", BsonDocument.class), "userId")).batchSize(2);
    }

    @Test
    void documentsFailingARelationMoveToQuarantineWithTheirReasonsAndTheVerifierChecksThem() {
        StepReport report = step().run();
        assertTrue(report.clean(), report::toString);
        assertEquals(3, report.quarantined());
        assertEquals(List.of(1, 4), all(bookings).stream().map(b -> b.getInt32("_id").getValue()).toList());
        Map<String, String> reasons = new java.util.TreeMap<>();
        for (BsonDocument q : all(quarantine)) {
            reasons.put(q.get("_id").toString(), q.getString("reason").getValue());
        }
        assertEquals(Map.of("BsonInt32{value=2}", "no services document with _id \"deleted\" (serviceId)",
                "BsonInt32{value=5}", "no serviceId",
                "BsonString{value='b-3'}", "no users document with _id \"ghost\" (userId)"), reasons);

        VerificationReport verified = Verifier.of(db).quarantined("bookings").run();
        assertTrue(verified.passed(), verified.toString());
        assertTrue(verified.check(CHECK).detail().startsWith("3 documents quarantined"), verified.toString());
        assertTrue(verified.toString().contains("3 documents quarantined"), "printed for passing checks too");

        bookings.insertOne(quarantine.find(Filters.eq("_id", 2)).first().getDocument("document"));
        Check twice = Verifier.of(db).quarantined("bookings").run().check(CHECK);
        assertEquals(1, twice.violations(), "a quarantined document back in bookings is caught");
    }

    @Test
    void aRerunMovesNothingAndARestorePutsEveryDocumentBackAsItWas() {
        step().run();
        assertEquals(0, step().run().quarantined());
        assertEquals(3, step().restore());
        assertEquals(original, all(bookings));
        assertEquals(0, quarantine.countDocuments());
    }

    @Test
    void aRestoreMayTakeOnlySomeBack() {
        step().run();
        assertEquals(1, step().restore(Filters.eq("document.serviceId", "deleted")));
        assertEquals(3, bookings.countDocuments());
        assertEquals(2, quarantine.countDocuments());
    }

    @Test
    void thePlanCountsThemByReasonAndLaterStepsLeaveThemOut() {
        Plan plan = Step.plan(step(), Backfill.of(bookings).field("businessId")
                .from(Relation.of(db.getCollection("services", BsonDocument.class), "serviceId")));
        Plan.Line q = plan.line(step().name());
        assertEquals(3L, q.counts().entrySet().stream().filter(e -> e.getKey().startsWith("bookings to quarantine"))
                .findFirst().orElseThrow().getValue(), q.toString());
        Plan.Line backfill = plan.line("backfill bookings.businessId");
        assertEquals(Map.of("bookings to backfill with businessId", 2L), backfill.counts(),
                "as if the quarantine had run");
        assertTrue(backfill.failures().isEmpty(), "the orphans it would fail on are quarantined first: " + plan);
        assertTrue(backfill.dependsOn().isEmpty(), plan.toString());
        assertEquals(original, all(bookings), "the plan wrote nothing");
    }

    @Test
    void aStepThatQuarantinesMustKnowWhere() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backfill.of(bookings)
                .field("businessId").from(Relation.of(db.getCollection("services", BsonDocument.class), "serviceId"))
                .onUnresolved(OnUnresolved.QUARANTINE).run());
        assertTrue(e.getMessage().contains("quarantineTo"), e.getMessage());
        assertEquals(original, all(bookings));
        assertThrows(IllegalStateException.class, () -> Quarantine.of(db, "bookings").run());
    }
}
