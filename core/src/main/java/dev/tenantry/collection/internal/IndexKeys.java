package dev.tenantry.collection.internal;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/** Index keys that lead with the tenant field, and index names that stay the ones users know. Not API. */
public final class IndexKeys {

    /** Renders index keys and options as the driver does when it is given no document class. */
    private static final Renderer DEFAULT = new Renderer(BsonDocument.class,
            MongoClientSettings.getDefaultCodecRegistry());

    private IndexKeys() {
    }

    /**
     * The index a tenant-scoped collection creates for {@code keys} and {@code options} (private copies; the options
     * are completed in place): keys lead with the tenant field, so {@code unique} means unique per tenant; a unique
     * index of a soft-delete collection ends with the deletion key, so deleted documents do not block live ones; a
     * TTL index keeps its single key (MongoDB expires documents only through single-field indexes); the name is the
     * given one, else the driver's name for the keys as given.
     *
     * @param deletionKey the soft-delete policy's deletion key field, or null
     * @throws IllegalArgumentException if the keys are empty, or a TTL index has more than one key or is unique (a
     *     unique single-field index could not be unique per tenant)
     */
    public static IndexModel scoped(String field, @Nullable String deletionKey, BsonDocument keys,
                                    IndexOptions options) {
        complete(keys, options);
        if (options.getExpireAfter(TimeUnit.SECONDS) != null) {
            return new IndexModel(keys, options);
        }
        BsonDocument leading = tenantLeading(field, keys, options);
        if (deletionKey != null && options.isUnique()) {
            // unique among live documents: they all lack the deletion key, each deleted one has its own
            leading.put(deletionKey, new BsonInt32(1));
        }
        return new IndexModel(leading, options);
    }

    /**
     * {@code keys} and {@code options} as a declaration holds them: private copies (rendered with the driver's default
     * codec registry), the name filled in, checked as {@link #scoped} will check them.
     *
     * @throws IllegalArgumentException as {@link #scoped} does
     */
    public static IndexModel declared(Bson keys, IndexOptions options) {
        BsonDocument given = PlainBson.render(keys, BsonDocument.class, DEFAULT.registry());
        IndexOptions copy = privateCopy(options);
        complete(given, copy);
        return new IndexModel(given, copy);
    }

    /** Checks {@code keys} and {@code options} and names the index if it has no name. */
    private static void complete(BsonDocument keys, IndexOptions options) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("index keys must name at least one field");
        }
        if (options.getName() == null) {
            options.name(defaultName(keys));
        }
        if (options.getExpireAfter(TimeUnit.SECONDS) != null && (keys.size() != 1 || options.isUnique())) {
            throw new IllegalArgumentException("TTL index '" + options.getName() + "' must have exactly one key and "
                    + "not be unique: MongoDB expires documents only through single-field indexes, which cannot lead "
                    + "with the tenant field, so a unique one would be unique across tenants; was " + keys.toJson()
                    + (options.isUnique() ? ", unique" : ""));
        }
    }

    /** A private copy of {@code model}: its keys and every {@code Bson} of its options copied. */
    public static IndexModel privateCopy(IndexModel model) {
        return new IndexModel(PlainBson.render(model.getKeys(), BsonDocument.class, DEFAULT.registry()),
                privateCopy(model.getOptions()));
    }

    /** A private copy of {@code options}, every {@code Bson} in it rendered into a private document. */
    public static IndexOptions privateCopy(IndexOptions options) {
        return OptionsCopies.index(options, DEFAULT);
    }

    /** Whether {@code model} is a TTL index (its keys are then kept as given, not tenant-leading). */
    public static boolean isTtl(IndexModel model) {
        return model.getOptions().getExpireAfter(TimeUnit.SECONDS) != null;
    }

    /**
     * {@code {<field>: 1, ...keys}}, so uniqueness and lookups are per tenant. A TTL index that is not unique keeps
     * its keys: MongoDB expires documents only through single-field indexes, and expiry reads nobody's data.
     */
    public static BsonDocument tenantLeading(String field, BsonDocument keys, IndexOptions options) {
        if (options.getExpireAfter(TimeUnit.SECONDS) != null && !options.isUnique()) {
            return keys;
        }
        BsonDocument out = new BsonDocument(field, new BsonInt32(1));
        for (Map.Entry<String, BsonValue> key : keys.entrySet()) {
            if (!key.getKey().equals(field)) {
                out.put(key.getKey(), key.getValue());
            }
        }
        return out;
    }

    /** The options with a name: the caller's, else the driver's name for the keys as the caller gave them. */
    public static IndexOptions named(IndexOptions options, BsonDocument keys) {
        IndexOptions out = privateCopy(options);
        if (out.getName() == null) {
            out.name(defaultName(keys));
        }
        return out;
    }

    /** The driver's naming: {@code key_value} pairs joined by {@code _}, e.g. {@code email_1} or {@code a_1_b_-1}. */
    public static String defaultName(BsonDocument keys) {
        StringBuilder name = new StringBuilder();
        for (Map.Entry<String, BsonValue> key : keys.entrySet()) {
            if (name.length() > 0) {
                name.append('_');
            }
            BsonValue value = key.getValue();
            name.append(key.getKey()).append('_').append(value.isNumber() ? String.valueOf(value.asNumber()
                    .intValue()) : value.isString() ? value.asString().getValue() : value.toString());
        }
        return name.toString();
    }
}
