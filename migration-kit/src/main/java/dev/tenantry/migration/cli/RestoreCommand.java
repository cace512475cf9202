package dev.tenantry.migration.cli;

import com.mongodb.ConnectionString;
import dev.tenantry.migration.backup.Backup;
import dev.tenantry.migration.backup.Restore;
import dev.tenantry.migration.backup.RestoreReport;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code restore}: puts a backup back. Destructive, so it asks first: {@code --yes} confirms up front; without it a
 * person at a terminal must answer {@code yes}, and with no terminal it refuses.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restores a backup: drops and re-creates every backed-up collection, and drops collections "
                + "created since the backup. Destructive: asks for confirmation unless --yes is given, and refuses "
                + "without a terminal to ask at.")
final class RestoreCommand extends DatabaseCommand {

    @Option(names = "--from", required = true, paramLabel = "<dir>",
            description = "The backup directory (the --out of backup).")
    private Path from = Path.of("");

    @Option(names = "--yes", description = "Confirm: restore without asking.")
    private boolean yes;

    @Override
    int run() {
        ConnectionString uri = root().connectionString();
        String database = root().databaseName(uri);
        Path manifest = from.resolve(database).resolve(Backup.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, "no backup of database " + database + " in " + from
                    + " (missing " + manifest + ")");
        }
        if (!yes) {
            String question = "Restore database " + database + " on " + uri.getHosts() + " from " + from
                    + "? Its backed-up collections are dropped and re-created, and collections created since the "
                    + "backup are dropped. Type yes to go on: ";
            if (!root().terminal().interactive()) {
                throw new CliException(TenantryMigrate.EXIT_REFUSED, "refusing to restore database " + database
                        + " without confirmation: restore drops and re-creates collections. Pass --yes to confirm");
            }
            String answer = root().terminal().readLine(question);
            if (answer == null || !answer.trim().equalsIgnoreCase("yes")) {
                throw new CliException(TenantryMigrate.EXIT_REFUSED, "restore of database " + database
                        + " not confirmed; nothing changed");
            }
        }
        RestoreReport report;
        try {
            report = Restore.from(from).into(session().database());
        } catch (IllegalArgumentException e) {
            throw new CliException(TenantryMigrate.EXIT_USAGE, CliException.said(e), e);
        } catch (UncheckedIOException e) {
            throw new CliException(TenantryMigrate.EXIT_FAILED, CliException.said(e) + ": "
                    + CliException.said(e.getCause()), e);
        }
        PrintWriter w = out();
        long documents = report.restored().values().stream().mapToLong(Long::longValue).sum();
        w.println(String.format(Locale.ROOT, "Restored %d collections (%,d documents) of %s from %s:",
                report.restored().size(), documents, report.database(), from));
        report.restored().forEach((name, n) -> w.println(String.format(Locale.ROOT, "  %s: %,d", name, n)));
        if (!report.dropped().isEmpty()) {
            w.println("Dropped, created after the backup: " + String.join(", ", report.dropped()));
        }
        return TenantryMigrate.EXIT_OK;
    }
}
