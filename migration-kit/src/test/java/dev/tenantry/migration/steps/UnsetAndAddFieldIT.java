package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.migration.Plan;
import dev.tenantry.testing.MongoTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unset (seed 2's contract step) and AddField (seed 1's deleteScheduledAt): only what is to do, idempotently. */
@MongoTest
class UnsetAndAddFieldIT {

    private final MongoDatabase db;
    private MongoCollection<BsonDocument> users;
    private MongoCollection<BsonDocument> organizations;

    UnsetAndAddFieldIT(MongoDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void seed() {
        db.drop();
        users = db.getCollection("users", BsonDocument.class);
        organizations = db.getCollection("organizations", BsonDocument.class);
        users.insertMany(List.of(
                BsonDocument.parse("{_id: 1, email: 'a@x', phone: '1', city: 'c', address: {line: 'l'}}"),
                BsonDocument.parse("{_id: 2, email: 'b@x', phone: null}"),
                BsonDocument.parse("{_id: 3, email: 'c@x'}"),
                BsonDocument.parse("{_id: 4, email: 'd@x', city: 'd'}")));
        organizations.insertMany(List.of(BsonDocument.parse("{_id: 'o1', name: 'One'}"),
                BsonDocument.parse("{_id: 'o2', name: 'Two', deleteScheduledAt: {$date: '2025-01-01T00:00:00Z'}}"),
                BsonDocument.parse("{_id: 'o3', name: 'Three', deleteScheduledAt: null}"),
                BsonDocument.parse("{_id: 'o4', name: 'Four'}")));
    }

    private List<BsonDocument> all(MongoCollection<BsonDocument> c) {
        return c.find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private Unset strip() {
        return Unset.of(users).fields("phone", "city", "address").allowLoss().batchSize(2);
    }

    @Test
    void unsetRemovesTheFieldsFromTheDocumentsThatHaveThem() {
        StepReport report = strip().run();
        assertEquals(List.of(BsonDocument.parse("{_id: 1, email: 'a@x'}"), BsonDocument.parse("{_id: 2, email: 'b@x'}"),
                BsonDocument.parse("{_id: 3, email: 'c@x'}"), BsonDocument.parse("{_id: 4, email: 'd@x'}")),
                all(users));
        assertEquals(3, report.batch().read(), "user 3 has none of the fields and is not read");
        assertEquals(3, report.batch().modified());
    }

    /**
     * AddField over organizations o1, o4, o6 and 7 with pages of {@code batchSize} (o2 and o3 have the field; o5 is
     * excluded by the step's filter; o2, o3 and o5 lie inside the first page's {@code _id} range).
     */
    private StepReport addDeleteScheduledAt(int batchSize) {
        organizations.insertMany(List.of(BsonDocument.parse("{_id: 'o5', name: 'Five', legacy: true}"),
                BsonDocument.parse("{_id: 'o6', name: 'Six'}"), BsonDocument.parse("{_id: 7, name: 'Seven'}")));
        StepReport report = AddField.of(organizations).filter(new Document("legacy", new Document("$ne", true)))
                .field("deleteScheduledAt", null).batchSize(batchSize).run();
        assertEquals(List.of(BsonDocument.parse("{_id: 7, name: 'Seven', deleteScheduledAt: null}"),
                BsonDocument.parse("{_id: 'o1', name: 'One', deleteScheduledAt: null}"),
                BsonDocument.parse("{_id: 'o2', name: 'Two', deleteScheduledAt: {$date: '2025-01-01T00:00:00Z'}}"),
                BsonDocument.parse("{_id: 'o3', name: 'Three', deleteScheduledAt: null}"),
                BsonDocument.parse("{_id: 'o4', name: 'Four', deleteScheduledAt: null}"),
                BsonDocument.parse("{_id: 'o5', name: 'Five', legacy: true}"),
                BsonDocument.parse("{_id: 'o6', name: 'Six', deleteScheduledAt: null}")), all(organizations));
        assertEquals(4, report.batch().read());
        assertEquals(4, report.batch().modified());
        return report;
    }

    @Test
    void addFieldWritesAPageAsOneRangeThatLeavesAloneWhatTheStepExcludesOrFindsDone() {
        assertEquals(2, addDeleteScheduledAt(2).batch().batches(), "[7, 'o1'] then ['o4', 'o6'] around o5");
    }

    @Test
    void addFieldWritesAPageWhoseIdsMixTypesDocumentByDocument() {
        assertEquals(2, addDeleteScheduledAt(3).batch().batches(), "[7, 'o1', 'o4'], then ['o6']");
    }

    @Test
    void unsetLeavesAloneWhatTheStepsFilterExcludes() {
        users.insertMany(List.of(BsonDocument.parse("{_id: 5, email: 'e@x', phone: '5', keep: true}"),
                BsonDocument.parse("{_id: 'u6', email: 'g@x', city: 'g'}")));
        StepReport report = Unset.of(users).filter(new Document("keep", new Document("$ne", true)))
                .fields("phone", "city", "address").allowLoss().batchSize(3).run();
        assertEquals(List.of(BsonDocument.parse("{_id: 1, email: 'a@x'}"), BsonDocument.parse("{_id: 2, email: 'b@x'}"),
                BsonDocument.parse("{_id: 3, email: 'c@x'}"), BsonDocument.parse("{_id: 4, email: 'd@x'}"),
                BsonDocument.parse("{_id: 5, email: 'e@x', phone: '5', keep: true}"),
                BsonDocument.parse("{_id: 'u6', email: 'g@x'}")), all(users));
        assertEquals(4, report.batch().modified());
    }

    @Test
    void aRerunOfUnsetReadsNothing() {
        strip().run();
        assertEquals(0, strip().run().batch().read());
    }

    @Test
    void unsetPlansTheDocumentsToStripAndTheValuesItWouldDestroy() {
        assertEquals(java.util.Map.of("users to strip", 3L, "values to discard (lost)", 4L), strip().plan().counts());
        Plan.Line refusing = Unset.of(users).fields("phone", "city", "address").plan();
        assertEquals(1, refusing.failures().size(), refusing.toString());
        assertEquals(4, refusing.failures().get(0).count(), "a null phone is no value to lose");
        strip().run();
        assertEquals(java.util.Map.of("users to strip", 0L), strip().plan().counts());
    }

    @Test
    void addFieldSetsTheDefaultOnlyWhereTheFieldIsMissing() {
        StepReport report = AddField.of(organizations).field("deleteScheduledAt", null).batchSize(3).run();
        assertEquals(List.of(BsonDocument.parse("{_id: 'o1', name: 'One', deleteScheduledAt: null}"),
                BsonDocument.parse("{_id: 'o2', name: 'Two', deleteScheduledAt: {$date: '2025-01-01T00:00:00Z'}}"),
                BsonDocument.parse("{_id: 'o3', name: 'Three', deleteScheduledAt: null}"),
                BsonDocument.parse("{_id: 'o4', name: 'Four', deleteScheduledAt: null}")), all(organizations));
        assertEquals(2, report.batch().modified());
        assertEquals(0, AddField.of(organizations).field("deleteScheduledAt", null).run().batch().read());
    }

    @Test
    void addFieldTakesAnyValueTheDriverEncodesAndPlans() {
        Date when = Date.from(Instant.parse("2030-01-01T00:00:00Z"));
        AddField step = AddField.of(organizations).field("plan.since", when);
        assertEquals(java.util.Map.of("organizations without plan.since", 4L), step.plan().counts());
        step.run();
        assertEquals(4, organizations.countDocuments(new Document("plan.since", when)));
        assertEquals(java.util.Map.of("organizations without plan.since", 0L), step.plan().counts());
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        List<BsonDocument> before = all(users);
        assertThrows(IllegalArgumentException.class, () -> Unset.of(users).fields("_id"));
        assertThrows(IllegalArgumentException.class, () -> Unset.of(users).fields("$unset"));
        assertThrows(IllegalStateException.class, () -> Unset.of(users).run());
        assertThrows(IllegalArgumentException.class, () -> AddField.of(users).field("_id", 1));
        assertThrows(IllegalArgumentException.class, () -> AddField.of(users).field("x", new Object()));
        assertThrows(IllegalStateException.class, () -> AddField.of(users).run());
        assertThrows(IllegalArgumentException.class, () -> strip().name(" "));
        assertThrows(IllegalArgumentException.class, () -> strip().throttle(Duration.ofMillis(-1)));
        assertEquals(before, all(users));
    }
}
