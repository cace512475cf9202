package dev.tenantry.collection.internal;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDocumentWriter;
import org.bson.BsonValue;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;

/**
 * Makes what Tenantry checks identical to what it sends. A {@code RawBsonDocument} (or a wrapper around a custom
 * codec) can hold a key twice; its map view keeps one of them while its bytes keep both, so a check of the view could
 * pass what the server would then read differently. A plain {@link BsonDocument} cannot hold a key twice.
 */
final class PlainBson {

    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    private PlainBson() {
    }

    /** {@code document} itself if it is plain all the way down, else a plain deep copy (duplicates collapsed). */
    static BsonDocument of(BsonDocument document) {
        if (isPlain(document)) {
            return document;
        }
        BsonDocument copy = new BsonDocument();
        CODEC.encode(new BsonDocumentWriter(copy), document, EncoderContext.builder().build());
        return copy;
    }

    private static boolean isPlain(BsonValue value) {
        if (value instanceof BsonDocument) {
            if (value.getClass() != BsonDocument.class) {
                return false;
            }
            for (BsonValue nested : ((BsonDocument) value).values()) {
                if (!isPlain(nested)) {
                    return false;
                }
            }
        } else if (value instanceof BsonArray) {
            if (value.getClass() != BsonArray.class) {
                return false;
            }
            for (BsonValue nested : (BsonArray) value) {
                if (!isPlain(nested)) {
                    return false;
                }
            }
        }
        return true;
    }
}
