package dev.tenantry.migration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.migration.Migration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationLoaderTest {

    private static final ClassLoader PARENT = MigrationLoaderTest.class.getClassLoader();

    @TempDir
    Path dir;

    private final List<MigrationLoader> loaders = new ArrayList<>();

    /** Loads, keeping the loader open as a command does while its migrations run (fingerprints read class files). */
    private List<Migration> load(List<Path> jars, String... classes) {
        MigrationLoader loader = MigrationLoader.over(jars, PARENT);
        loaders.add(loader);
        return loader.load(List.of(classes));
    }

    @AfterEach
    void closeLoaders() throws IOException {
        for (MigrationLoader loader : loaders) {
            loader.close();
        }
    }

    @Test
    void findsMigrationsListedForServiceLoaderInAJar() throws IOException {
        List<Migration> found = load(List.of(MigrationJars.jar(dir)));
        assertEquals(1, found.size(), found.toString());
        Migration m = found.get(0);
        assertEquals("from-jar", m.id());
        assertEquals(MigrationJars.CLASS, m.getClass().getName());
        assertNotSame(PARENT, m.getClass().getClassLoader(), "loaded from the jar, not the class path");
        assertEquals(64, m.fingerprint().length(), "its class file is readable for the fingerprint");
    }

    @Test
    void findsMigrationsInAClassDirectory() throws IOException {
        List<Migration> found = load(List.of(MigrationJars.compile(dir.resolve("classes"))));
        assertEquals(List.of("from-jar"), found.stream().map(Migration::id).toList());
    }

    @Test
    void aClassBothListedAndNamedIsLoadedOnce() throws IOException {
        List<Migration> found = load(List.of(MigrationJars.jar(dir)), MigrationJars.CLASS);
        assertEquals(1, found.size(), found.toString());
    }

    @Test
    void namedClassesComeFromTheClassPathInTheGivenOrder() throws IOException {
        List<Migration> found = load(List.of(), CliTestMigrations.TAG_USERS, CliTestMigrations.CREATE_USERS);
        assertEquals(List.of("tag-users", "create-users"), found.stream().map(Migration::id).toList());
    }

    @Test
    void aNestedClassMayBeNamedWithADot() throws IOException {
        String dotted = CliTestMigrations.class.getName() + ".CreateUsers";
        assertEquals("create-users", load(List.of(), dotted).get(0).id());
    }

    @Test
    void missingJarIsAUsageError() {
        CliException e = assertThrows(CliException.class, () -> load(List.of(dir.resolve("nope.jar"))));
        assertEquals(TenantryMigrate.EXIT_USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("nope.jar: no such file or directory"), e.getMessage());
    }

    @Test
    void unknownClassIsAUsageError() {
        CliException e = assertThrows(CliException.class, () -> load(List.of(), "com.example.Nope"));
        assertEquals(TenantryMigrate.EXIT_USAGE, e.exitCode());
        assertEquals("--migration com.example.Nope: class not found on the class path (add its jar or class "
                + "directory with --migrations-jar)", e.getMessage());
    }

    @Test
    void classThatIsNoMigrationIsAUsageError() {
        String name = CliTestMigrations.NotAMigration.class.getName();
        CliException e = assertThrows(CliException.class, () -> load(List.of(), name));
        assertEquals(TenantryMigrate.EXIT_USAGE, e.exitCode());
        assertEquals("--migration " + name + ": not a migration (it does not implement "
                + "dev.tenantry.migration.Migration)", e.getMessage());
    }

    @Test
    void classWithoutNoArgumentConstructorIsAUsageError() {
        String name = CliTestMigrations.NeedsArgument.class.getName();
        CliException e = assertThrows(CliException.class, () -> load(List.of(), name));
        assertEquals(TenantryMigrate.EXIT_USAGE, e.exitCode());
        assertEquals("--migration " + name + ": has no public no-argument constructor", e.getMessage());
    }

    @Test
    void abstractClassIsAUsageError() {
        CliException e = assertThrows(CliException.class, () -> load(List.of(), Migration.class.getName()));
        assertEquals(TenantryMigrate.EXIT_USAGE, e.exitCode());
        assertTrue(e.getMessage().endsWith("is abstract; name a concrete class"), e.getMessage());
    }
}
