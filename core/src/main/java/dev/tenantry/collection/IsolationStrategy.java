package dev.tenantry.collection;

/**
 * How a logical collection's documents are kept apart by tenant. The tenant field is stamped and filtered on in
 * every strategy (defence in depth), so moving a tenant between strategies is a copy, not a transformation.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum IsolationStrategy {
    /** One physical collection for all tenants; every document carries the tenant field. The default. */
    SHARED,
    /** One physical collection per tenant, named {@code <logical>__<tenant>}, in the main database. */
    COLLECTION_PER_TENANT,
    /** One database per tenant, named {@code <prefix><tenant>}, holding a collection named like the logical one. */
    DATABASE_PER_TENANT
}
