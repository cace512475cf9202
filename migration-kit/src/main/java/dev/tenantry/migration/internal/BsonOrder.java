package dev.tenantry.migration.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.jspecify.annotations.Nullable;

/**
 * MongoDB's order of BSON values across types: the type brackets of the server's sort order (MinKey, null, numbers,
 * strings and symbols, documents, arrays, binary data, ObjectIds, booleans, dates, timestamps, regular expressions,
 * DBPointers, JavaScript, JavaScript with scope, MaxKey), which {@code $gt} and {@code $lt} do not cross: on a real
 * server {@code {_id: {$gt: "m"}}} matches strings only. Not API.
 */
public final class BsonOrder {

    /** A type bracket, in the server's sort order; {@code $gt} compares only within one. */
    public enum Bracket {
        MIN_KEY("minKey", "minKey"),
        NULL("null", "null"),
        NUMBER("number", "double", "int", "long", "decimal"),
        STRING("string", "string"),
        OBJECT("object", "object"),
        ARRAY("array", "array"),
        BINARY("binData", "binData"),
        OBJECT_ID("objectId", "objectId"),
        BOOLEAN("bool", "bool"),
        DATE("date", "date"),
        TIMESTAMP("timestamp", "timestamp"),
        REGEX("regex", "regex"),
        /** DBPointer, JavaScript and JavaScript with scope: deprecated types with no portable {@code $type} alias. */
        DEPRECATED("deprecated"),
        MAX_KEY("maxKey", "maxKey");

        private final String storedName;
        private final List<String> aliases;

        Bracket(String storedName, String... aliases) {
            this.storedName = storedName;
            this.aliases = List.of(aliases);
        }

        /**
         * The {@code $type} aliases of this bracket that every server accepts (the embedded test server knows no
         * alias of the deprecated types, {@code "symbol"} included).
         */
        public List<String> aliases() {
            return aliases;
        }

        /** The bracket's name in checkpoints, e.g. {@code "objectId"}. */
        public String storedName() {
            return storedName;
        }

        /** The bracket whose {@link #storedName()} is {@code name}, or null if none is. */
        public static @Nullable Bracket ofStoredName(String name) {
            for (Bracket b : values()) {
                if (b.storedName.equals(name)) {
                    return b;
                }
            }
            return null;
        }
    }

    private static final Map<BsonType, Bracket> BRACKETS = new EnumMap<>(BsonType.class);

    static {
        BRACKETS.put(BsonType.MIN_KEY, Bracket.MIN_KEY);
        BRACKETS.put(BsonType.UNDEFINED, Bracket.NULL);
        BRACKETS.put(BsonType.NULL, Bracket.NULL);
        for (BsonType t : List.of(BsonType.DOUBLE, BsonType.INT32, BsonType.INT64, BsonType.DECIMAL128)) {
            BRACKETS.put(t, Bracket.NUMBER);
        }
        BRACKETS.put(BsonType.STRING, Bracket.STRING);
        BRACKETS.put(BsonType.SYMBOL, Bracket.STRING);
        BRACKETS.put(BsonType.DOCUMENT, Bracket.OBJECT);
        BRACKETS.put(BsonType.ARRAY, Bracket.ARRAY);
        BRACKETS.put(BsonType.BINARY, Bracket.BINARY);
        BRACKETS.put(BsonType.OBJECT_ID, Bracket.OBJECT_ID);
        BRACKETS.put(BsonType.BOOLEAN, Bracket.BOOLEAN);
        BRACKETS.put(BsonType.DATE_TIME, Bracket.DATE);
        BRACKETS.put(BsonType.TIMESTAMP, Bracket.TIMESTAMP);
        BRACKETS.put(BsonType.REGULAR_EXPRESSION, Bracket.REGEX);
        BRACKETS.put(BsonType.DB_POINTER, Bracket.DEPRECATED);
        BRACKETS.put(BsonType.JAVASCRIPT, Bracket.DEPRECATED);
        BRACKETS.put(BsonType.JAVASCRIPT_WITH_SCOPE, Bracket.DEPRECATED);
        BRACKETS.put(BsonType.MAX_KEY, Bracket.MAX_KEY);
    }

    private BsonOrder() {
    }

    /**
     * The bracket of {@code type}.
     *
     * @throws IllegalArgumentException for {@link BsonType#END_OF_DOCUMENT}, which is no value
     */
    public static Bracket bracket(BsonType type) {
        Bracket b = BRACKETS.get(type);
        if (b == null) {
            throw new IllegalArgumentException("no BSON value has type " + type);
        }
        return b;
    }

