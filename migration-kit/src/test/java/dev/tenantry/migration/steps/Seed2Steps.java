package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.verify.Verifier;
import org.bson.BsonDocument;

/** Seed 2's migration as steps, configured as the package javadoc shows; standalone or in a migration run. */
final class Seed2Steps {

    final EnsureCollection customers;
    final Backfill backfill;
    final Split split;
    final Repoint repoint;
    final Unset unsetUserId;
    final Unset stripUsers;

    Seed2Steps(MongoDatabase db, int batchSize) {
        MongoCollection<BsonDocument> users = db.getCollection("users", BsonDocument.class);
        MongoCollection<BsonDocument> bookings = db.getCollection("bookings", BsonDocument.class);
        MongoCollection<BsonDocument> customerDocs = db.getCollection("customers", BsonDocument.class);
        Relation service = Relation.of(db.getCollection("services", BsonDocument.class), "serviceId");
        customers = EnsureCollection.of(db, "customers").tenantField("businessId")
                .index(Indexes.ascending("email"), new IndexOptions().unique(true));
        backfill = Backfill.of(bookings).field("businessId").from(service).batchSize(batchSize);
        split = Split.by(bookings, "userId").from(users).into(customerDocs)
                .filter(Filters.eq("customerId", null))
                .tenantField("businessId").tenantVia(service)
                .copy(Seed2Data.COPIED.toArray(String[]::new))
                .defaultValue("name", "Unknown Customer").batchSize(batchSize);
        repoint = Repoint.of(bookings).field("customerId").from("userId").to(customerDocs)
                .tenantField("businessId").batchSize(batchSize);
        unsetUserId = Unset.of(bookings).fields("userId")
                .keptIn(Destination.of(customerDocs).via("customerId").field("userId", "userId", "mergedFrom"))
                .archiveTo(db.getCollection("bookings_archive", BsonDocument.class)).batchSize(batchSize);
        stripUsers = Unset.of(users).fields(Seed2Data.CUSTOMER_ONLY.toArray(String[]::new))
                .keptIn(Destination.of(customerDocs).by("userId", "mergedFrom")).archive()
                .archiveTo(db.getCollection("users_archive", BsonDocument.class)).batchSize(batchSize);
    }

    /** Standalone steps keep their ledgers in the given archive collections; in a run, in the run's database. */
    Seed2Steps in(MigrationContext ctx) {
        customers.in(ctx);
        backfill.in(ctx);
        split.in(ctx);
        repoint.in(ctx);
        unsetUserId.in(ctx);
        stripUsers.in(ctx);
        return this;
    }

    Plan plan() {
        return Step.plan(customers, backfill, split, repoint, unsetUserId, stripUsers);
    }

    /** Runs the expansion: customers, backfill, split, re-point. */
    void expand() {
        customers.run();
        check(backfill.run());
        check(split.run());
        check(repoint.run());
    }

    /** Runs the contraction: userId off bookings, customer-only fields off users. */
    void contract() {
        check(unsetUserId.run());
        check(stripUsers.run());
    }

    private static void check(StepReport report) {
        if (!report.clean()) {
            throw new IllegalStateException("step not clean: " + report);
        }
    }

    /** The checks of the expanded state. */
    static Verifier expanded(MongoDatabase db) {
        return Verifier.of(db).tenantField("businessId").tenantScoped("customers").tenantScoped("bookings")
                .reference("bookings", "customerId", "customers").uniquePerTenant("customers", "email");
    }

    /** The checks of the contracted state: nothing removed is lost. */
    static Verifier contracted(MongoDatabase db) {
        return expanded(db).absent("bookings", "userId")
                .absent("users", Seed2Data.CUSTOMER_ONLY.toArray(String[]::new))
                .removedValues("users").removedValues("bookings");
    }
}
