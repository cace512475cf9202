package dev.tenantry.migration.cli;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationRunner;
import dev.tenantry.migration.ProgressListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** A command over the user's migrations: where they are found, and the runner's collections. */
abstract class RunnerCommand extends DatabaseCommand {

    @Option(names = "--migrations-jar", paramLabel = "<path>",
            description = "A jar or class directory with migrations (repeatable); those listed in "
                    + MigrationLoader.SERVICE_FILE + " are found there and on the class path.")
    private List<Path> jars = new ArrayList<>();

    @Option(names = "--migration", paramLabel = "<class>",
            description = "A migration class with a public no-argument constructor (repeatable).")
    private List<String> classes = new ArrayList<>();

    @Option(names = "--history-collection", paramLabel = "<name>",
            description = "The runner's history collection; default: tenantry_migrations.")
    private @Nullable String historyCollection;

    @Option(names = "--lock-collection", paramLabel = "<name>",
            description = "The runner's lock collection; default: tenantry_migration_lock.")
    private @Nullable String lockCollection;

    @Option(names = "--checkpoint-collection", paramLabel = "<name>",
            description = "The runner's checkpoint collection; default: tenantry_migration_checkpoints.")
    private @Nullable String checkpointCollection;

    @Option(names = "--allow-missing-collections",
            description = "Run migrations even where collections they declare they read are missing; by default "
                    + "the runner refuses (exit code " + TenantryMigrate.EXIT_USAGE + ").")
    private boolean allowMissingCollections;

    /**
     * The user's migrations; their class loader stays open until the command ends.
     *
     * @throws CliException with the usage exit code if none is found, or one cannot be loaded
     */
    final List<Migration> migrations() {
        MigrationLoader loader = manage(MigrationLoader.over(jars, TenantryMigrate.class.getClassLoader()));
        List<Migration> migrations = loader.load(classes);
        if (migrations.isEmpty()) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, "no migrations found: name them with --migration "
                    + "<class>, or give --migrations-jar <path> with a jar that lists them in "
                    + MigrationLoader.SERVICE_FILE);
        }
        return migrations;
    }

    /**
     * A runner over {@code migrations} on the session's database, reporting progress to {@code listener}, waiting
     * {@code waitForLock} for another runner's lock.
     *
     * @throws CliException with the usage exit code if two migrations share an id or a version
     */
    final MigrationRunner runner(List<Migration> migrations, ProgressListener listener, Duration waitForLock) {
        MigrationRunner.Builder builder = MigrationRunner.builder(session().client(), session().database().getName())
                .migrations(migrations).progressListener(listener).waitForLock(waitForLock);
        if (historyCollection != null) {
            builder.historyCollection(historyCollection);
        }
        if (lockCollection != null) {
            builder.lockCollection(lockCollection);
        }
        if (checkpointCollection != null) {
            builder.checkpointCollection(checkpointCollection);
        }
        if (allowMissingCollections) {
            builder.allowMissingCollections();
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, CliException.said(e), e);
        }
    }

    /** {@code counts} as {@code name: 1,234, other: 5}, sorted by name when their order is not kept. */
    static String counts(Map<String, Long> counts, boolean sort) {
        Map<String, Long> shown = sort ? new TreeMap<>(counts) : counts;
        return shown.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s: %,d", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
