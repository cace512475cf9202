package dev.tenantry.benchmarks.seed2;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.seeds.Seed2Dataset;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.tenantry.migration.steps.EnsureCollection;
import dev.tenantry.migration.steps.Relation;
import dev.tenantry.migration.steps.Repoint;
import dev.tenantry.migration.steps.Split;
import dev.tenantry.migration.steps.StepReport;
import dev.tenantry.migration.steps.Unset;
import dev.tenantry.migration.verify.Verifier;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;

/**
 * Seed 2's restructure through the migration kit: customers collection with a per-business unique email, one
 * customer per (user, business) split off with deterministic ids (the business found through the booking's service),
 * then each booking given its business and its customer with {@code userId} dropped, in one write, the customer
 * fields stripped from users, and the result verified.
 */
public final class KitMigration {

    private static final int BATCH = 5_000;

    private KitMigration() {
    }

    /** Runs the restructure on {@code database}; returns how many customers were created. */
    public static long migrate(MongoDatabase database) {
        MongoCollection<BsonDocument> users = database.getCollection("users", BsonDocument.class);
        MongoCollection<BsonDocument> bookings = database.getCollection("bookings", BsonDocument.class);
        MongoCollection<BsonDocument> customers = database.getCollection("customers", BsonDocument.class);
        Relation service = Relation.of(database.getCollection("services", BsonDocument.class), "serviceId");
        List<String> copied = new ArrayList<>(List.of("name", "email"));
        copied.addAll(Seed2Dataset.CUSTOMER_FIELDS);
        copied.add("createdAt");

        EnsureCollection.of(database, "customers").tenantField("businessId")
                .index(Indexes.ascending("email"), new IndexOptions().unique(true)).run();
        StepReport split = clean(Split.by(bookings, "userId").from(users).into(customers)
                .filter(Filters.eq("customerId", null)).tenantField("businessId").tenantVia(service)
                .copy(copied.toArray(String[]::new)).defaultValue("name", "Unknown Customer").batchSize(BATCH)
                .run());
        // one pass over the bookings instead of three: the business written, the customer set and userId dropped in
        // one write per booking (the example script keeps them apart, verifying between expand and contract)
        clean(Repoint.of(bookings).field("customerId").from("userId").to(customers).tenantField("businessId")
                .tenantVia(service).writeTenant().dropOldReference().batchSize(BATCH).run());
        clean(Unset.of(users).fields(Seed2Dataset.CUSTOMER_FIELDS.toArray(String[]::new)).batchSize(BATCH).run());
        Verifier.of(database).tenantField("businessId").tenantScoped("customers").tenantScoped("bookings")
                .reference("bookings", "customerId", "customers").uniquePerTenant("customers", "email")
                .run().assertClean();
        return split.batch().upserted() + split.batch().inserted();
    }

    private static StepReport clean(StepReport report) {
        if (!report.clean()) {
            throw new IllegalStateException("step not clean: " + report);
        }
        return report;
    }
}
