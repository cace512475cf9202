package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.verify.Check;
import dev.tenantry.migration.verify.Verifier;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A removing step destroys no value that exists nowhere else: by default it refuses (and fails naming the
 * documents), or it archives them with the source's _id first; the plan counts the values; the verifier checks, after
 * the fact, that every removed value still exists in its destination or the archive.
 */
@MongoTest
class UnsetKeepsValuesIT {

    private static final String CHECK = "users: removed values kept or in users_archive";

    private final MongoClient client;
    private final MongoDatabase db;
    private MongoCollection<BsonDocument> users;
    private MongoCollection<BsonDocument> customers;
    private MongoCollection<BsonDocument> archive;

    UnsetKeepsValuesIT(MongoClient client, MongoDatabase db) {
        this.client = client;
        this.db = db;
    }

    @BeforeEach
    void seed() {
        db.drop();
        users = db.getCollection("users", BsonDocument.class);
        customers = db.getCollection("customers", BsonDocument.class);
        archive = db.getCollection("users_archive", BsonDocument.class);
        users.insertMany(List.of(
                // a customer at two businesses, one customer holding the old phone
                BsonDocument.parse("{_id: 'u1', email: 'a@x', phone: '1', city: 'Oslo'}"),
                // merged into u1's customer: its phone is its own, so nowhere else
                BsonDocument.parse("{_id: 'u2', email: 'a@x', phone: '2'}"),
                // staff who never booked: no customer at all
                BsonDocument.parse("{_id: 's1', email: 's@x', phone: '9', city: 'Rome', hashedPassword: 'h'}"),
                // nothing to strip
                BsonDocument.parse("{_id: 'u3', email: 'c@x'}")));
        customers.insertMany(List.of(
                BsonDocument.parse("{_id: 'c1', userId: 'u1', businessId: 'b1', phone: '1', city: 'Oslo',"
                        + " mergedFrom: ['u2']}"),
                BsonDocument.parse("{_id: 'c2', userId: 'u1', businessId: 'b2', phone: '0', city: 'Oslo'}")));
    }

    private Unset strip() {
        return Unset.of(users).fields("phone", "city").keptIn(Destination.of(customers).by("userId", "mergedFrom"))
                .archiveTo(archive).batchSize(2);
    }

    @Test
    void byDefaultValuesFoundNowhereElseAreNotRemovedAndTheStepFailsNamingThem() {
        StepFailedException failed = assertThrows(StepFailedException.class, () -> strip().run());
        StepReport report = failed.report();
        assertEquals(3, report.count(StepReport.VALUES_REFUSED), "u2's phone, s1's phone and city");
        assertEquals(2, report.count(StepReport.VALUES_KEPT), "u1's phone (in c1) and city (in c1 and c2)");
        assertEquals(List.of("s1", "u2"), report.samples().stream().map(u -> u.id().asString().getValue()).toList());
        assertTrue(failed.getMessage().contains("3 values were not removed because they exist nowhere else"),
                failed.getMessage());
        assertEquals(BsonDocument.parse("{_id: 'u1', email: 'a@x'}"), users.find(Filters.eq("_id", "u1")).first());
        assertEquals(BsonDocument.parse("{_id: 'u2', email: 'a@x', phone: '2'}"),
                users.find(Filters.eq("_id", "u2")).first(), "left as it was");
        assertEquals(1, archive.countDocuments(), "a ledger entry for u1 alone");
    }

    @Test
    void archivingCopiesWhatExistsNowhereElseWithTheSourceIdBeforeRemovingIt() {
        StepReport report = strip().archive().run();
        assertTrue(report.clean(), report::toString);
        assertEquals(3, report.count(StepReport.VALUES_ARCHIVED));
        assertEquals(2, report.count(StepReport.VALUES_KEPT));
        assertEquals(0, users.countDocuments(Filters.or(Filters.exists("phone"), Filters.exists("city"))));
        BsonDocument staff = archive.find(Filters.eq("_id", "s1")).first();
        assertEquals(BsonDocument.parse("{phone: '9', city: 'Rome'}"), staff.getDocument("values"));
        assertEquals(new BsonString("users"), staff.get("from"));
        BsonDocument u1 = archive.find(Filters.eq("_id", "u1")).first();
        assertFalse(u1.containsKey("values"), "u1's values live on in its customers");
        assertEquals(new BsonString("c1"), u1.getDocument("kept").getDocument("phone").get("id"));
        assertFalse(u1.toJson().contains("Oslo"), "kept values are named by digest, not copied");
        assertTrue(Verifier.of(db).removedValues("users").run().passed());
    }

