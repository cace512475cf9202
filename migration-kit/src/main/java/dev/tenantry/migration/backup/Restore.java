package dev.tenantry.migration.backup;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.InsertManyOptions;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@link Backup} back: every backed-up collection is dropped and re-created with its options, documents and
 * indexes, and every collection created since the backup (not in the manifest's list of what existed then) is
 * dropped, so the database is as it was. This is the rollback both seeds prescribe.
 *
 * <pre>{@code
 * RestoreReport report = Restore.from(Path.of("backup")).into(database);
 * }</pre>
 *
 * <p>Documents are read from the {@code .bson} file one at a time and inserted in bounded batches; memory stays
 * constant. The backup is checked in full before anything is dropped.
 *
 * <p>Immutable and thread-safe once created; a restore runs on the calling thread, and two restores into one database
 * at once are not supported.
 *
 * @since 0.1
 */
public final class Restore {

    private static final Logger LOG = LoggerFactory.getLogger(Restore.class);
    private static final int BATCH_DOCUMENTS = 1000;
    private static final int BATCH_BYTES = 8 << 20;
    private static final int MAX_DOCUMENT = 16 << 20;

    private final Path dir;

    private Restore(Path dir) {
        this.dir = dir;
    }

    /** A restore from the backup directory {@code dir} (the one given to {@link Backup#to}). */
    public static Restore from(Path dir) {
        return new Restore(Objects.requireNonNull(dir, "dir"));
    }

    /**
     * Restores into {@code database}, which must be the database backed up.
     *
     * @throws IllegalArgumentException if the directory holds no backup of this database, or a file is missing
     *     (nothing is changed)
     * @throws UncheckedIOException if a file cannot be read
     */
    public RestoreReport into(MongoDatabase database) {
        Objects.requireNonNull(database, "database");
        Path in = dir.resolve(database.getName());
        Path manifestFile = in.resolve(Backup.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException("no backup of database '" + database.getName() + "' in " + dir
                    + " (missing " + manifestFile + ")");
        }
        try {
            BsonDocument manifest = BsonDocument.parse(Files.readString(manifestFile, StandardCharsets.UTF_8));
            List<String> backedUp = new ArrayList<>(manifest.getDocument("collections").keySet());
            for (String name : backedUp) {
                for (Path file : List.of(in.resolve(name + ".bson"), in.resolve(name + ".metadata.json"))) {
                    if (!Files.isRegularFile(file)) {
                        throw new IllegalArgumentException("the backup in " + in + " is incomplete: " + file
                                + " is missing");
                    }
                }
            }
            List<String> existedThen = new ArrayList<>();
            manifest.getArray("existing").forEach(v -> existedThen.add(v.asString().getValue()));
            List<String> dropped = new ArrayList<>();
            for (String name : database.listCollectionNames()) {
                if (!name.startsWith("system.") && !existedThen.contains(name)) {
                    database.getCollection(name).drop();
                    dropped.add(name);
                    LOG.info("restore of {}: dropped {}, created after the backup", database.getName(), name);
                }
            }
            Map<String, Long> restored = new LinkedHashMap<>();
            for (String name : backedUp) {
                restored.put(name, restore(database, name, in));
            }
            return new RestoreReport(database.getName(), restored, dropped);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the backup in " + in, e);
        }
    }

    private static long restore(MongoDatabase database, String name, Path in) throws IOException {
        BsonDocument metadata = BsonDocument.parse(Files.readString(in.resolve(name + ".metadata.json"),
                StandardCharsets.UTF_8));
        MongoCollection<RawBsonDocument> collection = database.getCollection(name, RawBsonDocument.class);
        collection.drop();
        BsonDocument create = new BsonDocument("create", new BsonString(name));
        metadata.getDocument("options", new BsonDocument()).forEach(create::append);
        database.runCommand(create);

        long n = 0;
        List<RawBsonDocument> batch = new ArrayList<>();
        int batchBytes = 0;
        try (InputStream file = new BufferedInputStream(Files.newInputStream(in.resolve(name + ".bson")), 1 << 16)) {
            for (RawBsonDocument document = next(file); document != null; document = next(file)) {
                batch.add(document);
                batchBytes += document.getByteBuffer().remaining();
                if (batch.size() == BATCH_DOCUMENTS || batchBytes >= BATCH_BYTES) {
                    collection.insertMany(batch, new InsertManyOptions().ordered(true));
                    n += batch.size();
                    batch.clear();
                    batchBytes = 0;
                }
            }
        }
        if (!batch.isEmpty()) {
            collection.insertMany(batch);
            n += batch.size();
        }

        BsonArray indexes = new BsonArray();
        for (BsonValue index : metadata.getArray("indexes", new BsonArray())) {
            BsonDocument spec = index.asDocument().clone();
            if ("_id_".equals(spec.getString("name", new BsonString("")).getValue())) {
                continue;
            }
            spec.remove("v");
            spec.remove("ns");
            indexes.add(spec);
        }
        if (!indexes.isEmpty()) {
            database.runCommand(new BsonDocument("createIndexes", new BsonString(name)).append("indexes", indexes));
        }
        LOG.info("restore of {}.{}: {} documents, {} indexes", database.getName(), name, n, indexes.size() + 1);
        return n;
    }

    /** The next document of a {@code .bson} file, or null at its end. */
    private static @Nullable RawBsonDocument next(InputStream in) throws IOException {
        byte[] size = in.readNBytes(4);
        if (size.length == 0) {
            return null;
        }
        if (size.length < 4) {
            throw new EOFException("a .bson file ends inside a document's length");
        }
        int length = (size[0] & 0xFF) | (size[1] & 0xFF) << 8 | (size[2] & 0xFF) << 16 | (size[3] & 0xFF) << 24;
        if (length < 5 || length > MAX_DOCUMENT) {
            throw new IOException("a .bson file holds a document of impossible length " + length);
        }
        byte[] bytes = new byte[length];
        System.arraycopy(size, 0, bytes, 0, 4);
        if (in.readNBytes(bytes, 4, length - 4) != length - 4) {
            throw new EOFException("a .bson file ends inside a document");
        }
        return new RawBsonDocument(bytes);
    }
}
