package dev.tenantry.examples.migration;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.tenantry.TenantId;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.steps.Backfill;
import dev.tenantry.migration.steps.Destination;
import dev.tenantry.migration.steps.EnsureCollection;
import dev.tenantry.migration.steps.OnConflict;
import dev.tenantry.migration.steps.Quarantine;
import dev.tenantry.migration.steps.Relation;
import dev.tenantry.migration.steps.Repoint;
import dev.tenantry.migration.steps.Split;
import dev.tenantry.migration.steps.Step;
import dev.tenantry.migration.steps.Unset;
import dev.tenantry.migration.verify.Verifier;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Seed 2's steps, configured once for both migrations and the script, for a real database's awkward data: bookings
 * whose service or user is gone are quarantined; two users with one email at one business share one customer (the
 * split merges them); a business without a slug gets its id as tenant id; values only users hold are archived, never
 * lost.
 *
 * <p>The business stays the grouping key the seed uses ({@code businessId}, an ObjectId); the Tenantry tenant id is
 * the business's slug (or, where it has none, its id in hex), written to {@code tenantId} on customers and bookings,
 * so the application reads them through tenant-scoped collections afterwards.
 */
final class Seed2Steps {

    /** The Tenantry tenant field the migration adds. */
    static final String TENANT_FIELD = "tenantId";
    /** The user fields that belong to customers, copied into them and then stripped from users. */
    static final List<String> CUSTOMER_FIELDS = List.of("phone", "company", "country", "address", "city", "state",
            "zipCode");
    /** What the expand phase reads: the seed's four collections. */
    static final Set<String> EXPAND_READS = Set.of("businesses", "services", "users", "bookings");
    /** What the contract phase reads. */
    static final Set<String> CONTRACT_READS = Set.of("users", "bookings", "customers");
    private static final int BATCH = 2_000;

    final EnsureCollection customers;
    final Quarantine orphans;
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
        Relation user = Relation.of(users, "userId");
        Relation business = Relation.of(db.getCollection("businesses", BsonDocument.class), "businessId");
        customers = EnsureCollection.of(db, "customers").tenantField("businessId")
                .index(Indexes.ascending("email"), new IndexOptions().unique(true))
                .index(Indexes.ascending("userId")).index(Indexes.ascending("mergedFrom")).in(ctx);
        // bookings whose service was deleted or whose user does not exist: no customer can be made for them
        orphans = Quarantine.of(db, "bookings").requires(service).requires(user).batchSize(BATCH)
                .name("quarantine-orphans").in(ctx);
        // one customer per (user, business) the user booked at, staff included; two users with one email at one
        // business (the unique index would refuse the second) share the first one's customer
        split = Split.by(bookings, "userId").from(users).into(customerDocs).filter(Filters.eq("customerId", null))
                .tenantField("businessId").tenantVia(service)
                .copy("name", "email", "phone", "company", "country", "address", "city", "state", "zipCode",
                        "createdAt")
                .defaultValue("name", "Unknown Customer").uniquePerTenant("email").onConflict(OnConflict.MERGE)
                .batchSize(BATCH).name("split-customers").in(ctx);
        // each booking gets its business and its customer (a merged user's bookings the shared customer)
        repoint = Repoint.of(bookings).field("customerId").from("userId").to(customerDocs).tenantField("businessId")
                .tenantVia(service).writeTenant().batchSize(BATCH).name("repoint-bookings").in(ctx);
        customerTenant = Backfill.of(customerDocs).field(TENANT_FIELD).from(business, Seed2Steps::tenantOf, "slug")
                .batchSize(BATCH).name("customers-tenant").in(ctx);
        bookingTenant = Backfill.of(bookings).field(TENANT_FIELD).from(business, Seed2Steps::tenantOf, "slug")
                .batchSize(BATCH).name("bookings-tenant").in(ctx);
        // the old reference lives on in the customer each booking points at (as its userId, or merged)
        bookingUser = Unset.of(bookings).fields("userId")
                .keptIn(Destination.of(customerDocs).via("customerId").field("userId", "userId", "mergedFrom"))
                .batchSize(BATCH).name("bookings-userId").in(ctx);
        // a user's profile lives on in its customers; what no customer holds (users who never booked, staff, merged
        // twins' own values) is archived in users_archive with the user's _id
        userFields = Unset.of(users).fields(CUSTOMER_FIELDS.toArray(String[]::new))
                .keptIn(Destination.of(customerDocs).by("userId", "mergedFrom")).archive().batchSize(BATCH)
                .name("strip-users").in(ctx);
    }

    /**
     * A business's Tenantry tenant id: its slug, or its id in hex where it has none.
     *
     * @throws IllegalArgumentException if the slug is no valid tenant id (the business is then unresolved)
     */
    static BsonValue tenantOf(BsonDocument business) {
        BsonValue slug = business.get("slug");
        String id = slug != null && slug.isString() ? slug.asString().getValue()
                : business.getObjectId("_id").getValue().toHexString();
        return new BsonString(TenantId.of(id).value());
    }

    /** The expand phase, in order. */
    Step[] expandSteps() {
        return new Step[] {customers, orphans, split, repoint, customerTenant, bookingTenant};
    }

    /** The contract phase, in order. */
    Step[] contractSteps() {
        return new Step[] {bookingUser, userFields};
    }

    /** Runs the expand phase; a step that cannot do all its work throws, naming what it left. */
    void expand() {
        customers.run();
        orphans.run();
        split.run();
        repoint.run();
        customerTenant.run(); // after the split: the customers exist
        bookingTenant.run(); // after the re-point: the bookings have their business
    }

    /** Runs the contract phase. */
    void contract() {
        bookingUser.run();
        userFields.run();
    }

    /**
     * What must hold after the expand phase: every booking points at a customer of its own business, both carry the
     * tenant, emails are unique per business, and the quarantine is sound.
     */
    static Verifier expanded(MongoDatabase db) {
        return Verifier.of(db).tenantField("businessId").tenantScoped("customers").tenantScoped("bookings")
                .reference("bookings", "customerId", "customers").uniquePerTenant("customers", "email")
                .quarantined("bookings");
    }

    /** What must also hold after the expand phase for Tenantry: the tenant id on customers and bookings. */
    static Verifier tenants(MongoDatabase db) {
        return Verifier.of(db).tenantField(TENANT_FIELD).tenantScoped("customers").tenantScoped("bookings")
                .reference("bookings", "customerId", "customers");
    }

    /**
     * What must hold after the contract phase as well: no user reference on bookings, no customer data on users,
     * and every value removed still exists in a customer or the archive.
     */
    static Verifier contracted(MongoDatabase db) {
        return expanded(db).absent("bookings", "userId").absent("users", CUSTOMER_FIELDS.toArray(String[]::new))
                .removedValues("bookings").removedValues("users");
    }
}
