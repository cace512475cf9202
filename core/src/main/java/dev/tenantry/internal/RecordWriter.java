package dev.tenantry.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.SequenceWriter;
import dev.tenantry.ExportFormat;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Streams flat records (fixed columns of text, numbers or nulls) as JSON, NDJSON or CSV, one record at a time, so
 * exports run in constant memory. CSV cells that a spreadsheet would evaluate ({@code = + - @}, tab, carriage
 * return at the start) are prefixed with {@code '} so an opened export never runs a formula. Not thread-safe; closing
 * it finishes the document but leaves the stream open. Its static helpers start the Jackson writers every export
 * (audit log, data export) writes with, so they all close and escape the same way. Not API.
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
                this.csv = csv(columns, out);
                this.json = null;
            } else {
                JsonGenerator generator = json(out);
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
    public void write(@Nullable Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("a record has " + columns.size() + " values, was " + values.length);
        }
        try {
            if (csv != null) {
                Object[] cells = new Object[values.length];
                for (int i = 0; i < values.length; i++) {
                    cells[i] = values[i] instanceof String ? escapeCell((String) values[i]) : values[i];
                }
                csv.write(cells);
                return;
            }
            JsonGenerator generator = Objects.requireNonNull(json, "json");
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

    /**
     * A CSV writer of rows ({@code Object[]}) under a header of {@code columns}, leaving {@code out} open when
     * closed.
     */
    public static SequenceWriter csv(List<String> columns, OutputStream out) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        columns.forEach(schema::addColumn);
        return CSV.writerFor(Object[].class).with(schema.build()).without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValues(out);
    }

    /** A UTF-8 JSON generator on {@code out}, leaving it open when closed. */
    public static JsonGenerator json(OutputStream out) throws IOException {
        JsonGenerator generator = JSON.createGenerator(out, JsonEncoding.UTF8);
        generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return generator;
    }

    /**
     * A CSV cell made safe to open in a spreadsheet: a cell starting with {@code = + - @}, tab or carriage return
     * (or a {@code '} already, so escaping stays reversible) gets a leading {@code '}.
     */
    public static String escapeCell(String cell) {
        if (cell.isEmpty()) {
            return cell;
        }
        char first = cell.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                || first == '\'' ? "'" + cell : cell;
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
                JsonGenerator generator = Objects.requireNonNull(json, "json");
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
