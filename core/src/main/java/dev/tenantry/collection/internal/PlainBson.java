package dev.tenantry.collection.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDocumentWriter;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonNumber;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.codecs.Encoder;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Makes what Tenantry checks identical to what it sends: every caller-supplied value is read once, when the call is
 * made, into a private copy that nobody else holds; the checks and the command use only that copy.
 *
 * <p>A copy is plain all the way down: every document a {@link BsonDocument} and every array a {@link BsonArray} of
 * exactly those classes, and every leaf an instance of the library's own immutable class (a {@code BsonBinary}'s bytes
 * copied). So nothing in it can change afterwards: not a caller-held document mutated after the call, not a custom
 * {@link Bson} that renders differently each time, not a subclass whose {@code getValue()} answers differently on the
 * second read, and not raw BSON holding a key twice (its map view, read once, is what is both checked and sent).
 *
 * <p>Not API. Thread-safe (stateless).
 */
public final class PlainBson {

    /**
     * The value of {@code document}'s first field: the spec of a pipeline stage or of an operator, which a stage or
     * operator document always has.
     */
    static BsonValue firstValue(BsonDocument document) {
        return Objects.requireNonNull(document.get(document.getFirstKey()), "the first field's value");
    }

    private static final EncoderContext ENCODE = EncoderContext.builder().isEncodingCollectibleDocument(true).build();

    private PlainBson() {
    }

    /**
     * Renders {@code bson} once and returns a private plain copy of the result.
     *
     * @throws NullPointerException if {@code bson} is null or renders to null
     * @throws IllegalArgumentException if it holds a value of a class BSON does not define
     */
    public static BsonDocument render(Bson bson, Class<?> documentClass, CodecRegistry registry) {
        Objects.requireNonNull(bson, "a Bson argument must not be null");
        BsonDocument rendered = bson.toBsonDocument(documentClass, registry);
        if (rendered == null) {
            throw new NullPointerException(bson.getClass().getName() + " rendered to null");
        }
        return copy(rendered);
    }

    /** A private plain deep copy of {@code document}, read once. */
    public static BsonDocument copy(BsonDocument document) {
        BsonDocument out = new BsonDocument();
        for (Map.Entry<String, BsonValue> entry : document.entrySet()) {
            String key = entry.getKey();
            BsonValue value = entry.getValue();
            if (key == null || value == null) {
                throw new NullPointerException("a BSON document holds a null " + (key == null ? "key" : "value at '"
                        + key + "'"));
            }
            out.put(key, copy(value));
        }
        return out;
    }

    /** {@link #copy(BsonDocument)} of each, into a new list. */
    public static List<BsonDocument> copyAll(List<BsonDocument> documents) {
        List<BsonDocument> out = new ArrayList<>(documents.size());
        for (BsonDocument document : documents) {
            out.add(copy(document));
        }
        return out;
    }

    /** A private copy of {@code value}: immutable leaves as they are, everything else copied; null stays null. */
    public static @Nullable BsonValue copyOrNull(@Nullable BsonValue value) {
        return value == null ? null : copy(value);
    }

    /** A private copy of {@code value}: immutable leaves as they are, everything else copied. */
    public static BsonValue copy(BsonValue value) {
        Class<?> type = value.getClass();
        if (type == BsonDocument.class) { // the common cases first
            return copy((BsonDocument) value);
        }
        if (type == BsonString.class || type == BsonInt32.class || type == BsonInt64.class
                || type == BsonDouble.class || type == BsonBoolean.class || type == BsonNull.class
                || type == BsonObjectId.class || type == BsonDateTime.class || type == BsonDecimal128.class
                || type == BsonTimestamp.class || type == BsonRegularExpression.class || type == BsonMinKey.class
                || type == BsonMaxKey.class || type == BsonUndefined.class || type == BsonSymbol.class
                || type == BsonJavaScript.class || type == BsonDbPointer.class) {
            return value; // final fields all the way down: nobody can change it
        }
        if (value instanceof BsonDocument) {
            return copy((BsonDocument) value);
        }
        if (value instanceof BsonArray) {
            BsonArray array = (BsonArray) value;
            BsonArray out = new BsonArray(array.size());
            for (BsonValue element : array) {
                if (element == null) {
                    throw new NullPointerException("a BSON array holds null");
                }
                out.add(copy(element));
            }
            return out;
        }
        return rebuilt(value);
    }

    /** A mutable leaf (binary data, a scope) or a subclass of a leaf class, rebuilt from one read of its parts. */
    private static BsonValue rebuilt(BsonValue value) {
        if (value instanceof BsonBinary) {
            BsonBinary binary = (BsonBinary) value;
            byte[] data = binary.getData();
            return new BsonBinary(binary.getType(), data.clone());
        }
        if (value instanceof BsonString) {
            return new BsonString(((BsonString) value).getValue());
        }
        if (value instanceof BsonJavaScriptWithScope) {
            BsonJavaScriptWithScope js = (BsonJavaScriptWithScope) value;
            return new BsonJavaScriptWithScope(js.getCode(), copy(js.getScope()));
        }
        if (value instanceof BsonDouble) {
            return new BsonDouble(((BsonDouble) value).getValue());
        }
        if (value instanceof BsonObjectId) {
            return new BsonObjectId(((BsonObjectId) value).getValue());
        }
        if (value instanceof BsonDateTime) {
            return new BsonDateTime(((BsonDateTime) value).getValue());
        }
        if (value instanceof BsonJavaScript) {
            return new BsonJavaScript(((BsonJavaScript) value).getCode());
        }
        if (value instanceof BsonSymbol) {
            return new BsonSymbol(((BsonSymbol) value).getSymbol());
        }
        if (value instanceof BsonDbPointer) {
            BsonDbPointer pointer = (BsonDbPointer) value;
            return new BsonDbPointer(pointer.getNamespace(), pointer.getId());
        }
        if (value instanceof BsonNumber) {
            BsonNumber number = (BsonNumber) value;
            switch (number.getBsonType()) {
                case INT32:
                    return new BsonInt32(number.intValue());
                case INT64:
                    return new BsonInt64(number.longValue());
                case DOUBLE:
                    return new BsonDouble(number.doubleValue());
                case DECIMAL128:
                    return new BsonDecimal128(number.decimal128Value());
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("a BSON value of class " + value.getClass().getName() + " ("
                + value.getBsonType() + ") cannot be sent: use the org.bson value classes");
    }

    /**
     * {@code value} encoded by {@code encoder} into a new document that nobody else holds: the encoder's output is
     * read once, and binary data it hands over (a caller's {@code byte[]}) is copied.
     */
    public static <T> BsonDocument encode(Encoder<T> encoder, T value) {
        BsonDocument out = new BsonDocument();
        encoder.encode(new OwningWriter(out), value, ENCODE);
        return out;
    }

    /**
     * Writes into a new document. {@link BsonDocumentWriter} builds new containers and new strings and numbers, but
     * keeps the {@code BsonBinary} (whose bytes are the caller's array) and {@code BsonDbPointer} it is handed; this
     * copies them.
     */
    private static final class OwningWriter extends BsonDocumentWriter {

        OwningWriter(BsonDocument document) {
            super(document);
        }

        @Override
        protected void doWriteBinaryData(BsonBinary value) {
            super.doWriteBinaryData((BsonBinary) rebuilt(value));
        }

        @Override
        protected void doWriteDBPointer(BsonDbPointer value) {
            super.doWriteDBPointer((BsonDbPointer) rebuilt(value));
        }
    }
}
