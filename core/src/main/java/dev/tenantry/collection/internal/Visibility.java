package dev.tenantry.collection.internal;

import dev.tenantry.collection.SoftDelete;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.jspecify.annotations.Nullable;

/** Which documents of a soft-delete collection a view sees. */
enum Visibility {
    /** Live documents only: the default. */
    LIVE,
    /** Live and deleted ones ({@code withDeleted()}). */
    ALL,
    /** Deleted ones only ({@code onlyDeleted()}). */
    DELETED;

    /** The filter of the documents this view sees beyond the tenant; null when it sees all (or nothing is deleted). */
    @Nullable BsonDocument seen(@Nullable SoftDelete policy) {
        if (policy == null || this == ALL) {
            return null;
        }
        return new BsonDocument(policy.deletedAtField(), this == LIVE ? BsonNull.VALUE
                : new BsonDocument("$ne", BsonNull.VALUE));
    }
}
