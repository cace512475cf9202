package dev.tenantry.spring.autoconfigure;

import dev.tenantry.servlet.TenantryWebConfig;

/**
 * Adjusts the {@link TenantryWebConfig.Builder} that the auto-configuration fills from {@code tenantry.web.*}
 * properties and the application's beans, before it builds: which tenants a caller may act for ({@code
 * tenantAccess}), other tenant resolvers, exports, sessions, paths. Customizers run in their {@code Ordered} order.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TenantryWebConfigCustomizer {

    /** Adjusts {@code builder}. */
    void customize(TenantryWebConfig.Builder builder);
}
