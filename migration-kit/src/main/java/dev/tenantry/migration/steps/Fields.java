package dev.tenantry.migration.steps;

import com.mongodb.MongoClientSettings;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.codecs.configuration.CodecConfigurationException;
import org.jspecify.annotations.Nullable;

/** Field names checked at the API edge, values read by dotted path, and numbers compared as MongoDB does. */
final class Fields {

    private Fields() {
    }

    /**
     * {@code name} if it is a usable field path: not empty, no segment empty or starting with {@code $}, no NUL.
     *
     * @throws IllegalArgumentException naming {@code what} and the bad value otherwise
     */
    static String check(String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must be a non-empty field name without NUL, was '" + name
                    + "'");
        }
        for (String segment : name.split("\\.", -1)) {
            if (segment.isEmpty() || segment.startsWith("$")) {
                throw new IllegalArgumentException(what + " must be a field path whose parts are not empty and do"
                        + " not start with '$', was '" + name + "'");
            }
        }
        return name;
    }

    /**
     * {@code value} as BSON, encoded with the driver's default codecs (so a {@code String}, {@code Date},
     * {@code Instant}, number, {@code ObjectId}, {@code Document} or {@code BsonValue} all work).
     *
     * @throws IllegalArgumentException naming {@code what} if the default codecs cannot encode it
     */
    static BsonValue bson(String what, @Nullable Object value) {
        if (value == null) {
            return BsonNull.VALUE;
        }
        if (value instanceof BsonValue bson) {
            return bson;
        }
        try {
            return Objects.requireNonNull(new Document("v", value).toBsonDocument(BsonDocument.class,
                    MongoClientSettings.getDefaultCodecRegistry()).get("v"), "v");
        } catch (CodecConfigurationException e) {
            throw new IllegalArgumentException(what + " must be a value the driver's default codecs encode, was a "
                    + value.getClass().getName(), e);
        }
    }
}
