package dev.tenantry.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import dev.tenantry.migration.batch.BatchReport;
import dev.tenantry.migration.steps.Backfill;
import dev.tenantry.migration.steps.Relation;
import dev.tenantry.migration.steps.Split;
import dev.tenantry.migration.steps.Unset;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The defects seed 2 exposed, written against the API the kit had before their fixes, so that each one failed there:
 * a removing step destroyed values that existed nowhere else, a value that could not be derived left the step
 * reporting success, a copy the server refused was named by its filter instead of its source document, and the
 * history of a resumed migration held only its last run's counts.
 */
@MongoTest
class SeedTwoRegressionsIT {

    private final MongoClient client;
    private final MongoDatabase db;

    SeedTwoRegressionsIT(MongoClient client, MongoDatabase db) {
        this.client = client;
        this.db = db;
    }

    @BeforeEach
    void drop() {
        db.drop();
    }

    @Test
    void aRemovingStepDoesNotDestroyValuesThatExistNowhereElse() {
        MongoCollection<BsonDocument> users = db.getCollection("users", BsonDocument.class);
        users.insertMany(List.of(BsonDocument.parse("{_id: 1, phone: '1'}"),
                BsonDocument.parse("{_id: 2, phone: '2'}")));
        try {
            Unset.of(users).fields("phone").run();
        } catch (RuntimeException refused) {
            // the new code refuses, naming them
        }
        assertEquals(2, users.countDocuments(Filters.exists("phone")), "the phones exist nowhere else");
    }

    @Test
    void aValueThatCannotBeDerivedFailsTheStep() {
        db.getCollection("services").insertOne(new Document("_id", "s1"));
        MongoCollection<BsonDocument> bookings = db.getCollection("bookings", BsonDocument.class);
        bookings.insertOne(BsonDocument.parse("{_id: 1, serviceId: 's1'}"));
        assertThrows(RuntimeException.class, () -> Backfill.of(bookings).field("businessId")
                .from(Relation.of(db.getCollection("services", BsonDocument.class), "serviceId")).run());
    }

    @Test
    void aRefusedCopyIsNamedByItsSourceDocument() {
        MongoCollection<BsonDocument> users = db.getCollection("users", BsonDocument.class);
        MongoCollection<BsonDocument> bookings = db.getCollection("bookings", BsonDocument.class);
        MongoCollection<BsonDocument> customers = db.getCollection("customers", BsonDocument.class);
        users.insertMany(List.of(BsonDocument.parse("{_id: 'u1', email: 'ann@x'}"),
                BsonDocument.parse("{_id: 'u2', email: 'ann@x'}")));
        bookings.insertMany(List.of(BsonDocument.parse("{_id: 1, userId: 'u1', businessId: 'b1'}"),
                BsonDocument.parse("{_id: 2, userId: 'u2', businessId: 'b1'}")));
        customers.createIndex(Indexes.ascending("businessId", "email"), new IndexOptions().unique(true));
        Split split = Split.by(bookings, "userId").from(users).into(customers).tenantField("businessId")
                .copy("email");
        String origin;
        try {
            origin = split.run().batch().failures().get(0).id();
        } catch (RuntimeException failed) {
            origin = failed.getMessage();
        }
        assertTrue(origin.contains("\"u2\""), origin);
    }

    /** Thrown through the runner like a process kill: nothing records the run's end. */
    private static final class Killed extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void historyAfterAResumeRecordsTheTotalsOfEveryRun() {
        List<Document> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(new Document("_id", i));
        }
        db.getCollection("items").insertMany(items);
        boolean[] kill = {true};
        Migration m = new Migration() {
            public String id() {
                return "mark";
            }

            public long version() {
                return 1;
            }

            public String description() {
                return "marks";
            }

            public String fingerprint() {
                return "f";
            }

            public void execute(MigrationContext ctx) {
                int[] batches = {0};
                BatchReport report = ctx.batches("mark", ctx.database().getCollection("items", BsonDocument.class))
                        .batchSize(10).beforeWrite(() -> {
                            if (++batches[0] == 5 && kill[0]) {
                                throw new Killed();
                            }
                        }).run(item -> List.of(new UpdateOneModel<>(Filters.eq("_id", item.get("_id")),
                                Updates.set("marked", true))));
                ctx.count("marked", report.modified());
            }
        };
        assertThrows(Killed.class, () -> MigrationRunner.builder(client, db.getName()).migrations(m).build().migrate());
        kill[0] = false;
        MigrationStatus done = MigrationRunner.builder(client, db.getName()).migrations(m).build().migrate().get(0);
        assertEquals(100L, done.counts().get("marked"), done.counts().toString());
    }
}
