package dev.tenantry.migration.internal;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/** Reading values out of BSON documents the way the server compares them. Not API. */
public final class BsonValues {

    private static final double TWO_TO_63 = 0x1p63;

    private BsonValues() {
    }

    /** The {@code _id} of a document read from a collection, which every stored document has. */
    public static BsonValue id(BsonDocument document) {
        return Objects.requireNonNull(document.get("_id"), "a stored document's _id");
    }

    /** The value at dotted {@code path} in {@code document}, or null when missing (arrays are not traversed). */
    public static @Nullable BsonValue get(BsonDocument document, String path) {
        BsonValue current = document;
        for (String segment : path.split("\\.")) {
            if (current == null || !current.isDocument()) {
                return null;
            }
            current = current.asDocument().get(segment);
        }
        return current;
    }

    /** Whether {@code value} is missing or BSON null, which MongoDB's {@code {field: null}} matches alike. */
    @Contract("null -> true")
    public static boolean isNull(@Nullable BsonValue value) {
        return value == null || value.isNull();
    }

    /**
     * {@code value} in a form whose {@code equals} agrees with MongoDB's equality for keys: integral numbers (int32,
     * int64, whole doubles) become int64, so {@code 1}, {@code 1L} and {@code 1.0} are one key as they are one
     * {@code _id} to the server.
     */
    public static BsonValue normal(BsonValue value) {
        switch (value.getBsonType()) {
            case INT32:
                return new BsonInt64(value.asInt32().getValue());
            case DOUBLE:
                double d = value.asDouble().getValue();
                return d == Math.rint(d) && Math.abs(d) < TWO_TO_63 ? new BsonInt64((long) d) : value;
            default:
                return value;
        }
    }

    /**
     * A digest of {@code value} as the server compares it ({@link #normal normal} form): the hex of the first 16
     * bytes of the SHA-256 of the BSON document {@code {v: value}}. Lets a ledger prove that a value still exists
     * elsewhere without keeping a copy of it.
     */
    public static String digest(BsonValue value) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        sha.update(new org.bson.RawBsonDocument(new BsonDocument("v", normal(value)),
                new org.bson.codecs.BsonDocumentCodec()).getByteBuffer().asNIO());
        return java.util.HexFormat.of().formatHex(java.util.Arrays.copyOf(sha.digest(), 16));
    }

    /** {@code value} for people: {@code ObjectId("...")}, {@code "text"}, {@code 42}, or extended JSON. */
    public static String show(@Nullable BsonValue value) {
        if (value == null) {
            return "(missing)";
        }
        switch (value.getBsonType()) {
            case OBJECT_ID:
                return "ObjectId(\"" + value.asObjectId().getValue().toHexString() + "\")";
            case STRING:
                return "\"" + value.asString().getValue() + "\"";
            case INT32:
                return String.valueOf(value.asInt32().getValue());
            case INT64:
                return String.valueOf(value.asInt64().getValue());
            default:
                String json = new BsonDocument("v", value).toJson(); // {"v": <value>}
                return json.substring("{\"v\": ".length(), json.length() - 1);
        }
    }

    /** {@code values} for people, each {@link #show(BsonValue) shown}, in brackets. */
    public static String show(List<BsonValue> values) {
        return values.stream().map(BsonValues::show).collect(Collectors.joining(", ", "[", "]"));
    }
}
