package dev.tenantry.collection.internal;

import com.mongodb.client.model.Collation;
import dev.tenantry.TenantId;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The filter of an iterable built for one tenant (find, distinct): the caller's filter, rendered once when it is set
 * into a private copy, confined to the tenant, and made collation-immune when a collation is set. Like the driver's
 * iterables, not thread-safe.
 */
final class IterableFilter {

    private final Renderer renderer;
    private final String field;
    private final TenantId tenant;
    private final @Nullable BsonDocument also;
    /** The private copy of the caller's filter, or null. */
    private @Nullable BsonDocument filter;
    private boolean exact;

    /** {@code filter} is a private copy already; {@code also} is what the view sees beyond the tenant, or null. */
    IterableFilter(Renderer renderer, String field, TenantId tenant, @Nullable BsonDocument also,
                   @Nullable BsonDocument filter) {
        this.renderer = renderer;
        this.field = field;
        this.tenant = tenant;
        this.also = also;
        this.filter = filter;
    }

    /** The filter to send, as it stands. */
    BsonDocument scoped() {
        return TenantFilter.scope(field, tenant.value(), filter, exact, also);
    }

    /** Takes the caller's new filter (rendered now); returns the filter to send. */
    BsonDocument filter(@Nullable Bson given) {
        this.filter = renderer.renderOrNull(given);
        return scoped();
    }

    /** Takes a collation (or its removal); returns the filter to send. */
    BsonDocument collation(@Nullable Collation collation) {
        this.exact = collation != null;
        return scoped();
    }
}
