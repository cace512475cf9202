package dev.tenantry.audit;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of audit entries, newest first.
 *
 * <p>Immutable and thread-safe.
 *
 * @param entries the entries on this page
 * @param nextCursor pass to {@link AuditQuery#after(String)} for the next page; null on the last page
 * @since 0.1
 */
public record AuditPage(List<AuditEntry> entries, @Nullable String nextCursor) {

    /** Copies the list. */
    public AuditPage {
        entries = List.copyOf(entries);
    }

    /** The cursor of the next page, empty on the last page. */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }
}
