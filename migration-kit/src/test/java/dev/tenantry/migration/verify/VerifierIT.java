package dev.tenantry.migration.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verifier: each check passes on isolated data and names the violating documents when it does not. */
@MongoTest
class VerifierIT {

    private final MongoDatabase db;
    private MongoCollection<BsonDocument> customers;
    private MongoCollection<BsonDocument> bookings;

    VerifierIT(MongoDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void seed() {
        db.drop();
        customers = db.getCollection("customers", BsonDocument.class);
        bookings = db.getCollection("bookings", BsonDocument.class);
        customers.insertMany(List.of(
                BsonDocument.parse("{_id: 'c1', businessId: 'b1', email: 'ann@x'}"),
                BsonDocument.parse("{_id: 'c2', businessId: 'b2', email: 'ann@x'}"),
                BsonDocument.parse("{_id: 'c3', businessId: 'b1', email: 'bob@x'}"),
                BsonDocument.parse("{_id: 'c4', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 'c5', businessId: 'b1', email: null}")));
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            String customer = i % 2 == 0 ? "c1" : "c3";
            docs.add(BsonDocument.parse("{_id: " + i + ", businessId: 'b1', customerId: '" + customer + "'}"));
        }
        docs.add(BsonDocument.parse("{_id: 26, businessId: 'b2', customerId: 'c2'}"));
        bookings.insertMany(docs);
    }

    private Verifier verifier() {
        return Verifier.of(db).tenantField("businessId").batchSize(4)
                .tenantScoped("customers").tenantScoped("bookings")
                .reference("bookings", "customerId", "customers")
                .uniquePerTenant("customers", "email");
    }

    private static List<BsonValue> ids(int... ids) {
        List<BsonValue> out = new ArrayList<>();
        for (int id : ids) {
            out.add(new BsonInt32(id));
        }
        return out;
    }

    @Test
    void isolatedDataPassesEveryCheck() {
        VerificationReport report = verifier().run();
        assertTrue(report.passed(), report::toString);
        assertEquals(List.of("customers: every document has businessId", "bookings: every document has businessId",
                "bookings.customerId -> customers: set", "bookings.customerId -> customers: no orphans",
                "bookings.customerId -> customers: same businessId", "customers: email unique per businessId"),
                report.checks().stream().map(Check::name).toList());
        assertSame(report, report.assertClean());
        assertEquals(MigrationReport.ok(), report.toMigrationReport());
    }

    @Test
    void documentsWithoutTheTenantAreNamed() {
        bookings.updateMany(Filters.in("_id", List.of(3, 4)), Updates.unset("businessId"));
        bookings.updateOne(Filters.eq("_id", 5), Updates.set("businessId", null));
        Check check = verifier().run().check("bookings: every document has businessId");
        assertEquals(3, check.violations());
        assertEquals(ids(3, 4, 5), check.samples());
    }

    @Test
    void unsetOrphanedAndCrossTenantReferencesAreEachReportedWithTheirDocuments() {
        bookings.updateOne(Filters.eq("_id", 7), Updates.unset("customerId"));
        bookings.updateOne(Filters.eq("_id", 8), Updates.set("customerId", "nobody"));
        bookings.updateOne(Filters.eq("_id", 9), Updates.set("customerId", "c2")); // b1 booking, b2 customer
        bookings.updateOne(Filters.eq("_id", 26), Updates.set("customerId", "c1")); // b2 booking, b1 customer
        VerificationReport report = verifier().run();
        assertEquals(ids(7), report.check("bookings.customerId -> customers: set").samples());
        assertEquals(ids(8), report.check("bookings.customerId -> customers: no orphans").samples());
        Check crossing = report.check("bookings.customerId -> customers: same businessId");
        assertEquals(2, crossing.violations());
        assertEquals(ids(9, 26), crossing.samples().stream().sorted((a, b) -> Integer.compare(
                a.asInt32().getValue(), b.asInt32().getValue())).toList());
        assertEquals(3, report.failures().size());
    }

