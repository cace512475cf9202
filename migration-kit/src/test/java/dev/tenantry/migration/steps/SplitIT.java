package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import dev.tenantry.migration.Plan;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Split: one copy per (user, business) with deterministic ids, copied fields and defaults; idempotent. */
@MongoTest
class SplitIT {

    private final MongoDatabase db;
    private MongoCollection<BsonDocument> users;
    private MongoCollection<BsonDocument> bookings;
    private MongoCollection<BsonDocument> services;
    private MongoCollection<BsonDocument> customers;

    SplitIT(MongoDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void seed() {
        db.drop();
        users = db.getCollection("users", BsonDocument.class);
        bookings = db.getCollection("bookings", BsonDocument.class);
        services = db.getCollection("services", BsonDocument.class);
        customers = db.getCollection("customers", BsonDocument.class);
        users.insertMany(List.of(
                BsonDocument.parse("{_id: 'u1', name: 'Ann', email: 'ann@x', phone: '1', hashedPassword: null}"),
                BsonDocument.parse("{_id: 'u2', name: null, email: 'bob@x', hashedPassword: null}"),
                BsonDocument.parse("{_id: 'u3', name: '', email: 'cy@x', hashedPassword: 'h', role: 'staff'}")));
        services.insertMany(List.of(BsonDocument.parse("{_id: 's1', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 's2', businessId: 'b2'}")));
        bookings.insertMany(List.of(
                BsonDocument.parse("{_id: 1, userId: 'u1', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 2, userId: 'u1', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 3, userId: 'u1', businessId: 'b2'}"),
                BsonDocument.parse("{_id: 4, userId: 'u2', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 5, userId: 'u3', businessId: 'b2'}"),
                BsonDocument.parse("{_id: 6, userId: 'u1', businessId: 'b1'}")));
    }

    private Split step() {
        return Split.by(bookings, "userId").from(users).into(customers).tenantField("businessId")
                .copy("name", "email", "phone").defaultValue("name", "Unknown Customer").batchSize(2);
    }

    private List<BsonDocument> customers() {
        return customers.find().sort(new Document("businessId", 1).append("userId", 1)).into(new ArrayList<>());
    }

    private static BsonDocument customer(String user, String business, String rest) {
        BsonDocument doc = new BsonDocument("_id", IdScheme.sha256().id(new BsonString(user),
                new BsonString(business)));
        doc.putAll(BsonDocument.parse("{businessId: '" + business + "', userId: '" + user + "'}"));
        doc.putAll(BsonDocument.parse(rest));
        return doc;
    }

    @Test
    void eachUserGetsOneCustomerPerBusinessItBookedAtEvenAcrossPages() {
        StepReport report = step().run();

        assertEquals(List.of(
                customer("u1", "b1", "{name: 'Ann', email: 'ann@x', phone: '1'}"),
                customer("u2", "b1", "{name: 'Unknown Customer', email: 'bob@x'}"),
                customer("u1", "b2", "{name: 'Ann', email: 'ann@x', phone: '1'}"),
                customer("u3", "b2", "{name: 'Unknown Customer', email: 'cy@x'}")), customers());
        assertEquals(4, report.batch().upserted(), "u1/b1 is on pages 1 and 3 but upserted once");
        assertEquals(3, report.batch().batches());
        assertTrue(report.clean(), report::toString);
    }

    @Test
    void aRerunChangesNothingNotEvenACustomerEditedSince() {
        step().run();
        customers.updateOne(Filters.eq("userId", "u2"), Updates.set("name", "Bob (edited)"));
        List<BsonDocument> before = customers();
        StepReport again = step().run();
        assertEquals(before, customers());
        assertEquals(0, again.batch().upserted());
        assertEquals(0, again.batch().modified());
    }

    @Test
    void theTenantComesThroughARelationWhereTheGroupingDocumentLacksIt() {
        bookings.insertOne(BsonDocument.parse("{_id: 7, userId: 'u2', serviceId: 's2'}"));
        StepReport report = step().tenantVia(Relation.of(services, "serviceId")).run();
        assertTrue(report.clean(), report::toString);
        assertEquals(1, customers.countDocuments(Filters.and(Filters.eq("userId", "u2"),
                Filters.eq("businessId", "b2"))));
    }

    @Test
    void groupingDocumentsThatCannotBeSplitAreReportedAndGetNoCustomer() {
        bookings.insertMany(List.of(BsonDocument.parse("{_id: 7, userId: 'ghost', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 8, userId: 'u2'}"),
                BsonDocument.parse("{_id: 9, businessId: 'b2'}")));
        StepFailedException failed = assertThrows(StepFailedException.class, () -> step().run());
        assertEquals(3, failed.report().unresolved(), "by default the step does the rest, then fails naming them");
        assertEquals(4, customers.countDocuments());
        StepReport report = step().onUnresolved(OnUnresolved.SKIP).run();
        assertEquals(3, report.unresolved());
        assertEquals(List.of("no businessId", "no users document with _id \"ghost\" (userId)", "no userId"),
                report.samples().stream().map(StepReport.Unresolved::reason).toList());
        assertEquals(4, customers.countDocuments());
        assertFalse(report.clean());

        StepReport quarantined = step().onUnresolved(OnUnresolved.QUARANTINE)
                .quarantineTo(db.getCollection("bookings_quarantine", BsonDocument.class)).run();
        assertTrue(quarantined.clean(), quarantined::toString);
        assertEquals(3, quarantined.quarantined());
        assertEquals(6, bookings.countDocuments());
        assertEquals(List.of("no users document with _id \"ghost\" (userId)", "no businessId", "no userId"),
                db.getCollection("bookings_quarantine").find().sort(new Document("_id", 1)).into(new ArrayList<>())
                        .stream().map(d -> d.getString("reason")).toList());
    }

    @Test
    void aCopyTheServerRefusesFailsTheStepOnceTheRestIsDoneNamingTheSourceDocument() {
        users.updateOne(Filters.eq("_id", "u2"), Updates.set("email", "ann@x"));
        customers.createIndex(Indexes.ascending("businessId", "email"), new IndexOptions().unique(true));
        StepFailedException failed = assertThrows(StepFailedException.class, () -> step().run());
        StepReport report = failed.report();
        assertEquals(1, report.batch().failed(), report::toString);
        assertEquals(11000, report.batch().failures().get(0).code());
        String origin = report.batch().failures().get(0).id();
        assertTrue(origin.contains("users \"u2\" in businessId \"b1\""), origin);
        assertEquals(3, customers.countDocuments());
    }

    @Test
    void withinOnePageTheCopiesAreWrittenInTheGroupingDocumentsOrderSoTheFirstKeepsTheValues() {
        users.updateOne(Filters.eq("_id", "u2"), Updates.set("email", "ann@x"));
        customers.createIndex(Indexes.ascending("businessId", "email"), new IndexOptions().unique(true));
        StepFailedException failed = assertThrows(StepFailedException.class, () -> step().batchSize(100).run());
        String origin = failed.report().batch().failures().get(0).id();
        assertTrue(origin.contains("users \"u2\""), "booking 4 comes after booking 1: " + origin);
        assertEquals(2, customers.countDocuments(Filters.eq("userId", "u1")), "u1 has its customers at b1 and b2");
    }

    /** u2 gets u1's email: at b1 both would have a customer with ann@x. */
    private void twins() {
        users.updateOne(Filters.eq("_id", "u2"), Updates.set("email", "ann@x"));
        customers.createIndex(Indexes.ascending("businessId", "email"), new IndexOptions().unique(true));
    }

    @Test
    void byDefaultAUniquenessConflictStopsTheSplitNamingTheSourceDocuments() {
        twins();
        StepFailedException failed = assertThrows(StepFailedException.class,
                () -> step().uniquePerTenant("email").run());
        StepReport report = failed.report();
        assertEquals(0, report.batch().failed(), "the clash is found before the write, not by the server");
        assertEquals(1, report.count(StepReport.CONFLICTS));
        Conflict c = report.conflicts().get(0);
        assertEquals(new BsonString("u2"), c.source());
        assertEquals(new BsonString("u1"), c.existingSource());
        assertEquals(new org.bson.BsonInt32(4), c.grouping(), "booking 4 asked for u2's customer at b1");
        assertEquals(IdScheme.sha256().id(new BsonString("u1"), new BsonString("b1")), c.existing());
        assertEquals(BsonDocument.parse("{email: 'ann@x'}"), c.values());
        assertTrue(failed.getMessage().contains("\"u2\"") && failed.getMessage().contains("\"u1\""),
                failed.getMessage());
        assertEquals(3, customers.countDocuments(), "every other customer is made");
    }

    @Test
    void mergingGivesTheLaterUserTheFirstUsersCustomerWhichRecordsIt() {
        twins();
        StepReport report = step().uniquePerTenant("email").onConflict(OnConflict.MERGE).run();
        assertTrue(report.clean(), report::toString);
        assertEquals(1, report.count(StepReport.CONFLICTS));
        assertEquals(3, customers.countDocuments());
        BsonDocument shared = customers.find(Filters.eq("_id", IdScheme.sha256().id(new BsonString("u1"),
                new BsonString("b1")))).first();
        assertEquals(BsonDocument.parse("{a: ['u2']}").get("a"), shared.get("mergedFrom"));
        Repoint.of(bookings).field("customerId").from("userId").to(customers).tenantField("businessId").run();
        assertEquals(shared.get("_id"), bookings.find(Filters.eq("_id", 4)).first().get("customerId"),
                "u2's booking at b1 points at the shared customer");
        assertEquals(report.count(StepReport.CONFLICTS), step().uniquePerTenant("email").onConflict(OnConflict.MERGE)
                .run().count(StepReport.CONFLICTS), "a rerun meets the same conflict and changes nothing");
        assertEquals(shared, customers.find(Filters.eq("_id", shared.get("_id"))).first());
    }

    @Test
    void keepingBothMarksThemAndMovesTheClashingValueOffTheLaterOne() {
        twins();
        StepReport report = step().uniquePerTenant("email").onConflict(OnConflict.KEEP_BOTH).run();
        assertTrue(report.clean(), report::toString);
        assertEquals(4, customers.countDocuments());
        BsonDocument first = customers.find(Filters.and(Filters.eq("userId", "u1"), Filters.eq("businessId", "b1")))
                .first();
        BsonDocument later = customers.find(Filters.and(Filters.eq("userId", "u2"), Filters.eq("businessId", "b1")))
                .first();
        assertEquals(new BsonString("ann@x"), first.get("email"));
        assertFalse(later.containsKey("email"));
        assertEquals(BsonDocument.parse("{email: 'ann@x'}"), later.getDocument("splitConflict")
                .getDocument("values"));
        assertEquals(first.get("_id"), later.getDocument("splitConflict").getArray("with").get(0));
        assertEquals(later.get("_id"), first.getDocument("splitConflict").getArray("with").get(0));
    }

    @Test
    void conflictsAreSettledTheSameWayWhateverThePaging() {
        twins();
        step().uniquePerTenant("email").onConflict(OnConflict.MERGE).batchSize(100).run();
        List<BsonDocument> onePage = customers.find().sort(new Document("_id", 1)).into(new ArrayList<>());
        customers.deleteMany(new BsonDocument());
        step().uniquePerTenant("email").onConflict(OnConflict.MERGE).batchSize(1).run();
        assertEquals(onePage, customers.find().sort(new Document("_id", 1)).into(new ArrayList<>()));
    }

    @Test
    void thePlanPredictsConflictsAsThePolicyTreatsThem() {
        twins();
        Plan.Line stop = step().uniquePerTenant("email").plan();
        assertEquals(1, stop.failures().size(), stop.toString());
        assertEquals(1, stop.failures().get(0).count());
        assertEquals(3L, stop.counts().get("customers to create"));
        Plan.Line merge = step().uniquePerTenant("email").onConflict(OnConflict.MERGE).plan();
        assertTrue(merge.failures().isEmpty());
        assertEquals(1L, merge.counts().entrySet().stream().filter(e -> e.getKey().startsWith("customers merged"))
                .findFirst().orElseThrow().getValue());
        Plan.Line keep = step().uniquePerTenant("email").onConflict(OnConflict.KEEP_BOTH).plan();
        assertEquals(4L, keep.counts().get("customers to create"));
    }

    @Test
    void provenanceCanBeRenamedOrLeftOut() {
        step().provenance("sourceUserId").run();
        assertEquals(4, customers.countDocuments(Filters.exists("sourceUserId")));
        assertEquals(0, customers.countDocuments(Filters.exists("userId")));
        customers.drop();
        step().noProvenance().run();
        assertEquals(0, customers.countDocuments(Filters.or(Filters.exists("userId"),
                Filters.exists("sourceUserId"))));
        assertEquals(4, customers.countDocuments());
    }

    @Test
    void thePlanCountsCustomersToCreateAndBookingsThatCannotBeSplit() {
        bookings.insertOne(BsonDocument.parse("{_id: 7, userId: 'ghost', businessId: 'b1'}"));
        bookings.insertOne(BsonDocument.parse("{_id: 8, userId: 'u2', serviceId: 's2'}"));
        Split split = step().tenantVia(Relation.of(services, "serviceId")).onUnresolved(OnUnresolved.SKIP);
        assertEquals(java.util.Map.of("customers to create", 5L, "bookings to leave alone (no users document"
                + " (userId): 1)", 1L), split.plan().counts());
        customers.insertOne(new BsonDocument("_id", IdScheme.sha256().id(new BsonString("u1"),
                new BsonString("b1"))));
        assertEquals(4L, split.plan().counts().get("customers to create"));
        split.run();
        assertEquals(0L, split.plan().counts().get("customers to create"));
        Plan.Line failing = step().tenantVia(Relation.of(services, "serviceId")).plan();
        assertEquals(1, failing.failures().size());
        assertTrue(failing.failures().get(0).reason().contains("no users document (userId): 1"), failing.toString());
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        assertThrows(IllegalArgumentException.class, () -> Split.by(bookings, "$userId"));
        assertThrows(IllegalArgumentException.class, () -> step().copy("_id"));
        assertThrows(IllegalArgumentException.class, () -> step().provenance("_id"));
        assertThrows(IllegalArgumentException.class, () -> step().tenantField("_id"));
        assertThrows(IllegalArgumentException.class, () -> step().defaultValue("since", new Object()));
        IllegalStateException conflict = assertThrows(IllegalStateException.class,
                () -> step().copy("businessId").run());
        assertTrue(conflict.getMessage().contains("'businessId'"), conflict.getMessage());
        assertThrows(IllegalStateException.class, () -> step().copy("address").copy("address.city").run());
        assertThrows(IllegalStateException.class, () -> step().provenance("businessId").run());
        assertThrows(IllegalStateException.class, () -> Split.by(bookings, "userId").from(users).run());
        assertThrows(IllegalStateException.class, () -> Split.by(bookings, "userId").into(customers).plan());
        IllegalStateException notCopied = assertThrows(IllegalStateException.class,
                () -> step().uniquePerTenant("phone2").run());
        assertTrue(notCopied.getMessage().contains("'phone2'"), notCopied.getMessage());
        assertThrows(IllegalArgumentException.class, () -> step().uniquePerTenant());
        assertEquals(0, customers.countDocuments());
        assertFalse(db.listCollectionNames().into(new ArrayList<>()).contains("customers"));
    }
}
