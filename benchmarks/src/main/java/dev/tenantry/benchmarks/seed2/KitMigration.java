package dev.tenantry.benchmarks.seed2;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.MigrationRunner;
import dev.tenantry.migration.MigrationState;
import dev.tenantry.migration.MigrationStatus;
import dev.tenantry.migration.steps.Destination;
import dev.tenantry.migration.steps.EnsureCollection;
import dev.tenantry.migration.steps.OnConflict;
import dev.tenantry.migration.steps.Relation;
import dev.tenantry.migration.steps.Repoint;
import dev.tenantry.migration.steps.Split;
import dev.tenantry.migration.steps.Unset;
import dev.tenantry.migration.verify.Verifier;
import dev.tenantry.testing.seeds.Seed2Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;

/**
 * Seed 2's restructure through the migration kit, as a user would run it: one {@link Migration} run by a
 * {@link MigrationRunner} (lease lock, history, a checkpoint per batch), whose steps are the customers collection with
 * a per-business unique email, one customer per (user, business) split off with deterministic ids (the business found
 * through the booking's service; two users with one email at one business merged), then each booking given its
 * business and its customer with {@code userId} dropped, in one write, the customer fields stripped from users (kept
 * in their customers, the rest archived), and the result verified (references, uniqueness, no value lost).
 */
public final class KitMigration implements Migration {

    private static final int BATCH = 5_000;

    /** Runs the restructure on database {@code name}; returns how many customers were created. */
    public static long migrate(MongoClient client, String name) {
        List<MigrationStatus> ran = MigrationRunner.builder(client, name).migrations(new KitMigration()).build()
                .migrate();
        if (ran.size() != 1 || ran.get(0).state() != MigrationState.EXECUTED) {
            throw new IllegalStateException("the kit's migration did not execute: " + ran);
        }
        return client.getDatabase(name).getCollection("customers").countDocuments();
    }

    @Override
    public String id() {
        return "seed2-kit";
    }

    @Override
    public long version() {
        return 2;
    }

    @Override
    public String description() {
        return "seed 2: a customer per (user, business); bookings re-pointed; users keep authentication only";
    }

    @Override
    public Set<String> reads() {
        return Set.of("users", "bookings", "services");
    }

    @Override
    public String fingerprint() {
        return "seed2-kit";
    }

    @Override
    public void execute(MigrationContext ctx) {
        MongoDatabase database = ctx.database();
        MongoCollection<BsonDocument> users = database.getCollection("users", BsonDocument.class);
        MongoCollection<BsonDocument> bookings = database.getCollection("bookings", BsonDocument.class);
        MongoCollection<BsonDocument> customers = database.getCollection("customers", BsonDocument.class);
        Relation service = Relation.of(database.getCollection("services", BsonDocument.class), "serviceId");
        List<String> copied = new ArrayList<>(List.of("name", "email"));
        copied.addAll(Seed2Dataset.CUSTOMER_FIELDS);
        copied.add("createdAt");

        EnsureCollection.of(database, "customers").tenantField("businessId")
                .index(Indexes.ascending("email"), new IndexOptions().unique(true))
                .index(Indexes.ascending("userId")).index(Indexes.ascending("mergedFrom")).in(ctx).run();
        Split.by(bookings, "userId").from(users).into(customers).filter(Filters.eq("customerId", null))
                .tenantField("businessId").tenantVia(service).copy(copied.toArray(String[]::new))
                .defaultValue("name", "Unknown Customer").uniquePerTenant("email").onConflict(OnConflict.MERGE)
                .batchSize(BATCH).in(ctx).run();
        // one pass over the bookings instead of three: the business written, the customer set and userId dropped in
        // one write per booking (dropped only where the customer records it; the example script keeps the phases
        // apart, verifying between expand and contract)
        Repoint.of(bookings).field("customerId").from("userId").to(customers).tenantField("businessId")
                .tenantVia(service).writeTenant().dropOldReference().batchSize(BATCH).in(ctx).run();
        Unset.of(users).fields(Seed2Dataset.CUSTOMER_FIELDS.toArray(String[]::new))
                .keptIn(Destination.of(customers).by("userId", "mergedFrom")).archive().batchSize(BATCH).in(ctx)
                .run();
    }

    @Override
    public MigrationReport verify(MigrationContext ctx) {
        return Verifier.of(ctx.database()).tenantField("businessId").batchSize(BATCH).tenantScoped("customers")
                .tenantScoped("bookings").reference("bookings", "customerId", "customers")
                .uniquePerTenant("customers", "email").absent("bookings", "userId").removedValues("users")
                .run().toMigrationReport();
    }
}
