/**
 * Verification of tenant isolation after a data migration, as a report a script prints or asserts on.
 *
 * <p>A {@link dev.tenantry.migration.verify.Verifier} declares checks (every document carries the tenant field, no
 * reference is unset, dangling or crosses tenants, values are unique per tenant, retired fields are gone, every value
 * an {@code Unset} removed still exists in its destination or the archive, a quarantine is sound, counts reconcile)
 * and runs them with reads only into a {@link dev.tenantry.migration.verify.VerificationReport}: one
 * {@link dev.tenantry.migration.verify.Check} per check, with its violations and the {@code _id}s of the first
 * violating documents. Seed 2, verified inside its migration:
 *
 * <pre>{@code
 * public MigrationReport verify(MigrationContext ctx) {
 *     return Verifier.of(ctx.database()).tenantField("businessId")
 *             .tenantScoped("customers").tenantScoped("bookings")
 *             .reference("bookings", "customerId", "customers")   // set, no orphans, same businessId
 *             .uniquePerTenant("customers", "email")
 *             .absent("bookings", "userId")
 *             .absent("users", "phone", "company", "country", "address", "city", "state", "zipCode")
 *             .removedValues("users")                             // kept in customers or users_archive
 *             .quarantined("bookings")                            // each with its reason, none left behind
 *             .run().toMigrationReport();
 * }
 * }</pre>
 *
 * <p>Inside {@code execute}, {@code .run().assertClean()} stops a migration before an irreversible contract step
 * if the expansion left violations.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.migration.verify;

import org.jspecify.annotations.NullMarked;
