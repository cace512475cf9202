package dev.tenantry.export;

import dev.tenantry.ExportFormat;
import dev.tenantry.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One data export request and what became of it, as the {@code DataExport} collection keeps it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the export's id
 * @param tenant the tenant whose data it holds
 * @param requestedBy who asked for it
 * @param scope the whole tenant or one user
 * @param format the output format
 * @param status where it stands
 * @param counts documents written per logical collection (empty until it ran)
 * @param bytes bytes written
 * @param requestedAt when it was requested
 * @param startedAt when it started running, or null
 * @param completedAt when it completed or failed, or null
 * @param expiresAt until when a stored file is offered for download (completed exports), or null
 * @param error why it failed, or null
 * @param location where the output was stored ({@code gridfs:<id>} or {@code file:<path>}), or null when it went to a
 *     caller's stream
 * @since 0.1
 */
public record DataExport(String id, TenantId tenant, String requestedBy, ExportScope scope, ExportFormat format,
                         ExportStatus status, Map<String, Long> counts, long bytes, Instant requestedAt,
                         @Nullable Instant startedAt, @Nullable Instant completedAt, @Nullable Instant expiresAt,
                         @Nullable String error, @Nullable String location) {

    /** The version of the stored document format this library writes. */
    public static final int FORMAT_VERSION = 1;

    /** Copies the counts, keeping their order. */
    public DataExport {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(requestedAt, "requestedAt");
        counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
    }

    /** Documents written in all. */
    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
