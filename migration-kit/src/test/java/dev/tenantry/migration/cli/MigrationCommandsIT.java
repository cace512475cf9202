package dev.tenantry.migration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, plan, migrate and verify through the command line, against the fixture's server. */
@MongoTest
class MigrationCommandsIT {

    private static final String HISTORY = "tenantry_migrations";

    private final MongoDatabase database;
    private final String uri;

    MigrationCommandsIT(MongoDatabase database, MongoBackend backend) {
        this.database = database;
        this.uri = backend.connectionString().getConnectionString();
    }

    @BeforeEach
    void dropCollections() {
        for (String name : database.listCollectionNames()) {
            database.getCollection(name).drop();
        }
    }

    /** Runs {@code command} with the server, the database and {@code migrations} after it. */
    private CliRun run(String command, List<String> migrations, String... more) {
        List<String> args = new ArrayList<>(List.of(command, "--uri", uri, "--database", database.getName()));
        migrations.forEach(m -> args.addAll(List.of("--migration", m)));
        args.addAll(List.of(more));
        return CliRun.run(new TenantryMigrate(), args.toArray(String[]::new));
    }

    private static List<String> twoMigrations() {
        return List.of(CliTestMigrations.TAG_USERS, CliTestMigrations.CREATE_USERS);
    }

