package dev.tenantry.migration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arguments and usage: everything decided before a server is needed, and an unreachable one. */
class TenantryMigrateTest {

    private static final String NOWHERE = "mongodb://127.0.0.1:1";

    private static CliRun run(String... args) {
        return CliRun.run(Map.of(), Terminal.NONE, args);
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun run = CliRun.run(new TenantryMigrate(), "--help");
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        for (String command : new String[] {"status", "plan", "migrate", "verify", "backup", "restore"}) {
            assertTrue(run.out().contains("  " + command + " "), command + " in " + run.out());
        }
        assertTrue(run.out().contains("Exit codes:"), run.out());
        assertTrue(run.out().contains("4   migrations are locked by another runner"), run.out());
        assertTrue(run.out().contains("6   restore refused: not confirmed"), run.out());
    }

    @Test
    void versionNamesTheTool() {
        CliRun run = run("--version");
        assertEquals(TenantryMigrate.EXIT_OK, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("tenantry-migrate "), run.out());
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = run("--uri", NOWHERE);
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("Missing command"), run.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = run("status", "--frobnicate");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Unknown option: '--frobnicate'"), run.err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun run = run("upgrade");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Unmatched argument at index 0: 'upgrade'"), run.err());
    }

    @Test
    void missingUriNamesTheOptionAndTheEnvironmentVariable() {
        CliRun run = run("status", "--database", "app", "--migration", CliTestMigrations.CREATE_USERS);
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: no server given: pass --uri <uri> or set the MONGODB_URI "
                + "environment variable"), run.err());
    }

    @Test
    void missingDatabaseIsAUsageError() {
        CliRun run = run("status", "--uri", NOWHERE, "--migration", CliTestMigrations.CREATE_USERS);
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: no database given: pass --database <name>"), run.err());
    }

    @Test
    void invalidUriIsAUsageErrorThatDoesNotEchoThePassword() {
        CliRun run = run("status", "--uri", "postgres://me:s3cret@host/app", "--migration",
                CliTestMigrations.CREATE_USERS);
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: --uri is not a MongoDB connection string"), run.err());
        assertFalse(run.err().contains("s3cret"), run.err());
    }

    @Test
    void uriComesFromTheEnvironmentAndTheDatabaseFromItsPath() {
        CliRun run = CliRun.run(Map.of("MONGODB_URI", NOWHERE + "/app"), Terminal.NONE, "status", "--timeout",
                "200ms", "--migration", CliTestMigrations.CREATE_USERS);
        // Both resolved: what remains is that nothing listens there.
        assertEquals(TenantryMigrate.EXIT_UNREACHABLE, run.exitCode(), run.toString());
    }

    @Test
    void badTimeoutIsAUsageError() {
        CliRun run = run("--timeout", "soon", "status");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("'soon' is not a duration"), run.err());
        assertEquals(TenantryMigrate.EXIT_USAGE, run("--uri", NOWHERE + "/app", "--timeout", "0s", "status",
                "--migration", CliTestMigrations.CREATE_USERS).exitCode());
    }

    @Test
    void unknownMigrationClassIsAUsageError() {
        CliRun run = run("status", "--uri", NOWHERE, "--database", "app", "--migration", "com.example.Nope");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: --migration com.example.Nope: class not found on the class path"),
                run.err());
    }

    @Test
    void classThatIsNoMigrationIsAUsageError() {
        CliRun run = run("plan", "--uri", NOWHERE, "--database", "app", "--migration",
                CliTestMigrations.NotAMigration.class.getName());
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("not a migration"), run.err());
    }

    @Test
    void noMigrationsIsAUsageError() {
        CliRun run = run("migrate", "--uri", NOWHERE, "--database", "app");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: no migrations found"), run.err());
    }

    @Test
    void backupNeedsOut() {
        CliRun run = run("backup", "--uri", NOWHERE, "--database", "app");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Missing required option: '--out=<dir>'"), run.err());
    }

    @Test
    void restoreFromADirectoryWithoutABackupIsAUsageError(@TempDir Path dir) {
        CliRun run = run("restore", "--uri", NOWHERE, "--database", "app", "--from", dir.toString(), "--yes");
        assertEquals(TenantryMigrate.EXIT_USAGE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: no backup of database app in " + dir), run.err());
    }

    @Test
    void unreachableServerFailsFastWithOneLine() {
        long start = System.nanoTime();
        CliRun run = run("--uri", NOWHERE, "--database", "app", "--timeout", "1s", "status", "--migration",
                CliTestMigrations.CREATE_USERS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(TenantryMigrate.EXIT_UNREACHABLE, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: cannot reach MongoDB at [127.0.0.1:1] within 1s: "), run.err());
        assertEquals(1, run.errLines(), "one line, no stack trace: " + run.err());
        assertTrue(millis < 8_000, "gave up after the 1 s timeout, not the 10 s default: " + millis + " ms");
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun run = run("--uri", NOWHERE, "--database", "app", "--timeout", "200ms", "--verbose", "backup", "--out",
                "unused");
        assertEquals(TenantryMigrate.EXIT_UNREACHABLE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("com.mongodb.MongoTimeoutException"), run.err());
    }

    @Test
    void globalOptionsWorkAfterTheCommandToo() {
        CliRun run = run("backup", "--out", "unused", "--uri", NOWHERE, "--database", "app", "--timeout", "200ms");
        assertEquals(TenantryMigrate.EXIT_UNREACHABLE, run.exitCode(), run.toString());
        assertTrue(run.err().contains("within 200ms"), run.err());
    }
}
