package dev.tenantry.examples.migration;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.steps.Backfill;
import dev.tenantry.migration.steps.EnsureCollection;
import dev.tenantry.migration.steps.Relation;
import dev.tenantry.migration.steps.Repoint;
import dev.tenantry.migration.steps.Split;
import dev.tenantry.migration.steps.Step;
import dev.tenantry.migration.steps.StepReport;
import dev.tenantry.migration.steps.Unset;
import dev.tenantry.migration.verify.Verifier;
import java.util.List;
import org.bson.BsonDocument;

/**
 * Seed 2's steps, configured once for both migrations and the script.
 *
 * <p>The business stays the grouping key the seed uses ({@code businessId}, an ObjectId); the Tenantry tenant id is
 * the business's slug, written to {@code tenantId} on customers and bookings, so the application reads them through
 * tenant-scoped collections afterwards.
 */
final class Seed2Steps {

    /** The Tenantry tenant field the migration adds. */
    static final String TENANT_FIELD = "tenantId";
    /** The user fields that belong to customers, copied into them and then stripped from users. */
    static final List<String> CUSTOMER_FIELDS = List.of("phone", "company", "country", "address", "city", "state",
            "zipCode");
    private static final int BATCH = 2_000;

    final EnsureCollection customers;
    final Backfill bookingBusiness;
    final Split split;
    final Repoint repoint;
    final Backfill customerTenant;
    final Backfill bookingTenant;
    final Unset bookingUser;
    final Unset userFields;

    Seed2Steps(MigrationContext ctx) {
        MongoDatabase db = ctx.database();
        MongoCollection<BsonDocument> users = db.getCollection("users", BsonDocument.class);
        MongoCollection<BsonDocument> bookings = db.getCollection("bookings", BsonDocument.class);
        MongoCollection<BsonDocument> customerDocs = db.getCollection("customers", BsonDocument.class);
        Relation service = Relation.of(db.getCollection("services", BsonDocument.class), "serviceId");
        Relation business = Relation.of(db.getCollection("businesses", BsonDocument.class), "businessId");
        customers = EnsureCollection.of(db, "customers").tenantField("businessId")
                .index(Indexes.ascending("email"), new IndexOptions().unique(true));
        bookingBusiness = Backfill.of(bookings).field("businessId").from(service).batchSize(BATCH)
                .name("bookings-business").in(ctx);
        split = Split.by(bookings, "userId").from(users).into(customerDocs).filter(Filters.eq("customerId", null))
                .tenantField("businessId").tenantVia(service)
                .copy("name", "email", "phone", "company", "country", "address", "city", "state", "zipCode",
                        "createdAt")
                .defaultValue("name", "Unknown Customer").batchSize(BATCH).name("split-customers").in(ctx);
        repoint = Repoint.of(bookings).field("customerId").from("userId").to(customerDocs).tenantField("businessId")
                .batchSize(BATCH).name("repoint-bookings").in(ctx);
        customerTenant = Backfill.of(customerDocs).field(TENANT_FIELD).from(business, "slug").batchSize(BATCH)
                .name("customers-tenant").in(ctx);
        bookingTenant = Backfill.of(bookings).field(TENANT_FIELD).from(business, "slug").batchSize(BATCH)
                .name("bookings-tenant").in(ctx);
        bookingUser = Unset.of(bookings).fields("userId").batchSize(BATCH).name("bookings-userId").in(ctx);
        userFields = Unset.of(users).fields(CUSTOMER_FIELDS.toArray(String[]::new)).batchSize(BATCH)
                .name("strip-users").in(ctx);
    }

    /** The expand phase, in order; stops at the first step that left documents unresolved. */
    void expand() {
        customers.run();
        clean(bookingBusiness.run());
        clean(split.run());
        clean(repoint.run());
        clean(customerTenant.run()); // after the split: the customers exist
        clean(bookingTenant.run()); // after the backfill: the bookings have their business
    }

    /** The contract phase. */
    void contract() {
        clean(bookingUser.run());
        clean(userFields.run());
    }

    Step[] expandSteps() {
        return new Step[] {customers, bookingBusiness, split, repoint, bookingTenant};
    }

    Step[] contractSteps() {
        return new Step[] {bookingUser, userFields};
    }

    private static void clean(StepReport report) {
        if (!report.clean()) {
            throw new IllegalStateException("step " + report.step() + " left documents alone: " + report);
        }
    }

    /** What must hold after the expand phase: every booking points at a customer of its own business. */
    static Verifier expanded(MongoDatabase db) {
        return Verifier.of(db).tenantField("businessId").tenantScoped("customers").tenantScoped("bookings")
                .reference("bookings", "customerId", "customers").uniquePerTenant("customers", "email");
    }

    /** What must hold after the contract phase as well: no user reference on bookings, no customer data on users. */
    static Verifier contracted(MongoDatabase db) {
        return expanded(db).absent("bookings", "userId").absent("users", CUSTOMER_FIELDS.toArray(String[]::new));
    }
}