    @Test
    void statusListsPendingMigrationsInVersionOrder() {
        CliRun run = run("status", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).matches("VERSION +ID +STATE +STARTED +ENDED +COUNTS +FLAGS"), lines.get(0));
        assertTrue(lines.get(1).matches("1 +create-users +PENDING +- +-"), lines.get(1));
        assertTrue(lines.get(2).matches("2 +tag-users +PENDING +- +-"), lines.get(2));
        assertEquals("2 migrations: 2 pending", lines.get(3));
        assertEquals("", run.err());
    }

    @Test
    void planShowsEachPendingMigrationsCountsAndWritesNothing() {
        CliRun run = run("plan", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        assertEquals(String.join(System.lineSeparator(),
                "2 pending migrations (dry run, nothing written):",
                "  1  create-users  creates the users",
                "      users to insert: 3",
                "  2  tag-users  tags the users",
                "      users to tag: 3",
                "      note: it reads users, missing now: the runner refuses it unless an earlier pending migration"
                        + " (create-users) creates them",
                "      note: it runs after pending create-users: its counts are as the database is now, before"
                        + " create-users runs", ""), run.out());
        assertEquals(List.of(), database.listCollectionNames().into(new ArrayList<>()), "nothing written");
    }

    @Test
    void aMigrationReadingCollectionsTheDatabaseLacksIsRefusedWithExitTwoAndNothingIsCreated() {
        database.drop();
        CliRun run = run("migrate", List.of(CliTestMigrations.TAG_USERS));
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("tag-users (version 2) reads users, which database " + database.getName()
                + " does not have"), run.err());
        assertTrue(run.err().contains("--allow-missing-collections"), run.err());
        assertEquals(List.of(), database.listCollectionNames().into(new ArrayList<>()),
                "not even the runner's own collections: nothing was written");

        CliRun plan = run("plan", List.of(CliTestMigrations.TAG_USERS));
        assertEquals(TenantryMigrate.EXIT_OK, plan.exitCode(), plan.toString());
        assertTrue(plan.out().contains("WOULD FAIL: 1 collections it reads are missing"), plan.out());

        CliRun allowed = run("migrate", List.of(CliTestMigrations.TAG_USERS), "--allow-missing-collections");
        assertEquals(TenantryMigrate.EXIT_OK, allowed.exitCode(), allowed.toString());
    }

    @Test
    void migrateRunsPendingMigrationsWithProgressAndRecordsThem() {
        CliRun run = run("migrate", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(1).matches("1 +create-users +EXECUTED +\\S+ +users inserted: 3"), lines.get(1));
        assertTrue(lines.get(2).matches("2 +tag-users +EXECUTED +\\S+ +users tagged: 3"), lines.get(2));
        assertEquals("Executed 2 migrations.", lines.get(3));
        assertTrue(run.err().contains("Migrating " + database.getName() + ": create-users (1), tag-users (2)"),
                run.err());
        assertTrue(run.err().contains("[####################] 100% 3/3 "), "progress bar: " + run.err());
        assertFalse(run.err().contains("\r"), "no redraws without a terminal: " + run.err());
        assertEquals(3, database.getCollection("users").countDocuments(Filters.eq("tag", "migrated")));

        CliRun status = run("status", twoMigrations());
        assertTrue(status.out().contains("2 migrations: 2 executed"), status.toString());
        assertTrue(status.out().lines().skip(1).limit(2).allMatch(l -> l.contains(" EXECUTED ")), status.out());
    }

    @Test
    void migrateTwiceFindsNothingPendingTheSecondTime() {
        assertEquals(TenantryMigrate.EXIT_OK, run("migrate", twoMigrations()).exitCode());
        CliRun again = run("migrate", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_OK, again.exitCode(), again.toString());
        assertEquals("Nothing to migrate: all 2 migrations are executed." + System.lineSeparator(), again.out());
        assertEquals(3, database.getCollection("users").countDocuments(), "nothing ran twice");
        CliRun plan = run("plan", twoMigrations());
        assertEquals("Nothing pending: all 2 migrations are executed." + System.lineSeparator(), plan.out());
    }

    @Test
    void failingMigrationExitsOneWithItsErrorAndStatusShowsIt() {
        List<String> three = List.of(CliTestMigrations.CREATE_USERS, CliTestMigrations.TAG_USERS,
                CliTestMigrations.FAILING);
        CliRun run = run("migrate", three);
        assertEquals(TenantryMigrate.EXIT_FAILED, run.exitCode(), run.toString());
        assertTrue(run.err().contains("error: migration failing (version 3) failed: java.lang.IllegalStateException: "
                + "boom: this migration fails on purpose; recorded as FAILED"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose: " + run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(4, lines.size(), "what this run did, up to the failure: " + run.out());
        assertTrue(lines.get(1).matches("1 +create-users +EXECUTED .*"), lines.get(1));
        assertTrue(lines.get(3).matches("3 +failing +FAILED +\\S+"), lines.get(3));

        CliRun status = run("status", three);
        assertEquals(TenantryMigrate.EXIT_OK, status.exitCode(), status.toString());
        assertTrue(status.out().lines().anyMatch(l -> l.matches("3 +failing +FAILED .*")), status.out());
        assertTrue(status.out().contains("failing: error: java.lang.IllegalStateException: boom"), status.out());
        assertTrue(status.out().contains("3 migrations: 2 executed, 1 failed"), status.out());
    }

    @Test
    void changedAppliedMigrationExitsFiveAndStatusFlagsIt() {
        assertEquals(TenantryMigrate.EXIT_OK, run("migrate", twoMigrations()).exitCode());
        database.getCollection(HISTORY).updateOne(Filters.eq("_id", "create-users"),
                Updates.set("fingerprint", "the code it ran with"));

        CliRun migrate = run("migrate", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_CHANGED, migrate.exitCode(), migrate.toString());
        assertTrue(migrate.err().startsWith("error: executed migrations changed since they ran"), migrate.err());
        assertTrue(migrate.err().contains("create-users (version 1) ran with fingerprint the code it ran with"),
                migrate.err());
        assertEquals(TenantryMigrate.EXIT_CHANGED, run("plan", twoMigrations()).exitCode());

        CliRun status = run("status", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_OK, status.exitCode(), status.toString());
        assertTrue(status.out().lines().anyMatch(l -> l.matches("1 +create-users +EXECUTED .* CHANGED")),
                status.out());
        assertTrue(status.out().contains("create-users: CHANGED since it ran"), status.out());
    }

    @Test
    void lockHeldByAnotherRunnerExitsFourNamingIt() {
        Instant now = Instant.now();
        database.getCollection("tenantry_migration_lock").insertOne(new Document("_id", "lock")
                .append("owner", "other-host-4242").append("expiresAt", Date.from(now.plus(Duration.ofHours(1))))
                .append("acquiredAt", Date.from(now)));

        CliRun run = run("migrate", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_LOCKED, run.exitCode(), run.toString());
        assertTrue(run.err().lines().anyMatch(l -> l.startsWith("error: migrations are locked by other-host-4242 "
                + "until ") && l.endsWith("pass --wait-for-lock <duration> to wait")), run.err());
        assertEquals(0, database.getCollection("users").countDocuments(), "nothing ran");
    }

    @Test
    void verifyRerunsEachExecutedMigrationsCheckReadOnly() {
        assertEquals(TenantryMigrate.EXIT_OK, run("migrate", List.of(CliTestMigrations.CREATE_USERS)).exitCode());
        long historyBefore = database.getCollection(HISTORY).countDocuments();

        CliRun ok = run("verify", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_OK, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("  1  create-users  OK"), ok.out());
        assertTrue(ok.out().contains("  2  tag-users  skipped: PENDING, not executed"), ok.out());
        assertTrue(ok.out().contains("Verified 1 executed migration: all passed."), ok.out());

        MongoCollection<Document> users = database.getCollection("users");
        users.deleteOne(Filters.eq("_id", 2));
        CliRun failed = run("verify", twoMigrations());
        assertEquals(TenantryMigrate.EXIT_FAILED, failed.exitCode(), failed.toString());
        assertTrue(failed.out().contains("  1  create-users  FAILED"), failed.out());
        assertTrue(failed.out().contains("      - expected 3 users, found 2"), failed.out());
        assertEquals(historyBefore, database.getCollection(HISTORY).countDocuments(), "verify writes no history");
        assertEquals(0, database.getCollection("tenantry_migration_lock").countDocuments(), "and takes no lock");
    }

    @Test
    void migrationsComeFromAJarListingThemForServiceLoader(@TempDir Path dir) throws Exception {
        Path jar = MigrationJars.jar(dir);
        CliRun run = run("migrate", List.of(), "--migrations-jar", jar.toString());
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("7 +from-jar +EXECUTED .*")), run.out());
        assertEquals(1, database.getCollection("from_jar").countDocuments());
    }

    @Test
    void twoMigrationsWithOneVersionAreAUsageError() {
        CliRun run = run("status", List.of(CliTestMigrations.CREATE_USERS), "--migration",
                CliTestMigrations.class.getName() + "$CreateUsersAgain");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("share version 1"), run.err());
    }
}
