package dev.tenantry.migration.cli;

import dev.tenantry.migration.backup.Backup;
import dev.tenantry.migration.backup.BackupManifest;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backup}: writes collections to a directory that {@code restore} and {@code mongorestore} read. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Backs up collections to <dir>/<database>/ as mongodump does (.bson and .metadata.json per "
                + "collection), readable by restore and by mongorestore.")
final class BackupCommand extends DatabaseCommand {

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "The backup directory.")
    private Path out = Path.of("");

    @Option(names = "--collection", paramLabel = "<name>",
            description = "A collection to back up (repeatable); default: every collection but system ones.")
    private List<String> collections = new ArrayList<>();

    @Override
    int run() {
        BackupManifest manifest;
        try {
            manifest = Backup.of(session().database()).collections(collections.toArray(String[]::new)).to(out);
        } catch (IllegalArgumentException e) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, CliException.said(e), e);
        } catch (UncheckedIOException e) {
            throw new CliException(TenantryMigrate.EXIT_FAILED, CliException.said(e) + ": "
                    + CliException.said(e.getCause()), e);
        }
        PrintWriter w = out();
        long documents = manifest.collections().values().stream().mapToLong(Long::longValue).sum();
        w.println(String.format(Locale.ROOT, "Backed up %d collections (%,d documents) of %s to %s:",
                manifest.collections().size(), documents, manifest.database(), out.resolve(manifest.database())));
        manifest.collections().forEach((name, n) -> w.println(String.format(Locale.ROOT, "  %s: %,d", name, n)));
        return TenantryMigrate.EXIT_OK;
    }
}
