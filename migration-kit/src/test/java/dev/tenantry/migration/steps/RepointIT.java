package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.tenantry.migration.Plan;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Repoint: references computed from the id scheme or found by look-up, never to a missing or foreign target. */
@MongoTest
class RepointIT {

    private final MongoDatabase db;
    private MongoCollection<BsonDocument> bookings;
    private MongoCollection<BsonDocument> customers;

    RepointIT(MongoDatabase db) {
        this.db = db;
    }

    private static BsonValue id(String user, String business) {
        return IdScheme.sha256().id(new BsonString(user), new BsonString(business));
    }

    private static BsonDocument customer(String user, String business) {
        return new BsonDocument("_id", id(user, business)).append("userId", new BsonString(user))
                .append("businessId", new BsonString(business));
    }

    @BeforeEach
    void seed() {
        db.drop();
        bookings = db.getCollection("bookings", BsonDocument.class);
        customers = db.getCollection("customers", BsonDocument.class);
        customers.insertMany(List.of(customer("u1", "b1"), customer("u1", "b2"), customer("u2", "b1")));
        bookings.insertMany(List.of(
                BsonDocument.parse("{_id: 1, userId: 'u1', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 2, userId: 'u1', businessId: 'b2'}"),
                BsonDocument.parse("{_id: 3, userId: 'u2', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 4, userId: 'u1', businessId: 'b1'}")));
    }

    private Repoint step() {
        return Repoint.of(bookings).field("customerId").from("userId").to(customers).tenantField("businessId")
                .batchSize(3);
    }

