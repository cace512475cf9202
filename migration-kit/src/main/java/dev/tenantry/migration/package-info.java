/**
 * Migration kit: a runner and data-migration primitives for moving a shared-model database to tenant isolation.
 *
 * <p>The runner, primitives and CLI arrive with the migration-kit issue; today this module holds no public types.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.migration;

import org.jspecify.annotations.NullMarked;
