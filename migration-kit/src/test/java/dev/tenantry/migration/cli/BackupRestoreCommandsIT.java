package dev.tenantry.migration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backup and restore through the command line, against the fixture's server. */
@MongoTest
class BackupRestoreCommandsIT {

    private final MongoDatabase database;
    private final String uri;

    @TempDir
    Path dir;

    BackupRestoreCommandsIT(MongoDatabase database, MongoBackend backend) {
        this.database = database;
        this.uri = backend.connectionString().getConnectionString();
    }

    @BeforeEach
    void seed() {
        for (String name : database.listCollectionNames()) {
            database.getCollection(name).drop();
        }
        MongoCollection<Document> users = database.getCollection("users");
        users.insertMany(List.of(new Document("_id", 1).append("email", "a@example.com"),
                new Document("_id", 2).append("email", "b@example.com")));
        users.createIndex(Indexes.ascending("email"));
        database.getCollection("bookings").insertOne(new Document("_id", "b1").append("user", 1));
    }

    private CliRun run(Terminal terminal, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--uri", uri, "--database", database.getName()));
        return CliRun.run(Map.of(), terminal, all.toArray(String[]::new));
    }

    private CliRun backup() {
        CliRun run = run(Terminal.NONE, "backup", "--out", dir.toString());
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        return run;
    }

    /** Changes the data after the backup: a document gone, one edited, a collection created. */
    private void damage() {
        database.getCollection("users").deleteOne(Filters.eq("_id", 2));
        database.getCollection("bookings").updateOne(Filters.eq("_id", "b1"),
                new Document("$set", new Document("user", 99)));
        database.getCollection("customers").insertOne(new Document("_id", "c1"));
    }

    private TreeSet<String> collections() {
        return database.listCollectionNames().into(new TreeSet<>());
    }

    @Test
    void backupWritesEveryCollectionByDefault() {
        CliRun run = backup();
        assertTrue(run.out().startsWith("Backed up 2 collections (3 documents) of " + database.getName()), run.out());
        assertTrue(run.out().contains("  users: 2"), run.out());
        assertTrue(run.out().contains("  bookings: 1"), run.out());
        assertTrue(Files.isRegularFile(dir.resolve(database.getName()).resolve("users.bson")));
    }

    @Test
    void backupOfNamedCollectionsOnly() {
        CliRun run = run(Terminal.NONE, "backup", "--out", dir.toString(), "--collection", "users");
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Backed up 1 collections (2 documents)"), run.out());
        assertFalse(Files.exists(dir.resolve(database.getName()).resolve("bookings.bson")));
    }

    @Test
    void backupOfAMissingCollectionIsAUsageError() {
        CliRun run = run(Terminal.NONE, "backup", "--out", dir.toString(), "--collection", "nope");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: cannot back up collection 'nope'"), run.err());
    }

    @Test
    void backupThenRestoreWithYesPutsTheDataBack() {
        backup();
        damage();
        CliRun run = run(Terminal.NONE, "restore", "--from", dir.toString(), "--yes");
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        assertTrue(run.out().contains("  users: 2"), run.out());
        assertTrue(run.out().contains("Dropped, created after the backup: customers"), run.out());
        assertEquals(new TreeSet<>(List.of("bookings", "users")), collections());
        assertEquals(2, database.getCollection("users").countDocuments());
        assertEquals(1, database.getCollection("bookings").find(Filters.eq("user", 1)).first().getInteger("user"));
        assertTrue(database.getCollection("users").listIndexes().into(new ArrayList<>()).stream()
                .anyMatch(i -> i.get("key", Document.class).containsKey("email")), "indexes restored too");
    }

    @Test
    void restoreWithoutYesAndNoTerminalRefusesAndChangesNothing() {
        backup();
        damage();
        CliRun run = run(Terminal.NONE, "restore", "--from", dir.toString());
        assertEquals(TenantryMigrate.EXIT_REFUSED, run.exitCode(), run.toString());
        assertEquals("error: refusing to restore database " + database.getName() + " without confirmation: restore "
                + "drops and re-creates collections. Pass --yes to confirm" + System.lineSeparator(), run.err());
        assertEquals(new TreeSet<>(List.of("bookings", "customers", "users")), collections(), "nothing changed");
        assertEquals(1, database.getCollection("users").countDocuments());
    }

    @Test
    void restoreAsksAtATerminalAndGoesOnWhenTheAnswerIsYes() {
        backup();
        damage();
        AtomicReference<String> asked = new AtomicReference<>();
        CliRun run = run(answering("yes", asked), "restore", "--from", dir.toString());
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        assertTrue(asked.get().startsWith("Restore database " + database.getName() + " on "), asked.get());
        assertTrue(asked.get().endsWith("Type yes to go on: "), asked.get());
        assertEquals(2, database.getCollection("users").countDocuments());
    }

    @Test
    void restoreAtATerminalStopsOnAnyOtherAnswer() {
        backup();
        damage();
        CliRun run = run(answering("y", new AtomicReference<>()), "restore", "--from", dir.toString());
        assertEquals(TenantryMigrate.EXIT_REFUSED, run.exitCode(), run.toString());
        assertTrue(run.err().contains("not confirmed; nothing changed"), run.err());
        assertEquals(1, database.getCollection("users").countDocuments());
    }

    private static Terminal answering(String answer, AtomicReference<String> asked) {
        return new Terminal() {
            @Override
            public boolean interactive() {
                return true;
            }

            @Override
            public @Nullable String readLine(String prompt) {
                asked.set(prompt);
                return answer;
            }
        };
    }
}
