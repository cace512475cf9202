package dev.tenantry.spring;

import dev.tenantry.Tenants;
import org.springframework.core.task.TaskDecorator;

/**
 * A {@link TaskDecorator} that runs each task in the tenant scope current where it was handed to the executor ({@link
 * Tenants#bind(Runnable)}): an {@code @Async} method called in a tenant's request runs in that tenant; one submitted
 * with no scope runs with none, so its data access fails closed, whatever the worker thread ran before. A system
 * scope is carried as a new, propagated entry. Spring Boot applies it to its auto-configured task executor and
 * scheduler. Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class TenantScopeTaskDecorator implements TaskDecorator {

    /** Creates the decorator. */
    public TenantScopeTaskDecorator() {
    }

    @Override
    public Runnable decorate(Runnable runnable) {
        return Tenants.bind(runnable);
    }
}