    @Test
    void theVerifierFindsARemovedValueThatNoLongerExistsAnywhere() {
        strip().archive().run();
        customers.updateOne(Filters.eq("_id", "c1"), Updates.set("phone", "changed"));
        archive.updateOne(Filters.eq("_id", "s1"), Updates.unset("values.city"));
        Check check = Verifier.of(db).removedValues("users").run().check(CHECK);
        assertEquals(1, check.violations(), check.toString());
        assertEquals(List.of(new BsonString("u1")), check.samples());
        assertTrue(check.detail().contains("phone is no longer in phone of customers \"c1\""), check.detail());

        customers.deleteOne(Filters.eq("_id", "c1"));
        Check gone = Verifier.of(db).removedValues("users").run().check(CHECK);
        assertTrue(gone.detail().contains("which is gone"), gone.detail());
    }

    @Test
    void allowingLossRemovesThemAndTheVerifierSaysTheyExistNowhere() {
        StepReport report = strip().allowLoss().run();
        assertTrue(report.clean(), report::toString);
        assertEquals(3, report.count(StepReport.VALUES_DISCARDED));
        Check check = Verifier.of(db).removedValues("users").run().check(CHECK);
        assertEquals(2, check.violations(), "u2 and s1 lost values: " + check);
    }

    @Test
    void thePlanCountsKeptValuesAndThoseThatWouldBeLostOrArchived() {
        Plan.Line refusing = strip().plan();
        assertEquals(Map.of("users to strip", 3L, "values kept in customers", 2L), refusing.counts());
        assertEquals(3, refusing.failures().get(0).count(), refusing.toString());
        assertEquals(Map.of("users to strip", 3L, "values kept in customers", 2L, "values to archive in users_archive",
                3L), strip().archive().plan().counts());
        assertEquals(Map.of("users to strip", 3L, "values kept in customers", 2L, "values to discard (lost)", 3L),
                strip().allowLoss().plan().counts());
        assertEquals(5, users.countDocuments(Filters.exists("phone")) + users.countDocuments(Filters.exists("city")),
                "the plan wrote nothing");
        assertEquals(0, archive.countDocuments());
    }

    @Test
    void aValueKeptThroughAReferenceIsFoundThere() {
        MongoCollection<BsonDocument> bookings = db.getCollection("bookings", BsonDocument.class);
        bookings.insertMany(List.of(BsonDocument.parse("{_id: 1, userId: 'u1', customerId: 'c1'}"),
                BsonDocument.parse("{_id: 2, userId: 'u2', customerId: 'c1'}"),
                BsonDocument.parse("{_id: 3, userId: 'u9', customerId: 'c2'}")));
        StepFailedException failed = assertThrows(StepFailedException.class, () -> Unset.of(bookings).fields("userId")
                .keptIn(Destination.of(customers).via("customerId").field("userId", "userId", "mergedFrom"))
                .archiveTo(db.getCollection("bookings_archive", BsonDocument.class)).run());
        assertEquals(2, failed.report().count(StepReport.VALUES_KEPT), "u1 as c1's userId, u2 in its mergedFrom");
        assertEquals(1, failed.report().count(StepReport.VALUES_REFUSED), "c2 is u1's, not u9's");
        assertEquals(List.of(new BsonString("u9")), bookings.find(Filters.exists("userId")).into(new ArrayList<>())
                .stream().map(b -> b.get("userId")).toList());
        assertTrue(Verifier.of(db).removedValues("bookings").run().passed());
    }

    @Test
    void inAMigrationTheArchiveIsTheRunDatabasesAndTheCountsGoToTheHistory() {
        StubContext ctx = new StubContext(client, db, false);
        Unset.of(users).fields("phone", "city").keptIn(Destination.of(customers).by("userId", "mergedFrom"))
                .archive().in(ctx).run();
        assertEquals(3, archive.countDocuments(), "ledger entries for u1, u2 and s1 in users_archive, none for u3");
        assertEquals(3L, ctx.counts.get("unset users.phone,city: values archived"), ctx.counts.toString());
        assertEquals(2L, ctx.counts.get("unset users.phone,city: values kept"), ctx.counts.toString());
    }

    @Test
    void withoutADestinationEveryValueIsFoundNowhereElse() {
        StepFailedException failed = assertThrows(StepFailedException.class,
                () -> Unset.of(users).fields("phone").run());
        assertEquals(3, failed.report().count(StepReport.VALUES_REFUSED));
        assertEquals(3, users.countDocuments(Filters.exists("phone")));
        assertThrows(IllegalStateException.class, () -> Unset.of(users).fields("phone").archive().run(),
                "archiving needs an archive collection");
        assertThrows(IllegalArgumentException.class, () -> Unset.of(users).fields("address", "address.city"));
        assertThrows(IllegalStateException.class, () -> Destination.of(customers).validated());
    }
}
