package dev.tenantry.export.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.SequenceWriter;
import dev.tenantry.export.ExportFormat;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Streams flat records (fixed columns of text, numbers or nulls) as JSON, NDJSON or CSV, one record at a time, so
 * exports run in constant memory. CSV cells that a spreadsheet would evaluate ({@code = + - @}, tab, carriage
 * return at the start) are prefixed with {@code '} so an opened export never runs a formula. Not thread-safe; closing
 * it finishes the document but leaves the stream open.
 */
public final class RecordWriter implements Closeable {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final CsvMapper CSV = new CsvMapper();

    private final ExportFormat format;
    private final List<String> columns;
    private final @Nullable JsonGenerator json;
    private final @Nullable SequenceWriter csv;

    /** Starts a document with {@code columns} in {@code format} on {@code out}. */
    public RecordWriter(ExportFormat format, List<String> columns, OutputStream out) {
        this.format = format;
        this.columns = List.copyOf(columns);
        try {
            if (format == ExportFormat.CSV) {
                CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
                columns.forEach(schema::addColumn);
                this.csv = CSV.writerFor(Object[].class).with(schema.build())
                        .without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                        .writeValues(out);
                this.json = null;
            } else {
                JsonGenerator generator = JSON.createGenerator(out, JsonEncoding.UTF8);
                generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                if (format == ExportFormat.JSON) {
                    generator.writeStartArray();
                } else {
                    generator.setRootValueSeparator(new SerializedString("\n"));
                }
                this.json = generator;
                this.csv = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes one record; {@code values} line up with the columns (String, Long, Integer or null).
     *
     * @throws IllegalArgumentException if the number of values differs from the number of columns
     */
    public void write(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("a record has " + columns.size() + " values, was " + values.length);
        }
        try {
            if (csv != null) {
                Object[] cells = new Object[values.length];
                for (int i = 0; i < values.length; i++) {
                    cells[i] = values[i] instanceof String ? DocumentWriter.escapeCell((String) values[i]) : values[i];
                }
                csv.write(cells);
                return;
            }
            JsonGenerator generator = json;
            generator.writeStartObject();
            for (int i = 0; i < values.length; i++) {
                Object value = values[i];
                if (value == null) {
                    continue;
                }
                generator.writeFieldName(columns.get(i));
                if (value instanceof Number) {
                    generator.writeNumber(((Number) value).longValue());
                } else {
                    generator.writeString(value.toString());
                }
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The format being written. */
    public ExportFormat format() {
        return format;
    }

    /** Finishes the document (closing bracket, final newline) and flushes; the stream stays open. */
    @Override
    public void close() {
        try {
            if (csv != null) {
                csv.close();
            } else {
                JsonGenerator generator = json;
                if (format == ExportFormat.JSON) {
                    generator.writeEndArray();
                }
                generator.writeRaw('\n');
                generator.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
