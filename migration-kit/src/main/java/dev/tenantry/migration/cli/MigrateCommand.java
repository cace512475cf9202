package dev.tenantry.migration.cli;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationFailedException;
import dev.tenantry.migration.MigrationRunner;
import dev.tenantry.migration.MigrationState;
import dev.tenantry.migration.MigrationStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code migrate}: runs the pending migrations under the lock, with progress bars. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Runs every pending (or failed, rolled back, interrupted) migration in version order under "
                + "the migration lock; each is executed, then verified. Stops at the first failure.")
final class MigrateCommand extends RunnerCommand {

    @Option(names = "--wait-for-lock", paramLabel = "<duration>", defaultValue = "0s",
            converter = DurationConverter.class,
            description = "How long to wait for another runner's lock (e.g. 30s, 5m); default: fail at once.")
    private Duration waitForLock = Duration.ZERO;

    @Override
    int run() {
        List<Migration> migrations = migrations();
        MigrationRunner runner = runner(migrations, progressBar(), waitForLock);
        List<MigrationStatus> before = runner.status();
        List<String> pending = before.stream().filter(s -> s.state() != MigrationState.EXECUTED)
                .map(s -> s.id() + " (" + s.version() + ")").collect(Collectors.toList());
        if (!pending.isEmpty()) {
            err().println("Migrating " + session().database().getName() + ": " + String.join(", ", pending));
            err().flush();
        }
        List<MigrationStatus> ran;
        try {
            ran = runner.migrate();
        } catch (MigrationFailedException e) {
            progressBar().finish();
            printRunBefore(runner, before);
            throw e;
        }
        progressBar().finish();
        PrintWriter out = out();
        if (ran.isEmpty()) {
            out.println("Nothing to migrate: all " + migrations.size() + " migrations are executed.");
            return TenantryMigrate.EXIT_OK;
        }
        print(ran);
        out.println("Executed " + ran.size() + (ran.size() == 1 ? " migration." : " migrations."));
        return TenantryMigrate.EXIT_OK;
    }

    /** After a failure: what this run did before it, and the failed one, as the history has them now. */
    private void printRunBefore(MigrationRunner runner, List<MigrationStatus> before) {
        List<MigrationStatus> after;
        try {
            after = runner.status();
        } catch (RuntimeException unavailable) {
            return; // the failure itself is what matters; it is reported next
        }
        Map<String, Instant> startedBefore = new HashMap<>();
        before.forEach(s -> startedBefore.put(s.id(), s.startedAt()));
        List<MigrationStatus> touched = after.stream()
                .filter(s -> s.startedAt() != null && !s.startedAt().equals(startedBefore.get(s.id())))
                .collect(Collectors.toList());
        if (!touched.isEmpty()) {
            print(touched);
        }
    }

    private void print(List<MigrationStatus> statuses) {
        Table table = new Table("VERSION", "ID", "STATE", "TOOK", "COUNTS");
        for (MigrationStatus s : statuses) {
            String took = s.startedAt() == null || s.endedAt() == null ? "-"
                    : DurationConverter.format(Duration.between(s.startedAt(), s.endedAt()));
            table.row(Long.toString(s.version()), s.id(), s.state().name(), took, counts(s.counts(), true));
        }
        table.print(out());
        out().flush();
    }
}
