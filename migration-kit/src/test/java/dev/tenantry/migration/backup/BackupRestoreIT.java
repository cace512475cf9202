package dev.tenantry.migration.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import dev.tenantry.testing.MongoTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup to a mongorestore-readable directory, and restore from it to exactly what was there. */
@MongoTest
class BackupRestoreIT {

    private final MongoDatabase database;

    BackupRestoreIT(MongoDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void seed() {
        database.drop();
        List<Document> users = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            users.add(new Document("_id", new ObjectId()).append("email", "u" + i + "@example.com")
                    .append("role", i % 10 == 0 ? "owner" : "customer").append("since", new Date(1_700_000_000_000L + i))
                    .append("profile", new Document("phone", "555-" + i).append("tags", List.of("a", i))));
        }
        database.getCollection("users").insertMany(users);
        database.getCollection("users").createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        database.getCollection("bookings").insertMany(List.of(new Document("_id", 1).append("userId", "x"),
                new Document("_id", 2).append("userId", "y")));
        database.getCollection("bookings").createIndex(Indexes.compoundIndex(Indexes.ascending("userId"),
                Indexes.descending("_id")), new IndexOptions().name("by_user"));
        database.getCollection("notBackedUp").insertOne(new Document("_id", "keep"));
    }

    private Map<String, Object> snapshot(String collection) {
        List<BsonDocument> documents = database.getCollection(collection, BsonDocument.class).find()
                .sort(new Document("_id", 1)).into(new ArrayList<>());
        List<String> indexes = new ArrayList<>();
        for (Document index : database.getCollection(collection).listIndexes()) {
            indexes.add(index.getString("name") + " " + index.get("key", Document.class).toJson() + " unique="
                    + index.getBoolean("unique", false));
        }
        indexes.sort(null);
        return Map.of("documents", documents, "indexes", indexes);
    }

    @Test
    void restoreGivesBackIdenticalDocumentsAndIndexesAndDropsWhatWasCreatedSince(@TempDir Path dir)
            throws IOException {
        Map<String, Object> users = snapshot("users");
        Map<String, Object> bookings = snapshot("bookings");

        BackupManifest manifest = Backup.of(database).collections("users", "bookings").to(dir);
        assertEquals(Map.of("users", 2500L, "bookings", 2L), manifest.collections());

        // what a migration might do
        database.getCollection("users").updateMany(Filters.eq("role", "customer"), Updates.unset("profile"));
        database.getCollection("users").deleteMany(Filters.eq("role", "owner"));
        database.getCollection("bookings").dropIndex("by_user");
        database.getCollection("bookings").createIndex(Indexes.ascending("customerId"));
        database.getCollection("bookings").insertOne(new Document("_id", 3));
        database.getCollection("customers").insertOne(new Document("_id", "new"));
        database.getCollection("notBackedUp").insertOne(new Document("_id", "added"));

        RestoreReport report = Restore.from(dir).into(database);
        assertEquals(Map.of("users", 2500L, "bookings", 2L), report.restored());
        assertEquals(List.of("customers"), report.dropped());
        assertEquals(users, snapshot("users"));
        assertEquals(bookings, snapshot("bookings"));
        assertFalse(database.listCollectionNames().into(new ArrayList<>()).contains("customers"));
        assertEquals(2, database.getCollection("notBackedUp").countDocuments(), "a collection left out of the "
                + "backup is left alone");
    }

    @Test
    void theLayoutIsTheOneMongorestoreReads(@TempDir Path dir) throws IOException {
        Backup.of(database).collections("bookings").to(dir);
        Path db = dir.resolve(database.getName());
        try (Stream<Path> files = Files.list(db)) {
            assertEquals(List.of("bookings.bson", "bookings.metadata.json", Backup.MANIFEST),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        byte[] bson = Files.readAllBytes(db.resolve("bookings.bson"));
        int first = (bson[0] & 0xFF) | (bson[1] & 0xFF) << 8 | (bson[2] & 0xFF) << 16 | (bson[3] & 0xFF) << 24;
        assertTrue(first < bson.length, "documents are concatenated BSON");
        BsonDocument metadata = BsonDocument.parse(Files.readString(db.resolve("bookings.metadata.json"),
                StandardCharsets.UTF_8));
        assertEquals("bookings", metadata.getString("collectionName").getValue());
        assertTrue(Files.readString(db.resolve("bookings.metadata.json")).contains("{\"$numberInt\": \"1\"}"),
                "canonical Extended JSON");
        assertEquals(2, metadata.getArray("indexes").size());
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Backup.of(database).collections("users", "nope").to(dir));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
        Map<String, Object> users = snapshot("users");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Restore.from(dir).into(database));
        assertTrue(none.getMessage().contains("no backup"), none.getMessage());

        Backup.of(database).collections("users").to(dir);
        Files.delete(dir.resolve(database.getName()).resolve("users.bson"));
        IllegalArgumentException incomplete = assertThrows(IllegalArgumentException.class,
                () -> Restore.from(dir).into(database));
        assertTrue(incomplete.getMessage().contains("users.bson"), incomplete.getMessage());
        assertEquals(users, snapshot("users"), "a refused restore changes nothing");
    }
}
