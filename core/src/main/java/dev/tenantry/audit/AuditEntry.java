package dev.tenantry.audit;

import dev.tenantry.TenantId;
import java.time.Instant;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * A recorded audit entry as stored: the event, the tenant and time it was recorded for, and its place in the
 * tenant's hash chain ({@code sequence}, {@code previousHash}, {@code hash}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the entry's id, assigned when it was recorded
 * @param formatVersion the storage format's version ({@value #FORMAT_VERSION} today)
 * @param tenant the tenant whose log holds it
 * @param sequence its position in the tenant's chain, from 1
 * @param previousHash the hash of the entry before it (all zeros for the first)
 * @param hash the hash over {@code previousHash} and this entry's canonical encoding
 * @param time when it was recorded, from the trail's clock, to the millisecond
 * @param event what was recorded, with actor and request metadata resolved
 * @since 0.1
 */
public record AuditEntry(ObjectId id, int formatVersion, TenantId tenant, long sequence, String previousHash,
                         String hash, Instant time, AuditEvent event) {

    /** The storage format written today. */
    public static final int FORMAT_VERSION = 1;

    /** Shorthand for {@code event().action()}. */
    public AuditAction action() {
        return event.action();
    }

    /** Shorthand for {@code event().actorId()}. */
    public @Nullable String actorId() {
        return event.actorId();
    }
}
