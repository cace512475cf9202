/**
 * Data-migration primitives, the building blocks a {@link dev.tenantry.migration.Migration} composes to move a
 * shared-model database to tenant isolation.
 *
 * <ul>
 *   <li>{@link dev.tenantry.migration.steps.EnsureCollection}: a collection and its tenant-leading indexes;</li>
 *   <li>{@link dev.tenantry.migration.steps.Quarantine}: documents whose relations name nothing moved aside, with
 *       the reason, restorable;</li>
 *   <li>{@link dev.tenantry.migration.steps.Backfill}: a field set from (or derived from) a related document;</li>
 *   <li>{@link dev.tenantry.migration.steps.Split}: a shared collection split into a tenant-scoped one, one copy per
 *       (document, tenant) pair, with deterministic {@code _id}s ({@link dev.tenantry.migration.steps.IdScheme})
 *       and a policy for copies that would share unique values ({@link dev.tenantry.migration.steps.OnConflict});</li>
 *   <li>{@link dev.tenantry.migration.steps.Repoint}: references moved from the shared documents to the copies;</li>
 *   <li>{@link dev.tenantry.migration.steps.Unset}: fields removed (the contract step), each value only once it is
 *       found in its {@link dev.tenantry.migration.steps.Destination} or archived;</li>
 *   <li>{@link dev.tenantry.migration.steps.AddField}: a field added with a default where missing.</li>
 * </ul>
 *
 * <p>Every data step pages through one collection in {@code _id} order (any mix of BSON types) in bounded unordered
 * bulk writes ({@link dev.tenantry.migration.batch.Batches}), reads related documents per page with {@code $in}
 * queries, writes only idempotent changes, and touches only documents still to do, so a step resumed from its
 * checkpoint or rerun from the start ends exactly where an uninterrupted run does, and its report counts every run. A
 * document whose relation cannot be resolved is never guessed: by default the step does the rest and then fails with
 * a {@link dev.tenantry.migration.steps.StepFailedException} saying how many and which
 * ({@link dev.tenantry.migration.steps.OnUnresolved} quarantines or skips them instead). Each step's
 * {@link dev.tenantry.migration.steps.Step#plan() plan()} is its line of the dry run, counted with reads only, with the
 * failures it can predict; {@link dev.tenantry.migration.steps.Step#plan(Step...)} plans a migration's steps in order.
 * Wired to a run with {@code .in(ctx)}, a step keeps its checkpoint in the run, checks the lease before every batch,
 * writes its quarantine and archive beside its collection and adds its counts to the history.
 *
 * <p>Seed 2, the customer split (verification in {@link dev.tenantry.migration.verify}):
 *
 * <pre>{@code
 * public void execute(MigrationContext ctx) {
 *     var db = ctx.database();
 *     var users = db.getCollection("users", BsonDocument.class);
 *     var bookings = db.getCollection("bookings", BsonDocument.class);
 *     var customers = db.getCollection("customers", BsonDocument.class);
 *     var service = Relation.of(db.getCollection("services", BsonDocument.class), "serviceId");
 *     EnsureCollection.of(db, "customers").tenantField("businessId")
 *             .index(Indexes.ascending("email"), new IndexOptions().unique(true)).in(ctx).run();
 *     Quarantine.of(db, "bookings").requires(service).requires(Relation.of(users, "userId")).in(ctx).run();
 *     Split.by(bookings, "userId").from(users).into(customers).tenantField("businessId").tenantVia(service)
 *             .copy("name", "email", "phone", "company").defaultValue("name", "Unknown Customer")
 *             .uniquePerTenant("email").onConflict(OnConflict.MERGE)      // twins share one customer
 *             .in(ctx).run();
 *     Repoint.of(bookings).field("customerId").from("userId").to(customers).tenantField("businessId")
 *             .tenantVia(service).writeTenant().in(ctx).run();
 *     Unset.of(bookings).fields("userId")
 *             .keptIn(Destination.of(customers).via("customerId").field("userId", "userId", "mergedFrom"))
 *             .in(ctx).run();
 *     Unset.of(users).fields("phone", "company")
 *             .keptIn(Destination.of(customers).by("userId", "mergedFrom")).archive()   // the rest to users_archive
 *             .in(ctx).run();
 * }
 * }</pre>
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.migration.steps;

import org.jspecify.annotations.NullMarked;