    /** The bracket of {@code value}. */
    public static Bracket bracket(BsonValue value) {
        return bracket(value.getBsonType());
    }

    /**
     * Whether {@code type} has a {@code $type} alias every server accepts, so that a query can name its bracket;
     * false for symbols, {@code undefined} and the deprecated types.
     */
    public static boolean portable(BsonType type) {
        return switch (type) {
            case SYMBOL, UNDEFINED, DB_POINTER, JAVASCRIPT, JAVASCRIPT_WITH_SCOPE -> false;
            default -> BRACKETS.containsKey(type);
        };
    }

    /** Every portable {@code $type} alias of the brackets after {@code bracket}, in order. */
    public static List<String> aliasesAfter(Bracket bracket) {
        List<String> out = new ArrayList<>();
        for (Bracket b : Bracket.values()) {
            if (b.ordinal() > bracket.ordinal()) {
                out.addAll(b.aliases());
            }
        }
        return out;
    }

    /** Every portable {@code $type} alias. */
    public static List<String> allAliases() {
        List<String> out = new ArrayList<>();
        Arrays.stream(Bracket.values()).forEach(b -> out.addAll(b.aliases()));
        return out;
    }

    /** {@code {<field>: {$type: [aliases]}}}. */
    public static BsonDocument typeIn(String field, List<String> aliases) {
        BsonArray types = new BsonArray();
        aliases.forEach(a -> types.add(new BsonString(a)));
        return new BsonDocument(field, new BsonDocument("$type", types));
    }

    /**
     * A total order of BSON values close to the server's: by bracket, then within the common brackets by value
     * (numbers numerically, strings by code point, ObjectIds, dates, booleans and timestamps by value, binary data by
     * length, subtype and bytes); other values by their extended JSON. For deterministic choices, not for paging.
     */
    public static Comparator<BsonValue> comparator() {
        return BsonOrder::compare;
    }

    private static int compare(BsonValue a, BsonValue b) {
        int byBracket = Integer.compare(bracket(a).ordinal(), bracket(b).ordinal());
        if (byBracket != 0) {
            return byBracket;
        }
        switch (bracket(a)) {
            case NUMBER:
                return number(a).compareTo(number(b));
            case STRING:
                return string(a).compareTo(string(b));
            case OBJECT_ID:
                return a.asObjectId().getValue().compareTo(b.asObjectId().getValue());
            case BOOLEAN:
                return Boolean.compare(a.asBoolean().getValue(), b.asBoolean().getValue());
            case DATE:
                return Long.compare(a.asDateTime().getValue(), b.asDateTime().getValue());
            case TIMESTAMP:
                return a.asTimestamp().compareTo(b.asTimestamp());
            case BINARY:
                return binary(a.asBinary(), b.asBinary());
            default:
                return json(a).compareTo(json(b));
        }
    }

    private static java.math.BigDecimal number(BsonValue v) {
        switch (v.getBsonType()) {
            case INT32:
                return java.math.BigDecimal.valueOf(v.asInt32().getValue());
            case INT64:
                return java.math.BigDecimal.valueOf(v.asInt64().getValue());
            case DECIMAL128:
                Decimal128 d = v.asDecimal128().getValue();
                return d.isNaN() || d.isInfinite() ? nonFinite(d.isNaN() ? Double.NaN
                        : d.isNegative() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : d.bigDecimalValue();
            default:
                double x = v.asDouble().getValue();
                return Double.isFinite(x) ? java.math.BigDecimal.valueOf(x) : nonFinite(x);
        }
    }

    /** NaN below every number, then -infinity, and +infinity above them, as the server sorts. */
    private static java.math.BigDecimal nonFinite(double x) {
        java.math.BigDecimal huge = java.math.BigDecimal.TEN.pow(7000);
        return Double.isNaN(x) ? huge.negate().subtract(java.math.BigDecimal.ONE)
                : x < 0 ? huge.negate() : huge;
    }

    private static String string(BsonValue v) {
        return v.isSymbol() ? v.asSymbol().getSymbol() : v.asString().getValue();
    }

    private static int binary(BsonBinary a, BsonBinary b) {
        int byLength = Integer.compare(a.getData().length, b.getData().length);
        if (byLength != 0) {
            return byLength;
        }
        int bySubtype = Integer.compare(a.getType() & 0xFF, b.getType() & 0xFF);
        return bySubtype != 0 ? bySubtype : Arrays.compareUnsigned(a.getData(), b.getData());
    }

    private static String json(BsonValue v) {
        return new BsonDocument("v", v).toJson();
    }
}