    private List<BsonDocument> bookings() {
        return bookings.find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private void assertEachBookingPointsAtItsOwnCustomer() {
        for (BsonDocument b : bookings()) {
            assertEquals(id(b.getString("userId").getValue(), b.getString("businessId").getValue()),
                    b.get("customerId"), b.toJson());
        }
    }

    @Test
    void eachBookingPointsAtTheCustomerOfItsUserInItsOwnBusiness() {
        StepReport report = step().run();
        assertEachBookingPointsAtItsOwnCustomer();
        assertEquals(4, report.batch().modified());
        assertTrue(report.clean(), report::toString);
    }

    @Test
    void theLookUpFormFindsTheSameCustomers() {
        StepReport report = step().byLookup("userId").run();
        assertEachBookingPointsAtItsOwnCustomer();
        assertTrue(report.clean(), report::toString);
    }

    @Test
    void aRerunChangesNothing() {
        step().run();
        List<BsonDocument> before = bookings();
        StepReport again = step().run();
        assertEquals(before, bookings());
        assertEquals(0, again.batch().read());
    }

    @Test
    void aMissingOrForeignOrAmbiguousCustomerIsReportedAndTheBookingLeftAlone() {
        bookings.insertMany(List.of(BsonDocument.parse("{_id: 5, userId: 'u3', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 6, userId: 'u4', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 7, businessId: 'b1'}"),
                BsonDocument.parse("{_id: 8, userId: 'u1'}")));
        // u4's customer in b1 has the right id but claims business b2: never point a b1 booking at it.
        customers.insertOne(customer("u4", "b1").append("businessId", new BsonString("b2")));
        StepFailedException failed = assertThrows(StepFailedException.class, () -> step().run());
        assertEquals(4, failed.report().unresolved(), "by default the step fails, naming them");
        bookings.updateMany(Filters.exists("customerId"), new Document("$unset", new Document("customerId", "")));
        StepReport report = step().onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(4, report.unresolved());
        List<String> reasons = report.samples().stream().map(StepReport.Unresolved::reason).toList();
        assertTrue(reasons.get(0).startsWith("no customers document ObjectId("), reasons.get(0));
        assertTrue(reasons.get(0).endsWith("for userId \"u3\" in businessId \"b1\""), reasons.get(0));
        assertTrue(reasons.get(1).endsWith("belongs to businessId \"b2\", not \"b1\""), reasons.get(1));
        assertEquals(List.of("no businessId", "no userId"), reasons.subList(2, 4));
        assertEquals(4, bookings.countDocuments(Filters.exists("customerId", false)));

        customers.insertOne(new BsonDocument("_id", new BsonString("twin")).append("userId", new BsonString("u1"))
                .append("businessId", new BsonString("b2")));
        bookings.insertOne(BsonDocument.parse("{_id: 9, userId: 'u1', businessId: 'b2'}"));
        StepReport lookup = step().byLookup("userId").onUnresolved(OnUnresolved.SKIP).run();
        assertTrue(lookup.samples().stream().anyMatch(u -> u.id().equals(new BsonInt32(9))
                && u.reason().equals("2 customers documents with userId \"u1\" in businessId \"b2\"")),
                lookup::toString);
    }

    @Test
    void droppingTheOldReferenceRemovesItInTheWriteThatSetsTheNewOneAndNowhereElse() {
        bookings.insertOne(BsonDocument.parse("{_id: 5, userId: 'u3', businessId: 'b1'}")); // u3 has no customer
        List<BsonDocument> expected = new ArrayList<>();
        for (BsonDocument b : bookings()) {
            BsonDocument after = b.clone();
            if (!b.getString("userId").getValue().equals("u3")) {
                after.remove("userId");
                after.append("customerId", id(b.getString("userId").getValue(), b.getString("businessId").getValue()));
            }
            expected.add(after);
        }
        StepReport report = step().dropOldReference().onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(expected, bookings(), "re-pointed bookings lose userId; the unresolved one keeps it");
        assertEquals(4, report.batch().modified());
        assertEquals(1, report.unresolved());
        StepReport again = step().dropOldReference().onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(expected, bookings());
        assertEquals(1, again.batch().read(), "only the unresolved booking is still pending");
        assertEquals(0, again.batch().modified());
    }

    @Test
    void writingTheTenantBackfillsItFromTheRelationInTheSameWrite() {
        MongoCollection<BsonDocument> services = db.getCollection("services", BsonDocument.class);
        services.insertMany(List.of(BsonDocument.parse("{_id: 's1', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 's2', businessId: 'b2'}")));
        bookings.deleteMany(new BsonDocument());
        bookings.insertMany(List.of(
                BsonDocument.parse("{_id: 1, userId: 'u1', serviceId: 's1'}"),
                BsonDocument.parse("{_id: 2, userId: 'u1', serviceId: 's2'}"),
                BsonDocument.parse("{_id: 3, userId: 'u3', serviceId: 's1'}"),      // no customer: tenant only
                BsonDocument.parse("{_id: 4, userId: 'u2', serviceId: 's2', businessId: 'b1'}"), // keeps its own
                BsonDocument.parse("{_id: 5, userId: 'u2', serviceId: 'gone'}")));   // nothing to go on
        StepReport report = step().tenantVia(Relation.of(services, "serviceId")).writeTenant()
                .onUnresolved(OnUnresolved.SKIP).run();
        List<BsonDocument> after = bookings();
        assertEquals(BsonDocument.parse("{_id: 1, userId: 'u1', serviceId: 's1', businessId: 'b1'}")
                .append("customerId", id("u1", "b1")), after.get(0), "field order aside");
        assertEquals(id("u1", "b2"), after.get(1).get("customerId"));
        assertEquals(new BsonString("b2"), after.get(1).get("businessId"));
        assertEquals(BsonDocument.parse("{_id: 3, userId: 'u3', serviceId: 's1', businessId: 'b1'}"), after.get(2));
        assertEquals(id("u2", "b1"), after.get(3).get("customerId"));
        assertEquals(new BsonString("b1"), after.get(3).get("businessId"));
        assertEquals(BsonDocument.parse("{_id: 5, userId: 'u2', serviceId: 'gone'}"), after.get(4));
        assertEquals(2, report.unresolved(), report::toString);
        IllegalStateException noVia = assertThrows(IllegalStateException.class, () -> step().writeTenant().run());
        assertTrue(noVia.getMessage().contains("tenantVia"), noVia.getMessage());
        assertThrows(IllegalStateException.class, () -> step().tenantVia(Relation.of(services, "serviceId"))
                .tenantField("customerId.business").writeTenant().run());
    }

    @Test
    void thePlanCountsBookingsNotYetRepointedAndPredictsThoseWithoutACustomer() {
        assertEquals(java.util.Map.of("bookings to re-point", 4L), step().plan().counts());
        assertTrue(step().plan().failures().isEmpty());
        bookings.insertOne(BsonDocument.parse("{_id: 5, userId: 'u3', businessId: 'b1'}"));
        Plan.Line line = step().plan();
        assertEquals(java.util.Map.of("bookings to re-point", 4L), line.counts());
        assertEquals(1, line.failures().size(), line.toString());
        assertEquals(1, line.failures().get(0).count());
        assertTrue(line.failures().get(0).reason().contains("no customers document: 1"), line.toString());
        step().onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(java.util.Map.of("bookings to re-point", 0L), step().plan().counts());
    }

    @Test
    void aBookingWhoseUserWasMergedIntoAnotherCustomerPointsAtThatCustomer() {
        // u9 shares u2's customer in b1 (a split merged them): no customer of its own, listed in mergedFrom
        customers.updateOne(Filters.eq("_id", id("u2", "b1")), new Document("$set", new Document("mergedFrom",
                List.of("u9"))));
        bookings.insertOne(BsonDocument.parse("{_id: 5, userId: 'u9', businessId: 'b1'}"));
        StepReport report = step().dropOldReference().run();
        assertTrue(report.clean(), report::toString);
        BsonDocument merged = bookings.find(Filters.eq("_id", 5)).first();
        assertEquals(id("u2", "b1"), merged.get("customerId"));
        assertTrue(!merged.containsKey("userId"), "the customer records u9, so its reference may go");
    }

    @Test
    void droppingAnOldReferenceTheTargetDoesNotRecordIsRefusedAndTheStepFails() {
        customers.updateOne(Filters.eq("_id", id("u2", "b1")), new Document("$unset", new Document("userId", "")));
        StepFailedException failed = assertThrows(StepFailedException.class, () -> step().dropOldReference().run());
        assertEquals(1, failed.report().count(StepReport.VALUES_REFUSED));
        assertTrue(failed.getMessage().contains("old references (userId) were kept"), failed.getMessage());
        BsonDocument kept = bookings.find(Filters.eq("_id", 3)).first();
        assertEquals(id("u2", "b1"), kept.get("customerId"), "re-pointed");
        assertEquals(new BsonString("u2"), kept.get("userId"), "but its userId, recorded nowhere else, stays");
        assertEquals(3, bookings.countDocuments(Filters.exists("userId", false)));
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        assertThrows(IllegalArgumentException.class, () -> step().field("_id"));
        assertThrows(IllegalArgumentException.class, () -> step().from(""));
        assertThrows(IllegalArgumentException.class, () -> step().byLookup("$where"));
        IllegalStateException same = assertThrows(IllegalStateException.class,
                () -> step().field("userId").run());
        assertTrue(same.getMessage().contains("'userId'"), same.getMessage());
        assertThrows(IllegalStateException.class, () -> Repoint.of(bookings).field("customerId").run());
        IllegalStateException nested = assertThrows(IllegalStateException.class,
                () -> step().field("userId.customer").dropOldReference().run());
        assertTrue(nested.getMessage().contains("'userId'") && nested.getMessage().contains("'userId.customer'"),
                nested.getMessage());
        assertEquals(0, bookings.countDocuments(Filters.exists("customerId")));
        assertEquals(4, bookings.countDocuments(Filters.exists("userId")));
    }
}
