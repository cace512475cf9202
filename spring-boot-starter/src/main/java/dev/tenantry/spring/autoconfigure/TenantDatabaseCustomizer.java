package dev.tenantry.spring.autoconfigure;

import dev.tenantry.collection.TenantDatabase;

/**
 * Adjusts the {@link TenantDatabase.Builder} that the auto-configuration fills from {@code tenantry.*} properties,
 * before it builds: declare indexes, soft delete, write listeners or codecs in Java. Customizers run in their {@code
 * Ordered} order.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TenantDatabaseCustomizer {

    /** Adjusts {@code builder}. */
    void customize(TenantDatabase.Builder builder);
}
