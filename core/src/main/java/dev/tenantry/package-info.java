/**
 * The tenant context: {@link dev.tenantry.TenantId}, the scoped current tenant in {@link dev.tenantry.Tenants}, the
 * audited system scope for cross-tenant work, and the exceptions every Tenantry module shares.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry;

import org.jspecify.annotations.NullMarked;
