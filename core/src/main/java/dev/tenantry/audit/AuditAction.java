package dev.tenantry.audit;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an audit entry records was done: one of the standard actions or a custom name such as {@code INVOICE_SENT}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name upper-case letters, digits and {@code _}, starting with a letter, at most 64 characters
 * @since 0.1
 */
public record AuditAction(String name) {

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    /** A user signed in. */
    public static final AuditAction LOGIN = new AuditAction("LOGIN");
    /** A user signed out. */
    public static final AuditAction LOGOUT = new AuditAction("LOGOUT");
    /** Something was created. */
    public static final AuditAction CREATE = new AuditAction("CREATE");
    /** Something was changed. */
    public static final AuditAction UPDATE = new AuditAction("UPDATE");
    /** Something was deleted. */
    public static final AuditAction DELETE = new AuditAction("DELETE");
    /** Data left the system in an export. */
    public static final AuditAction EXPORT = new AuditAction("EXPORT");
    /** Cross-tenant work ran in system scope. */
    public static final AuditAction SYSTEM_ACCESS = new AuditAction("SYSTEM_ACCESS");
    /**
     * Old audit entries were purged; the entry keeps the anchor that verification resumes from. Reserved: only the
     * trail records it.
     */
    public static final AuditAction AUDIT_PURGE = new AuditAction("AUDIT_PURGE");

    /** The prefix of the actions the trail records for its own bookkeeping, which callers cannot record. */
    public static final String RESERVED_PREFIX = "AUDIT_";

    /**
     * Validates the name.
     *
     * @throws IllegalArgumentException if {@code name} is not 1-64 upper-case letters, digits and {@code _}
     *     starting with a letter
     */
    public AuditAction {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("audit action must be 1-64 upper-case letters, digits and '_', "
                    + "starting with a letter (e.g. INVOICE_SENT), was '" + name + "'");
        }
    }

    /**
     * A custom action.
     *
     * @param name the action's name, e.g. {@code INVOICE_SENT}
     * @return the action
     * @throws IllegalArgumentException if the name breaks the rule above
     */
    public static AuditAction of(String name) {
        return new AuditAction(name);
    }

    /**
     * Whether the trail keeps this action for its own bookkeeping (its name starts with {@value #RESERVED_PREFIX},
     * like {@link #AUDIT_PURGE}): {@link AuditTrail#record} refuses it, so no caller can forge a purge anchor.
     */
    public boolean isReserved() {
        return name.startsWith(RESERVED_PREFIX);
    }

    @Override
    public String toString() {
        return name;
    }
}
