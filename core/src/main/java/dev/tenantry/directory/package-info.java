/**
 * The tenant directory: organizations with their name, plan and status, the scope guard that keeps suspended tenants
 * and tenants scheduled for deletion out of ordinary work, and deletion with retention, cancel and a resumable purge
 * of the tenant's data from every registered tenant-scoped collection.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.directory;

import org.jspecify.annotations.NullMarked;
