package dev.tenantry.collection.internal;

import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.TenantryException;
import dev.tenantry.Tenants;
import java.util.Optional;

/**
 * The refusals of the driver adapter ({@link DriverDatabase}, {@link DriverCollection}): what a tenant scope must not
 * do through the driver's API runs only in system scope. Outside system scope the refusal says which tenant asked, or
 * that none was set. Stateless.
 */
final class Refusals {

    private Refusals() {
    }

    /**
     * Returns normally in system scope; elsewhere throws the refusal of {@code operation}, saying {@code why}.
     *
     * @throws MissingTenantException where no tenant is set
     * @throws TenantViolationException in a tenant's scope
     */
    static void requireSystemScope(String operation, String why) {
        if (!Tenants.inSystemScope()) {
            throw refusal(operation, why);
        }
    }

    /** The refusal of {@code operation} outside system scope (see {@link #requireSystemScope}). */
    static TenantryException refusal(String operation, String why) {
        Optional<TenantId> tenant = Tenants.currentIfPresent();
        if (tenant.isEmpty()) {
            return new MissingTenantException(operation + " is refused: no tenant is set, and " + why + ". Run "
                    + "cross-tenant work in Tenants.runAsSystem(reason, ...)");
        }
        return new TenantViolationException(operation + " is refused in the scope of tenant '" + tenant.get()
                + "': " + why + ". Run cross-tenant work in Tenants.runAsSystem(reason, ...)");
    }
}