    @Test
    void valuesMayRepeatAcrossTenantsButNotWithinOneAndMissingValuesAreNotCompared() {
        customers.insertOne(BsonDocument.parse("{_id: 'c6', businessId: 'b1', email: 'bob@x'}"));
        customers.insertOne(BsonDocument.parse("{_id: 'c7', businessId: 'b1'}"));
        Check check = verifier().run().check("customers: email unique per businessId");
        assertEquals(1, check.violations());
        assertEquals(List.of(new BsonString("c3"), new BsonString("c6")), check.samples());
        assertTrue(check.detail().contains("email \"bob@x\""), check.detail());
    }

    @Test
    void aMissingFieldAndANullOneAreTheSameValueAsInAUniqueIndex() {
        customers.insertOne(BsonDocument.parse("{_id: 'c6', businessId: 'b1', email: 'bob@x', phone: null}"));
        Check check = Verifier.of(db).tenantField("businessId").uniquePerTenant("customers", "email", "phone").run()
                .check("customers: email, phone unique per businessId");
        assertEquals(1, check.violations());
        assertEquals(List.of(new BsonString("c3"), new BsonString("c6")), check.samples());
    }

    @Test
    void absentFieldsAndReconciledCountsAreChecked() {
        customers.updateOne(Filters.eq("_id", "c3"), Updates.set("phone", "1"));
        VerificationReport report = Verifier.of(db).absent("customers", "phone", "city")
                .reconcile("bookings before and after", 26, bookings.countDocuments())
                .reconcile("customers", 4, customers.countDocuments()).run();
        assertEquals(List.of(new BsonString("c3")), report.check("customers: no phone, city").samples());
        assertTrue(report.check("reconcile: bookings before and after").passed());
        Check customersCount = report.check("reconcile: customers");
        assertEquals(1, customersCount.violations());
        assertEquals("expected 4, found 5", customersCount.detail());
    }

    @Test
    void samplesStopAtTen() {
        bookings.updateMany(Filters.eq("businessId", "b1"), Updates.set("customerId", "nobody"));
        Check orphans = verifier().run().check("bookings.customerId -> customers: no orphans");
        assertEquals(25, orphans.violations());
        assertEquals(Verifier.MAX_SAMPLES, orphans.samples().size());
    }

    @Test
    void theReportPrintsATableAndFailsLoudly() {
        bookings.updateOne(Filters.eq("_id", 9), Updates.set("customerId", "c2"));
        VerificationReport report = verifier().run();
        String table = report.toString();
        assertTrue(table.startsWith("verification: 6 checks, 1 failed"), table);
        assertTrue(table.contains("FAILED           1  bookings.customerId -> customers: same businessId"), table);
        assertTrue(table.contains("bookings 9 in businessId \"b1\" names customers \"c2\" in \"b2\""), table);
        assertTrue(table.contains("ok               0  customers: email unique per businessId"), table);
        MigrationReport migration = report.toMigrationReport();
        assertFalse(migration.passed());
        assertEquals(1, migration.problems().size());
        VerificationFailedException e = assertThrows(VerificationFailedException.class, report::assertClean);
        assertTrue(e.getMessage().contains("same businessId: 1 violations"), e.getMessage());
        assertSame(report, e.report());
    }

    @Test
    void badInputGetsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> Verifier.of(db).tenantField("$t"));
        assertThrows(IllegalArgumentException.class, () -> Verifier.of(db).tenantScoped(""));
        assertThrows(IllegalArgumentException.class, () -> Verifier.of(db).reference("a", "b.", "c"));
        assertThrows(IllegalArgumentException.class, () -> Verifier.of(db).uniquePerTenant("customers"));
        assertThrows(IllegalArgumentException.class, () -> Verifier.of(db).absent("customers"));
        assertThrows(IllegalArgumentException.class, () -> Verifier.of(db).reconcile(" ", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Verifier.of(db).batchSize(0));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> verifier().run().check("nope"));
        assertTrue(unknown.getMessage().contains("customers: every document has businessId"));
    }
}
