package dev.tenantry;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One entry into system scope: the stated reason, the thread, and the tenant that was current when it was entered.
 *
 * @param reason why cross-tenant access was needed, as the caller stated it
 * @param threadName the thread that entered system scope
 * @param enclosingTenant the tenant whose scope was open around the system scope, or {@code null}
 * @since 0.1
 */
public record SystemAccess(String reason, String threadName, @Nullable TenantId enclosingTenant) {

    /** The tenant whose scope enclosed the system scope, if any. */
    public Optional<TenantId> enclosing() {
        return Optional.ofNullable(enclosingTenant);
    }
}
