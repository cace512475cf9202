package dev.tenantry.collection;

import com.mongodb.client.model.IndexModel;
import dev.tenantry.collection.internal.IndexKeys;
import java.util.Objects;
import org.bson.BsonDocument;

/**
 * The index rule of tenant-scoped collections, for code that creates indexes without one (a migration preparing a
 * collection, a deployment script): keys lead with the tenant field, so {@code unique} means unique per tenant, and
 * the index keeps the name the keys as given would have. {@link TenantCollection#createIndex} applies the same rule.
 *
 * <p>A TTL index that is not unique keeps its keys: MongoDB expires documents only through single-field indexes, and
 * expiry reads nobody's data.
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class TenantIndexes {

    private TenantIndexes() {
    }

    /**
     * {@code index} with {@code tenantField} leading its keys and a name (the given one, else the driver's name for
     * the keys as given, e.g. {@code email_1}).
     *
     * @throws IllegalArgumentException if {@code tenantField} is empty
     */
    public static IndexModel tenantLeading(String tenantField, IndexModel index) {
        Objects.requireNonNull(tenantField, "tenantField");
        Objects.requireNonNull(index, "index");
        if (tenantField.isEmpty()) {
            throw new IllegalArgumentException("tenantField must not be empty");
        }
        BsonDocument keys = index.getKeys().toBsonDocument();
        return new IndexModel(IndexKeys.tenantLeading(tenantField, keys, index.getOptions()),
                IndexKeys.named(index.getOptions(), keys));
    }
}
