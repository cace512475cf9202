package dev.tenantry.migration.backup;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes chosen collections of a database to {@code <dir>/<database>/}, as {@code mongodump} does: one {@code
 * <collection>.bson} (the documents, as stored) and one {@code <collection>.metadata.json} (indexes and options, in
 * canonical Extended JSON) per collection, so both {@code mongorestore} and {@link Restore} read it back. A manifest,
 * {@value #MANIFEST}, also lists every collection the database held at backup time, so a restore can drop the ones a
 * migration created since.
 *
 * <pre>{@code
 * BackupManifest manifest = Backup.of(database).collections("users", "bookings").to(Path.of("backup"));
 * }</pre>
 *
 * <p>Documents stream from the cursor to the file; memory stays constant. Progress is logged per collection.
 *
 * <p>Not thread-safe while it is configured; configure and run one backup on one thread. Backups of different databases
 * may run side by side.
 *
 * @since 0.1
 */
public final class Backup {

    /** The manifest file written beside the collections. */
    public static final String MANIFEST = "tenantry-backup.json";
    static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private static final Logger LOG = LoggerFactory.getLogger(Backup.class);

    private final MongoDatabase database;
    private final List<String> collections = new ArrayList<>();

    private Backup(MongoDatabase database) {
        this.database = database;
    }

    /** A backup of {@code database}; name the collections next (none named: all of them). */
    public static Backup of(MongoDatabase database) {
        return new Backup(Objects.requireNonNull(database, "database"));
    }

    /** Backs up these collections (all of them if none is ever named). */
    public Backup collections(String... names) {
        for (String name : names) {
            collections.add(Objects.requireNonNull(name, "collection name"));
        }
        return this;
    }

    /**
     * Writes the backup under {@code dir}.
     *
     * @throws IllegalArgumentException if a named collection does not exist (nothing is written)
     * @throws UncheckedIOException if the files cannot be written
     */
    public BackupManifest to(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Map<String, BsonDocument> existing = new LinkedHashMap<>();
        for (BsonDocument info : database.listCollections(BsonDocument.class)) {
            String name = info.getString("name").getValue();
            if (!name.startsWith("system.")) {
                existing.put(name, info);
            }
        }
        List<String> chosen = collections.isEmpty() ? new ArrayList<>(existing.keySet()) : collections;
        for (String name : chosen) {
            if (!existing.containsKey(name)) {
                throw new IllegalArgumentException("cannot back up collection '" + name + "': database '"
                        + database.getName() + "' has no such collection; it has " + existing.keySet());
            }
        }
        Path out = dir.resolve(database.getName());
        Map<String, Long> counts = new LinkedHashMap<>();
        try {
            Files.createDirectories(out);
            for (String name : chosen) {
                counts.put(name, write(name, Objects.requireNonNull(existing.get(name), name), out)); // checked
            }
            BsonArray all = new BsonArray();
            existing.keySet().forEach(n -> all.add(new BsonString(n)));
            BsonDocument backedUp = new BsonDocument();
            counts.forEach((n, c) -> backedUp.append(n, new BsonInt64(c)));
            BsonDocument manifest = new BsonDocument("database", new BsonString(database.getName()))
                    .append("collections", backedUp).append("existing", all);
            Files.writeString(out.resolve(MANIFEST), manifest.toJson(CANONICAL), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the backup to " + out, e);
        }
        return new BackupManifest(database.getName(), counts, List.copyOf(existing.keySet()));
    }

    private long write(String name, BsonDocument info, Path out) throws IOException {
        MongoCollection<RawBsonDocument> collection = database.getCollection(name, RawBsonDocument.class);
        long n = 0;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out.resolve(name + ".bson")),
                1 << 16)) {
            for (RawBsonDocument document : collection.find().batchSize(1000)) {
                ByteBuffer bytes = document.getByteBuffer().asNIO();
                file.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                n++;
            }
        }
        BsonArray indexes = new BsonArray();
        for (BsonDocument index : collection.listIndexes(BsonDocument.class)) {
            indexes.add(index);
        }
        BsonDocument metadata = new BsonDocument("indexes", indexes)
                .append("collectionName", new BsonString(name))
                .append("type", info.getString("type", new BsonString("collection")))
                .append("options", info.getDocument("options", new BsonDocument()));
        BsonDocument infoPart = info.getDocument("info", new BsonDocument());
        if (infoPart.containsKey("uuid") && infoPart.get("uuid").isBinary()) {
            StringBuilder hex = new StringBuilder();
            for (byte b : infoPart.getBinary("uuid").getData()) {
                hex.append(String.format("%02x", b));
            }
            metadata.append("uuid", new BsonString(hex.toString()));
        }
        Files.writeString(out.resolve(name + ".metadata.json"), metadata.toJson(CANONICAL), StandardCharsets.UTF_8);
        LOG.info("backup of {}.{}: {} documents, {} indexes", database.getName(), name, n, indexes.size());
        return n;
    }
}
