/**
 * Tenant-scoped collections: {@link dev.tenantry.collection.TenantDatabase} registers which logical collections are
 * tenant-scoped and how they are isolated, and hands out {@link dev.tenantry.collection.TenantCollection}s that mirror
 * the driver's {@code MongoCollection} while keeping every operation inside the current tenant.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.collection;

import org.jspecify.annotations.NullMarked;
