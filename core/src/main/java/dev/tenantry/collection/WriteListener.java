package dev.tenantry.collection;

/**
 * Told of every write applied through the tenant-scoped collections it is registered for, on the writing thread,
 * right after MongoDB acknowledged it; the audit trail plugs in here ({@code AuditTrail.writeListener()}).
 *
 * <p>It must be fast and must not write through the same collections. If it throws, the exception reaches the
 * caller, whose write has nonetheless been applied. Implementations must be thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface WriteListener {

    /** Called once per written document, or once per operation where documents are not named. */
    void onWrite(WriteEvent event);
}
