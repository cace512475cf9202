package dev.tenantry;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One entry into system scope: the stated reason, the thread, the tenant that was current when system scope was
 * entered, and whether this entry is work carried into system scope from elsewhere.
 *
 * <p>A task, executor or {@link ScopedFuture} stage bound while in system scope enters system scope again each time it
 * runs (on whatever thread); each such entry is a new one, with {@link #propagated()} {@code true}, the reason and
 * enclosing tenant of the entry it was bound in, and the thread it runs on.
 *
 * <p>Entries are values in their components but distinct objects: {@link Tenants#currentSystemAccess()} returns the
 * same object throughout one entry, and a database reports an entry to its {@link SystemScopeListener}s once, the
 * first time that object touches its data.
 *
 * @param reason why cross-tenant access was needed, as the caller stated it
 * @param threadName the thread that entered system scope
 * @param enclosingTenant the tenant whose scope was open around the system scope, or {@code null}; for a propagated
 *     entry, the one around the entry the work was bound in
 * @param propagated whether this entry is bound work re-entering system scope, rather than a call of
 *     {@link Tenants#runAsSystem} or {@link Tenants#callAsSystem}
 * @since 0.1
 */
public record SystemAccess(String reason, String threadName, @Nullable TenantId enclosingTenant, boolean propagated) {

    /** A direct entry (not propagated). */
    public SystemAccess(String reason, String threadName, @Nullable TenantId enclosingTenant) {
        this(reason, threadName, enclosingTenant, false);
    }

    /** The tenant whose scope enclosed the system scope, if any. */
    public Optional<TenantId> enclosing() {
        return Optional.ofNullable(enclosingTenant);
    }
}
