/**
 * Data-migration primitives, the building blocks a {@link dev.tenantry.migration.Migration} composes to move a
 * shared-model database to tenant isolation.
 *
 * <ul>
 *   <li>{@link dev.tenantry.migration.steps.EnsureCollection}: a collection and its tenant-leading indexes;</li>
 *   <li>{@link dev.tenantry.migration.steps.Backfill}: the tenant field set from a related collection;</li>
 *   <li>{@link dev.tenantry.migration.steps.Split}: a shared collection split into a tenant-scoped one, one copy per
 *       (document, tenant) pair, with deterministic {@code _id}s ({@link dev.tenantry.migration.steps.IdScheme});</li>
 *   <li>{@link dev.tenantry.migration.steps.Repoint}: references moved from the shared documents to the copies;</li>
 *   <li>{@link dev.tenantry.migration.steps.Unset}: fields removed (the contract step);</li>
 *   <li>{@link dev.tenantry.migration.steps.AddField}: a field added with a default where missing.</li>
 * </ul>
 *
 * <p>Every data step pages through one collection by {@code _id} in bounded unordered bulk writes
 * ({@link dev.tenantry.migration.batch.Batches}), reads related documents per page with {@code $in} queries
 * on {@code _id}, writes only idempotent updates ({@code $set}, {@code $unset}, {@code $setOnInsert} upserts on
 * deterministic {@code _id}s), and touches only documents still to do, so a step resumed from its checkpoint or
 * rerun from the start ends exactly where an uninterrupted run does. A document whose relation cannot be resolved is
 * left alone and reported in the {@link dev.tenantry.migration.steps.StepReport}, never guessed. Each step's
 * {@link dev.tenantry.migration.steps.Step#plan() plan()} counts what it would touch with reads only, for the dry
 * run. Wired to a run with {@code .in(ctx)}, a step keeps its checkpoint in the run, checks the lease before every
 * batch and adds its counts to the history; standalone, it keeps its position in memory or in a given
 * {@link dev.tenantry.migration.batch.Checkpoint}.
 *
 * <p>Seed 2, the customer split (verification in {@link dev.tenantry.migration.verify}):
 *
 * <pre>{@code
 * public final class SplitCustomers implements Migration {
 *     public String id() { return "0002-split-customers"; }
 *     public long version() { return 2; }
 *     public String description() { return "a customer per (user, business); bookings point at customers"; }
 *
 *     public void execute(MigrationContext ctx) {
 *         Steps s = new Steps(ctx);
 *         s.customers.run();
 *         s.backfill.run();
 *         s.split.run();
 *         s.repoint.run();
 *         verifier(ctx).run().assertClean();   // nothing is removed unless the expansion is clean
 *         s.unsetUserId.run();
 *         s.stripUsers.run();
 *     }
 *
 *     public Plan plan(MigrationContext ctx) {   // "customers to create", "bookings to re-point", ...
 *         Steps s = new Steps(ctx);
 *         return Step.plan(s.customers, s.backfill, s.split, s.repoint, s.unsetUserId, s.stripUsers);
 *     }
 *
 *     private static final class Steps {
 *         final EnsureCollection customers;
 *         final Backfill backfill;
 *         final Split split;
 *         final Repoint repoint;
 *         final Unset unsetUserId;
 *         final Unset stripUsers;
 *
 *         Steps(MigrationContext ctx) {
 *             MongoDatabase db = ctx.database();
 *             var users = db.getCollection("users", BsonDocument.class);
 *             var bookings = db.getCollection("bookings", BsonDocument.class);
 *             var customerDocs = db.getCollection("customers", BsonDocument.class);
 *             Relation service = Relation.of(db.getCollection("services", BsonDocument.class), "serviceId");
 *             customers = EnsureCollection.of(db, "customers").tenantField("businessId")
 *                     .index(Indexes.ascending("email"), new IndexOptions().unique(true)).in(ctx);
 *             backfill = Backfill.of(bookings).field("businessId").from(service).in(ctx);
 *             split = Split.by(bookings, "userId").from(users).into(customerDocs)
 *                     .filter(Filters.eq("customerId", null))         // a re-pointed booking has its customer
 *                     .tenantField("businessId").tenantVia(service)   // so the dry run needs no backfill
 *                     .copy("name", "email", "phone", "company", "country", "address", "city", "state",
 *                             "zipCode", "createdAt")
 *                     .defaultValue("name", "Unknown Customer").in(ctx);
 *             repoint = Repoint.of(bookings).field("customerId").from("userId").to(customerDocs)
 *                     .tenantField("businessId").in(ctx);
 *             unsetUserId = Unset.of(bookings).fields("userId").in(ctx);
 *             stripUsers = Unset.of(users)
 *                     .fields("phone", "company", "country", "address", "city", "state", "zipCode").in(ctx);
 *         }
 *     }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.migration.steps;

import org.jspecify.annotations.NullMarked;
