package dev.tenantry.export.internal;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSBuckets;
import com.mongodb.client.gridfs.GridFSUploadStream;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import dev.tenantry.export.DataExport;
import dev.tenantry.export.ExportSink;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * Where exports are written: the sinks opened, committed or aborted, and the partial output they leave while they
 * run, described in a small document ({@code {gridfs: <id>}} or {@code {file: <path>}}) the export's record keeps
 * until the output is complete or removed, so that whoever finds the export stalled can remove it.
 */
final class ExportTargets {

    private static final String GRIDFS = "gridfs";
    private static final String FILE = "file";

    private final MongoDatabase database;
    private final String bucketName;
    private final GridFSBucket bucket;
    private final String tenantField;

    ExportTargets(MongoDatabase database, String bucketName, String tenantField) {
        this.database = database;
        this.bucketName = bucketName;
        this.bucket = GridFSBuckets.create(database, bucketName);
        this.tenantField = tenantField;
    }

    GridFSBucket bucket() {
        return bucket;
    }

    /** An opened sink: its stream, where its partial output is, then exactly one of commit or abort. */
    interface Target {
        OutputStream stream();

        /** Where partial output is while it is written ({@code {gridfs: id}}, {@code {file: path}}), or null. */
        @Nullable BsonDocument partial();

        /** Completes the output; returns where it was stored ({@code gridfs:<id>}, {@code file:<path>}) or null. */
        @Nullable String commit() throws IOException;

        /**
         * Removes what was written.
         *
         * @throws RuntimeException if it could not (the partial output is then still where {@link #partial} says)
         */
        void abort();
    }

    /**
     * Opens {@code sink} for {@code export}.
     *
     * @throws UncheckedIOException if a file cannot be created (a missing folder, no permission)
     */
    Target open(ExportSink sink, DataExport export) {
        String fileName = "export-" + export.tenant() + "-" + export.id() + "." + export.format().extension();
        if (sink instanceof ExportSink.Stream s) {
            return stream(s.out());
        }
        if (sink instanceof ExportSink.File f) {
            try {
                return file(f.path().toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException("could not open the export's output file " + f.path(), e);
            }
        }
        GridFSUploadStream upload = bucket.openUploadStream(fileName, new GridFSUploadOptions()
                .metadata(new org.bson.Document(tenantField, export.tenant().value()).append("exportId", export.id())
                        .append("contentType", export.format().mediaType())));
        return new Target() {
            @Override
            public OutputStream stream() {
                return upload;
            }

            @Override
            public BsonDocument partial() {
                return new BsonDocument(GRIDFS, new BsonObjectId(upload.getObjectId()));
            }

            @Override
            public String commit() {
                upload.close();
                return "gridfs:" + upload.getObjectId().toHexString();
            }

            @Override
            public void abort() {
                upload.abort();
            }
        };
    }

    private static Target stream(OutputStream caller) {
        OutputStream out = new FilterOutputStream(caller) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the caller's stream stays open
            }
        };
        return new Target() {
            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public @Nullable BsonDocument partial() {
                return null; // the caller's stream: what was written is the caller's
            }

            @Override
            public @Nullable String commit() throws IOException {
                out.flush();
                return null;
            }

            @Override
            public void abort() {
            }
        };
    }

    private static Target file(Path path) throws IOException {
        Path part = Files.createTempFile(path.getParent(), path.getFileName() + ".", ".part");
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16);
        return new Target() {
            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public BsonDocument partial() {
                return new BsonDocument(FILE, new BsonString(part.toString()));
            }

            @Override
            public String commit() throws IOException {
                out.close();
                try {
                    Files.move(part, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(part, path, StandardCopyOption.REPLACE_EXISTING);
                }
                return "file:" + path;
            }

            @Override
            public void abort() {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the partial file is deleted next
                }
                try {
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not delete the partial export file " + part, e);
                }
            }
        };
    }

    /**
     * Removes the partial output {@code partial} describes (GridFS chunks, and a files document if one was written;
     * a temporary file, from this host's file system). Removing what is already gone succeeds.
     *
     * @throws com.mongodb.MongoException if MongoDB cannot be reached
     * @throws UncheckedIOException if the file cannot be deleted
     */
    void remove(BsonDocument partial) {
        BsonValue gridFs = partial.get(GRIDFS);
        if (gridFs != null) {
            database.getCollection(bucketName + ".chunks").deleteMany(new BsonDocument("files_id", gridFs));
            database.getCollection(bucketName + ".files").deleteOne(new BsonDocument("_id", gridFs));
        }
        BsonValue file = partial.get(FILE);
        if (file != null && file.isString()) {
            try {
                Files.deleteIfExists(Path.of(file.asString().getValue()));
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete the partial export file " + file.asString()
                        .getValue(), e);
            }
        }
    }

    /** Removes a completed export's stored output ({@code gridfs:<id>} or {@code file:<path>}). */
    void removeStored(String location) {
        if (location.startsWith("gridfs:")) {
            remove(new BsonDocument(GRIDFS, new BsonObjectId(new ObjectId(location.substring("gridfs:".length())))));
        } else if (location.startsWith("file:")) {
            remove(new BsonDocument(FILE, new BsonString(location.substring("file:".length()))));
        }
    }
}
