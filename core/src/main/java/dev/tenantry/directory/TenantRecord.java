package dev.tenantry.directory;

import dev.tenantry.TenantId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An organization as the directory holds it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the tenant
 * @param name the display name
 * @param plan the plan, e.g. {@code FREE}; the rate limiter's plan resolver reads it
 * @param status where the tenant stands
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param deleteScheduledAt when a scheduled deletion becomes due (the end of the retention); null unless
 *     {@link TenantStatus#DELETION_SCHEDULED}
 * @since 0.1
 */
public record TenantRecord(TenantId id, String name, String plan, TenantStatus status, Instant createdAt,
                           Instant updatedAt, @Nullable Instant deleteScheduledAt) {

    /** The version of the stored document format this library writes. */
    public static final int FORMAT_VERSION = 1;

    /** Checks that nothing required is null. */
    public TenantRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Whether ordinary work may run for this tenant. */
    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }
}
