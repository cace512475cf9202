package dev.tenantry.export.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tenantry.export.ExportFormat;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonReader;
import org.bson.BsonTimestamp;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonValueCodec;
import org.bson.codecs.DecoderContext;
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

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final CsvMapper CSV = new CsvMapper();
    private static final BsonValueCodec VALUES = new BsonValueCodec();
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
        try {
            if (format == ExportFormat.CSV) {
                CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).addColumn("collection");
                for (int i = 0; i < csvColumns.size(); i++) {
                    schema.addColumn(csvColumns.get(i));
                    columns.put(csvColumns.get(i), i + 1);
                }
                schema.addColumn(OTHER_FIELDS);
                this.csv = CSV.writerFor(Object[].class).with(schema.build())
                        .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValues(out);
                this.json = null;
                return;
            }
            JsonGenerator generator = JSON.createGenerator(out, JsonEncoding.UTF8);
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (format == ExportFormat.JSON) {
                generator.writeStartObject();
                writeFields(header.asBsonReader(), generator);
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

    /** Starts a collection's documents (JSON only needs it; harmless otherwise). */
    public void startCollection(String name) {
        if (format == ExportFormat.JSON) {
            try {
                json.writeFieldName(name);
                json.writeStartArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Ends the collection started last. */
    public void endCollection() {
        if (format == ExportFormat.JSON) {
            try {
                json.writeEndArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes one document of {@code collection}. */
    public void write(String collection, RawBsonDocument document) {
        try {
            if (csv != null) {
                csv.write(row(collection, document));
                return;
            }
            JsonGenerator g = json;
            if (format == ExportFormat.NDJSON) {
                g.writeStartObject();
                g.writeStringField("collection", collection);
                g.writeFieldName("document");
                writeDocument(document.asBsonReader(), g);
                g.writeEndObject();
            } else {
                writeDocument(document.asBsonReader(), g);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object[] row(String collection, RawBsonDocument document) throws IOException {
        Object[] row = new Object[width];
        row[0] = collection;
        StringWriter other = null;
        JsonGenerator others = null;
        try (BsonReader r = document.asBsonReader()) {
            r.readStartDocument();
            while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
                String name = r.readName();
                if (secrets.contains(name.toLowerCase(Locale.ROOT))) {
                    r.skipValue();
                    continue;
                }
                Integer column = columns.get(name);
                if (column == null) {
                    if (others == null) {
                        other = new StringWriter();
                        others = JSON.createGenerator(other);
                        others.writeStartObject();
                    }
                    others.writeFieldName(name);
                    writeValue(r, others);
                    continue;
                }
                if (r.getCurrentBsonType() == BsonType.STRING) {
                    row[column] = escapeCell(r.readString());
                } else {
                    StringWriter cell = new StringWriter();
                    try (JsonGenerator g = JSON.createGenerator(cell)) {
                        writeValue(r, g);
                    }
                    row[column] = cell.toString();
                }
            }
            r.readEndDocument();
        }
        if (others != null) {
            others.writeEndObject();
            others.close();
            row[width - 1] = other.toString();
        }
        return row;
    }

    /**
     * A CSV cell made safe to open in a spreadsheet: a cell starting with {@code = + - @}, tab or carriage return
     * would run as a formula, so it gets a leading {@code '}; so does one that starts with {@code '} already, so that
     * dropping one leading {@code '} always gives the value back.
     */
    public static String escapeCell(String cell) {
        if (cell.isEmpty()) {
            return cell;
        }
        char first = cell.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                || first == '\'' ? "'" + cell : cell;
    }

    private void writeDocument(BsonReader r, JsonGenerator g) throws IOException {
        r.readStartDocument();
        g.writeStartObject();
        writeRemainingFields(r, g);
        r.readEndDocument();
        g.writeEndObject();
    }

    /** The fields of a document (its start already read) into the object {@code g} has open. */
    private void writeFields(BsonReader r, JsonGenerator g) throws IOException {
        r.readStartDocument();
        writeRemainingFields(r, g);
        r.readEndDocument();
    }

    private void writeRemainingFields(BsonReader r, JsonGenerator g) throws IOException {
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String name = r.readName();
            if (secrets.contains(name.toLowerCase(Locale.ROOT))) {
                r.skipValue();
                continue;
            }
            g.writeFieldName(name);
            writeValue(r, g);
        }
    }

    private void writeValue(BsonReader r, JsonGenerator g) throws IOException {
        BsonType type = r.getCurrentBsonType();
        switch (type) {
            case DOCUMENT -> writeDocument(r, g);
            case ARRAY -> {
                r.readStartArray();
                g.writeStartArray();
                while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
                    writeValue(r, g);
                }
                r.readEndArray();
                g.writeEndArray();
            }
            case STRING -> g.writeString(r.readString());
            case INT32 -> g.writeNumber(r.readInt32());
            case INT64 -> g.writeNumber(r.readInt64());
            case DOUBLE -> {
                double d = r.readDouble();
                if (Double.isFinite(d)) {
                    g.writeNumber(d);
                } else {
                    wrapped(g, "$numberDouble", Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                }
            }
            case BOOLEAN -> g.writeBoolean(r.readBoolean());
            case NULL -> {
                r.readNull();
                g.writeNull();
            }
            case OBJECT_ID -> wrapped(g, "$oid", r.readObjectId().toHexString());
            case DATE_TIME -> {
                long millis = r.readDateTime();
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
            }
            case DECIMAL128 -> wrapped(g, "$numberDecimal", r.readDecimal128().toString());
            case BINARY -> {
                BsonBinary binary = r.readBinaryData();
                g.writeStartObject();
                g.writeFieldName("$binary");
                g.writeStartObject();
                g.writeStringField("base64", Base64.getEncoder().encodeToString(binary.getData()));
                g.writeStringField("subType", String.format("%02x", binary.getType()));
                g.writeEndObject();
                g.writeEndObject();
            }
            case TIMESTAMP -> {
                BsonTimestamp ts = r.readTimestamp();
                g.writeStartObject();
                g.writeFieldName("$timestamp");
                g.writeStartObject();
                g.writeNumberField("t", Integer.toUnsignedLong(ts.getTime()));
                g.writeNumberField("i", Integer.toUnsignedLong(ts.getInc()));
                g.writeEndObject();
                g.writeEndObject();
            }
            default -> { // rare types: as the driver renders them in relaxed Extended JSON
                BsonValue value = VALUES.decode(r, DecoderContext.builder().build());
                String rendered = new BsonDocument("v", value).toJson(RELAXED);
                g.writeRawValue(rendered.substring(rendered.indexOf(':') + 1, rendered.lastIndexOf('}')).trim());
            }
        }
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
            JsonGenerator g = json;
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
