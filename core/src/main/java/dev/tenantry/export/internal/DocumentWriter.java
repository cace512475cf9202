package dev.tenantry.export.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SequenceWriter;
import dev.tenantry.ExportFormat;
import dev.tenantry.internal.RecordWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.jspecify.annotations.Nullable;

/**
 * Writes exported documents from their raw BSON straight into Jackson's streaming generators (JSON, NDJSON) or
 * jackson-dataformat-csv (CSV), without building a document tree: memory stays constant however many documents pass.
 * Values are written as relaxed MongoDB Extended JSON; fields whose name is secret are skipped at every depth. Not
 * thread-safe; closing finishes the document and flushes, leaving the stream open.
 */
public final class DocumentWriter implements Closeable {

    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED)
            .build();
    private static final long YEAR_10000 = 253_402_300_800_000L;
    /** The last CSV column: the fields of a document that have no column of their own, as one JSON object. */
    public static final String OTHER_FIELDS = "$other";

    private final ExportFormat format;
    private final Set<String> secrets;
    private final @Nullable JsonGenerator json;
    private final @Nullable SequenceWriter csv;
    private final Map<String, Integer> columns = new HashMap<>();
    private final int width;
    private final int minSecret;
    private final int maxSecret;

    /**
     * Starts the output.
     *
     * @param format the format
     * @param out where to write; stays open
     * @param secrets lower-case field names never written
     * @param header the export's description (tenant, scope, time), written at the top of JSON output
     * @param csvColumns for CSV, the top-level fields to give columns (after {@code collection}; a last column,
     *     {@value #OTHER_FIELDS}, holds any other field as JSON, so nothing is lost); ignored otherwise
     */
    public DocumentWriter(ExportFormat format, OutputStream out, Set<String> secrets, BsonDocument header,
                          List<String> csvColumns) {
        this.format = format;
        this.secrets = secrets;
        this.width = csvColumns.size() + 2;
        this.minSecret = secrets.stream().mapToInt(String::length).min().orElse(Integer.MAX_VALUE);
        this.maxSecret = secrets.stream().mapToInt(String::length).max().orElse(0);
        try {
            if (format == ExportFormat.CSV) {
                List<String> names = new ArrayList<>(width);
                names.add("collection");
                for (int i = 0; i < csvColumns.size(); i++) {
                    names.add(csvColumns.get(i));
                    columns.put(csvColumns.get(i), i + 1);
                }
                names.add(OTHER_FIELDS);
                this.csv = RecordWriter.csv(names, out);
                this.json = null;
                return;
            }
            JsonGenerator generator = RecordWriter.json(out);
            if (format == ExportFormat.JSON) {
                generator.writeStartObject();
                writeHeader(header, generator);
                generator.writeFieldName("collections");
                generator.writeStartObject();
            } else {
                generator.setRootValueSeparator(new SerializedString("\n"));
            }
            this.json = generator;
            this.csv = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header's fields, into the object {@code g} has open. */
    private void writeHeader(BsonDocument header, JsonGenerator g) throws IOException {
        ByteBuffer buffer = new RawBsonDocument(header, new BsonDocumentCodec()).getByteBuffer().asNIO();
        writeMembers(buffer.array(), buffer.arrayOffset() + buffer.position(), g, false);
    }

    /** The generator of the JSON formats (CSV writes with its own writer). */
    private JsonGenerator json() {
        return Objects.requireNonNull(json, "a JSON format's generator");
    }

    /** Starts a collection's documents (JSON only needs it; harmless otherwise). */
    public void startCollection(String name) {
        if (format == ExportFormat.JSON) {
            try {
                json().writeFieldName(name);
                json().writeStartArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Ends the collection started last. */
    public void endCollection() {
        if (format == ExportFormat.JSON) {
            try {
                json().writeEndArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes one document of {@code collection}. */
    public void write(String collection, RawBsonDocument document) {
        ByteBuffer buffer = document.getByteBuffer().asNIO();
        byte[] b = buffer.array();
        int off = buffer.arrayOffset() + buffer.position();
        try {
            if (csv != null) {
                csv.write(row(collection, b, off));
                return;
            }
            JsonGenerator g = json();
            if (format == ExportFormat.NDJSON) {
                g.writeStartObject();
                g.writeStringField("collection", collection);
                g.writeFieldName("document");
                writeDocument(b, off, g, false);
                g.writeEndObject();
            } else {
                writeDocument(b, off, g, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object[] row(String collection, byte[] b, int off) throws IOException {
        Object[] row = new Object[width];
        row[0] = collection;
        ByteArrayOutputStream other = null;
        JsonGenerator others = null;
        int end = off + int32(b, off) - 1;
        int p = off + 4;
        while (p < end) {
            byte type = b[p++];
            int nameEnd = cstringEnd(b, p);
            String name = name(b, p, nameEnd);
            p = nameEnd + 1;
            if (isSecret(name)) {
                p = skip(type, b, p);
                continue;
            }
            Integer column = columns.get(name);
            if (column == null) {
                if (others == null) {
                    other = new ByteArrayOutputStream();
                    others = RecordWriter.json(other);
                    others.writeStartObject();
                }
                others.writeFieldName(name);
                p = writeValue(type, b, p, others, off, name);
            } else if (type == STRING) {
                int length = int32(b, p);
                row[column] = RecordWriter.escapeCell(new String(b, p + 4, length - 1, StandardCharsets.UTF_8));
                p += 4 + length;
            } else if (type == INT32 || type == INT64 || type == BOOLEAN || type == NULL) { // JSON as it is
                row[column] = type == INT32 ? Integer.toString(int32(b, p)) : type == INT64
                        ? Long.toString(int64(b, p)) : type == BOOLEAN ? Boolean.toString(b[p] != 0) : "null";
                p = skip(type, b, p);
            } else {
                ByteArrayOutputStream cell = new ByteArrayOutputStream();
                try (JsonGenerator g = RecordWriter.json(cell)) {
                    p = writeValue(type, b, p, g, off, name);
                }
                row[column] = cell.toString(StandardCharsets.UTF_8);
            }
        }
        if (others != null && other != null) { // set together
            others.writeEndObject();
            others.close();
            row[width - 1] = other.toString(StandardCharsets.UTF_8);
        }
        return row;
    }

    // ---------------------------------------------------------------- BSON, walked byte by byte
    //
    // The driver's BsonBinaryReader keeps a context per level and decodes every name into a String it then throws
    // away; walking the bytes directly writes strings from their UTF-8 bytes and costs a fraction of it, which is
    // most of an export's own CPU time. Rare types are rendered by the driver (see writeValue).

    private static final byte DOUBLE = 0x01;
    private static final byte STRING = 0x02;
    private static final byte DOCUMENT = 0x03;
    private static final byte ARRAY = 0x04;
    private static final byte BINARY = 0x05;
    private static final byte OBJECT_ID = 0x07;
    private static final byte BOOLEAN = 0x08;
    private static final byte DATE_TIME = 0x09;
    private static final byte NULL = 0x0A;
    private static final byte INT32 = 0x10;
    private static final byte TIMESTAMP = 0x11;
    private static final byte INT64 = 0x12;
    private static final byte CODE_WITH_SCOPE = 0x0F;
    private static final byte DECIMAL128 = 0x13;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Writes the document (or array) at {@code off} and returns the offset after it. */
    private int writeDocument(byte[] b, int off, JsonGenerator g, boolean array) throws IOException {
        if (array) {
            g.writeStartArray();
        } else {
            g.writeStartObject();
        }
        int after = writeMembers(b, off, g, array);
        if (array) {
            g.writeEndArray();
        } else {
            g.writeEndObject();
        }
        return after;
    }

    /** Writes the members of the document (or array) at {@code off} and returns the offset after it. */
    private int writeMembers(byte[] b, int off, JsonGenerator g, boolean array) throws IOException {
        int end = off + int32(b, off) - 1;
        int p = off + 4;
        while (p < end) {
            byte type = b[p++];
            int nameEnd = cstringEnd(b, p);
            if (array) { // the name is the index, needed only to hand a rare value to the driver
                p = writeValue(type, b, nameEnd + 1, g, off, common(type) ? null : name(b, p, nameEnd));
                continue;
            }
            String name = name(b, p, nameEnd);
            p = nameEnd + 1;
            if (isSecret(name)) {
                p = skip(type, b, p);
                continue;
            }
            g.writeFieldName(name);
            p = writeValue(type, b, p, g, off, name);
        }
        return end + 1;
    }

    /**
     * Writes the value of {@code type} at {@code p} and returns the offset after it; {@code container} and {@code
     * name} locate it for the driver when the type is a rare one.
     */
    private int writeValue(byte type, byte[] b, int p, JsonGenerator g, int container, @Nullable String name)
            throws IOException {
        switch (type) {
            case DOUBLE -> {
                double d = Double.longBitsToDouble(int64(b, p));
                if (Double.isFinite(d)) {
                    g.writeNumber(d);
                } else {
                    wrapped(g, "$numberDouble", Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                }
                return p + 8;
            }
            case STRING -> {
                int length = int32(b, p);
                g.writeUTF8String(b, p + 4, length - 1);
                return p + 4 + length;
            }
            case DOCUMENT -> {
                return writeDocument(b, p, g, false);
            }
            case ARRAY -> {
                return writeDocument(b, p, g, true);
            }
            case BINARY -> {
                int length = int32(b, p);
                g.writeStartObject();
                g.writeFieldName("$binary");
                g.writeStartObject();
                g.writeStringField("base64", Base64.getEncoder().encodeToString(
                        java.util.Arrays.copyOfRange(b, p + 5, p + 5 + length)));
                g.writeStringField("subType", String.format("%02x", b[p + 4]));
                g.writeEndObject();
                g.writeEndObject();
                return p + 5 + length;
            }
            case OBJECT_ID -> {
                char[] hex = new char[24];
                for (int i = 0; i < 12; i++) {
                    hex[2 * i] = HEX[(b[p + i] >> 4) & 0xF];
                    hex[2 * i + 1] = HEX[b[p + i] & 0xF];
                }
                g.writeStartObject();
                g.writeFieldName("$oid");
                g.writeString(hex, 0, 24);
                g.writeEndObject();
                return p + 12;
            }
            case BOOLEAN -> {
                g.writeBoolean(b[p] != 0);
                return p + 1;
            }
            case DATE_TIME -> {
                long millis = int64(b, p);
                if (millis >= 0 && millis < YEAR_10000) {
                    wrapped(g, "$date", Instant.ofEpochMilli(millis).toString());
                } else {
                    g.writeStartObject();
                    g.writeFieldName("$date");
                    g.writeStartObject();
                    g.writeStringField("$numberLong", Long.toString(millis));
                    g.writeEndObject();
                    g.writeEndObject();
                }
                return p + 8;
            }
            case NULL -> {
                g.writeNull();
                return p;
            }
            case INT32 -> {
                g.writeNumber(int32(b, p));
                return p + 4;
            }
            case TIMESTAMP -> {
                g.writeStartObject();
                g.writeFieldName("$timestamp");
                g.writeStartObject();
                g.writeNumberField("t", Integer.toUnsignedLong(int32(b, p + 4)));
                g.writeNumberField("i", Integer.toUnsignedLong(int32(b, p)));
                g.writeEndObject();
                g.writeEndObject();
                return p + 8;
            }
            case INT64 -> {
                g.writeNumber(int64(b, p));
                return p + 8;
            }
            case DECIMAL128 -> {
                wrapped(g, "$numberDecimal", Decimal128.fromIEEE754BIDEncoding(int64(b, p + 8), int64(b, p))
                        .toString());
                return p + 16;
            }
            case CODE_WITH_SCOPE -> { // a container too: its scope is a document, redacted like any other
                int codeLength = int32(b, p + 4);
                g.writeStartObject();
                g.writeFieldName("$code");
                g.writeUTF8String(b, p + 8, codeLength - 1);
                g.writeFieldName("$scope");
                writeDocument(b, p + 8 + codeLength, g, false);
                g.writeEndObject();
                return p + int32(b, p);
            }
            default -> { // rare types, none a container (regex, code, symbol, min/max key...): as the driver renders them
                BsonValue value = new RawBsonDocument(b, container, int32(b, container))
                        .get(Objects.requireNonNull(name));
                String rendered = new BsonDocument("v", value).toJson(RELAXED);
                g.writeRawValue(rendered.substring(rendered.indexOf(':') + 1, rendered.lastIndexOf('}')).trim());
                return skip(type, b, p);
            }
        }
    }

    /**
     * Whether {@link #writeValue} writes values of {@code type} itself, without the driver: every container type
     * (document, array, code with scope) is among them, so secret fields are found inside each.
     */
    private static boolean common(byte type) {
        return type >= DOUBLE && type <= BINARY || type >= OBJECT_ID && type <= NULL || type == CODE_WITH_SCOPE
                || type >= INT32 && type <= DECIMAL128;
    }

    /** The offset after the value of {@code type} at {@code p}. */
    private static int skip(byte type, byte[] b, int p) {
        return switch (type) {
            case DOUBLE, DATE_TIME, TIMESTAMP, INT64 -> p + 8;
            case STRING, 0x0D, 0x0E -> p + 4 + int32(b, p);
            case DOCUMENT, ARRAY, CODE_WITH_SCOPE -> p + int32(b, p);
            case BINARY -> p + 5 + int32(b, p);
            case OBJECT_ID -> p + 12;
            case BOOLEAN -> p + 1;
            case INT32 -> p + 4;
            case DECIMAL128 -> p + 16;
            case 0x0B -> cstringEnd(b, cstringEnd(b, p) + 1) + 1; // regex: pattern and options
            case 0x0C -> p + 4 + int32(b, p) + 12; // DBPointer: string and ObjectId
            default -> p; // null, undefined, min key, max key
        };
    }

    private boolean isSecret(String name) {
        return name.length() >= minSecret && name.length() <= maxSecret
                && secrets.contains(name.toLowerCase(Locale.ROOT));
    }

    private static String name(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    private static int cstringEnd(byte[] b, int p) {
        while (b[p] != 0) {
            p++;
        }
        return p;
    }

    private static int int32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    private static long int64(byte[] b, int p) {
        return (int32(b, p) & 0xFFFFFFFFL) | (long) int32(b, p + 4) << 32;
    }

    private static void wrapped(JsonGenerator g, String key, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField(key, value);
        g.writeEndObject();
    }

    /** Finishes the output (closing brackets, final newline) and flushes; the stream stays open. */
    @Override
    public void close() {
        try {
            if (csv != null) {
                csv.close();
                return;
            }
            JsonGenerator g = json();
            if (format == ExportFormat.JSON) {
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeRaw('\n');
            g.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
