package dev.tenantry.collection.internal;

import com.mongodb.client.model.IndexOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/** Index keys that lead with the tenant field, and index names that stay the ones users know. Not API. */
public final class IndexKeys {

    private IndexKeys() {
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
        IndexOptions out = copy(options);
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

    private static IndexOptions copy(IndexOptions in) {
        IndexOptions out = new IndexOptions()
                .background(in.isBackground())
                .unique(in.isUnique())
                .sparse(in.isSparse())
                .hidden(in.isHidden())
                .name(in.getName())
                .version(in.getVersion())
                .weights(in.getWeights())
                .defaultLanguage(in.getDefaultLanguage())
                .languageOverride(in.getLanguageOverride())
                .textVersion(in.getTextVersion())
                .sphereVersion(in.getSphereVersion())
                .bits(in.getBits())
                .min(in.getMin())
                .max(in.getMax())
                .storageEngine(in.getStorageEngine())
                .partialFilterExpression(in.getPartialFilterExpression())
                .collation(in.getCollation())
                .wildcardProjection(in.getWildcardProjection());
        Long expireAfter = in.getExpireAfter(TimeUnit.SECONDS);
        if (expireAfter != null) {
            out.expireAfter(expireAfter, TimeUnit.SECONDS);
        }
        return out;
    }
}
