package dev.tenantry.spring;

import dev.tenantry.Tenants;
import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer context-propagation's accessor for the tenant scope, registered through {@code ServiceLoader}: executors
 * and reactive operators instrumented with context-propagation ({@code ContextSnapshot}, {@code
 * ContextExecutorService}, Spring's observation-aware executors) carry the caller's tenant or system scope to the
 * thread that runs the work, and put back what that thread had afterwards. Where the caller had no scope, the work
 * runs with none (fail closed). Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class TenantScopeAccessor implements ThreadLocalAccessor<Tenants.Snapshot> {

    /** The key the scope is carried under. */
    public static final String KEY = "dev.tenantry.scope";

    /** Creates the accessor; {@code ServiceLoader} does this. */
    public TenantScopeAccessor() {
    }

    @Override
    public Object key() {
        return KEY;
    }

    /** The scope in force, or null where none is (context-propagation then carries nothing). */
    @Override
    public Tenants.@Nullable Snapshot getValue() {
        Tenants.Snapshot snapshot = Tenants.capture();
        return snapshot.isEmpty() ? null : snapshot;
    }

    @Override
    public void setValue(Tenants.Snapshot value) {
        Tenants.enter(value);
    }

    @Override
    public void setValue() {
        Tenants.restore(Tenants.Snapshot.none());
    }

    @Override
    public void restore(Tenants.Snapshot previousValue) {
        Tenants.restore(previousValue);
    }

    @Override
    public void restore() {
        Tenants.restore(Tenants.Snapshot.none());
    }
}
