package dev.tenantry.migration.cli;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.MigrationState;
import dev.tenantry.migration.MigrationStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code verify}: runs the verify step of every executed migration again, read-only, and prints the problems found.
 * Takes no lock and writes no history; the runner's own verification (after each execute) is what records outcomes.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Runs the verify step of every executed migration again, read-only (no lock, no history), and "
                + "prints the problems found. Exits 1 if any verification fails.")
final class VerifyCommand extends RunnerCommand {

    @Override
    int run() {
        List<Migration> migrations = migrations();
        Map<String, Migration> byId = migrations.stream().collect(Collectors.toMap(Migration::id,
                Function.identity()));
        List<MigrationStatus> statuses = runner(migrations, progressBar(), Duration.ZERO).status();
        PrintWriter out = out();
        int verified = 0;
        int failed = 0;
        for (MigrationStatus s : statuses) {
            String head = "  " + s.version() + "  " + s.id() + "  ";
            if (s.state() != MigrationState.EXECUTED) {
                out.println(head + "skipped: " + s.state().name() + ", not executed");
                continue;
            }
            verified++;
            Migration m = byId.get(s.id());
            VerifyContext ctx = new VerifyContext(session().client(), session().database(), m, progressBar());
            List<String> problems;
            try {
                MigrationReport report = m.verify(ctx);
                problems = report.problems();
            } catch (RuntimeException e) {
                problems = List.of("verify step threw " + e);
            }
            progressBar().finish();
            String changed = s.fingerprintChanged() ? " (CHANGED since it ran: verified with its current code)" : "";
            String counted = ctx.counts().isEmpty() ? "" : " (" + counts(ctx.counts(), false) + ")";
            if (problems.isEmpty()) {
                out.println(head + "OK" + counted + changed);
            } else {
                failed++;
                out.println(head + "FAILED" + counted + changed);
                problems.forEach(p -> out.println("      - " + p));
            }
        }
        if (failed > 0) {
            out.println("Verification failed: " + failed + " of " + verified + " executed migrations.");
            return TenantryMigrate.EXIT_FAILED;
        }
        out.println("Verified " + verified + (verified == 1 ? " executed migration" : " executed migrations")
                + ": all passed.");
        return TenantryMigrate.EXIT_OK;
    }
}
