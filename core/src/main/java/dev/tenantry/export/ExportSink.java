package dev.tenantry.export;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an export's output goes: a caller's stream (e.g. an HTTP response), a file, or GridFS, where it waits to be
 * downloaded until it expires.
 *
 * <p>A file is written under a temporary name beside it and moved into place only once complete, and a GridFS upload
 * is aborted on failure, so a failed export never leaves a half file that looks complete. A caller's stream is the
 * caller's: it is flushed, never closed, and on failure holds what was written so far.
 *
 * <p>Immutable and thread-safe to hand over; each sink is written by one export at a time.
 *
 * @since 0.1
 */
public sealed interface ExportSink {

    /** To {@code out}, which stays open. */
    static ExportSink to(OutputStream out) {
        return new Stream(Objects.requireNonNull(out, "out"));
    }

    /** To {@code file}, replaced only once the export is complete. */
    static ExportSink file(Path file) {
        return new File(Objects.requireNonNull(file, "file"));
    }

    /** To the export service's GridFS bucket, for {@link DataExports#download} until the export expires. */
    static ExportSink gridFs() {
        return new GridFs();
    }

    /**
     * A caller's stream.
     *
     * <p>Immutable; the stream is the caller's, written by one export at a time.
     *
     * @param out the stream
     */
    record Stream(OutputStream out) implements ExportSink {
    }

    /**
     * A file.
     *
     * <p>Immutable and thread-safe.
     *
     * @param path the file
     */
    record File(Path path) implements ExportSink {
    }

    /**
     * The service's GridFS bucket.
     *
     * <p>Immutable and thread-safe.
     */
    record GridFs() implements ExportSink {
    }
}
