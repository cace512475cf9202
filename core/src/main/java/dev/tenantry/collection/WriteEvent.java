package dev.tenantry.collection;

import dev.tenantry.TenantId;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A write applied through a tenant-scoped collection, as told to its {@link WriteListener}s.
 *
 * <p>One event per document where the operation names it (inserts, filters on {@code _id}, upserts,
 * {@code findOneAnd*}), otherwise one per operation with {@code documentId} null and the summary saying what was
 * matched. Summaries name fields, never values, so secrets in documents stay out of audit logs.
 *
 * <p>Thread-safe to read and share; its BSON values are the driver's mutable types, which nothing here changes and
 * callers must not change either.
 *
 * @param collection the logical collection written to
 * @param tenant the tenant written for
 * @param kind what kind of write
 * @param documentId the document's {@code _id}, or null where the operation does not name one document
 * @param summary what changed (fields set, unset, ...), or null
 * @since 0.1
 */
public record WriteEvent(String collection, TenantId tenant, Kind kind, @Nullable BsonValue documentId,
                         @Nullable String summary) {

    /**
     * What kind of write.
     *
     * <p>Immutable and thread-safe.
     */
    public enum Kind {
        /** A document was inserted (or created by an upsert). */
        INSERT,
        /** Documents were updated. */
        UPDATE,
        /** A document was replaced. */
        REPLACE,
        /** Documents were deleted. */
        DELETE
    }
}
