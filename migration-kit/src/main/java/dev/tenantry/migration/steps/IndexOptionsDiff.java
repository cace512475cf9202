package dev.tenantry.migration.steps;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.IndexOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/** How an existing index (as {@code listIndexes} describes it) differs from wanted options, and option copies. */
final class IndexOptionsDiff {

    private IndexOptionsDiff() {
    }

    /** The differences, e.g. {@code "unique: false, wanted true"}; empty when the options agree. */
    static String of(BsonDocument existing, IndexOptions wanted) {
        List<String> out = new ArrayList<>();
        boolean unique = existing.getBoolean("unique", BsonBoolean.FALSE).getValue();
        if (unique != wanted.isUnique()) {
            out.add("unique: " + unique + ", wanted " + wanted.isUnique());
        }
        boolean sparse = existing.getBoolean("sparse", BsonBoolean.FALSE).getValue();
        if (sparse != wanted.isSparse()) {
            out.add("sparse: " + sparse + ", wanted " + wanted.isSparse());
        }
        BsonValue partial = existing.get("partialFilterExpression");
        BsonDocument wantedPartial = bson(wanted.getPartialFilterExpression());
        if (!Objects.equals(partial, wantedPartial)) {
            out.add("partialFilterExpression: " + partial + ", wanted " + wantedPartial);
        }
        BsonValue ttl = existing.get("expireAfterSeconds");
        Long existingTtl = ttl == null || !ttl.isNumber() ? null : ttl.asNumber().longValue();
        Long wantedTtl = wanted.getExpireAfter(TimeUnit.SECONDS);
        if (!Objects.equals(existingTtl, wantedTtl)) {
            out.add("expireAfterSeconds: " + existingTtl + ", wanted " + wantedTtl);
        }
        return String.join(", ", out);
    }

    private static @Nullable BsonDocument bson(@Nullable Bson value) {
        return value == null ? null : value.toBsonDocument(BsonDocument.class,
                MongoClientSettings.getDefaultCodecRegistry());
    }
}
