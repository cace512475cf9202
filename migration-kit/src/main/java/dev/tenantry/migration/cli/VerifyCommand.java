package dev.tenantry.migration.cli;

import dev.tenantry.migration.MigrationRunner;
import dev.tenantry.migration.MigrationState;
import dev.tenantry.migration.MigrationStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
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
        MigrationRunner runner = runner(migrations(), progressBar(), Duration.ZERO);
        PrintWriter out = out();
        int verified = 0;
        int failed = 0;
        for (MigrationStatus s : runner.status()) {
            String head = "  " + s.version() + "  " + s.id() + "  ";
            if (s.state() != MigrationState.EXECUTED) {
                out.println(head + "skipped: " + s.state().name() + ", not executed");
                continue;
            }
            verified++;
            List<String> problems = runner.verify(s.id()).problems();
            progressBar().finish();
            String changed = s.fingerprintChanged() ? " (CHANGED since it ran: verified with its current code)" : "";
            if (problems.isEmpty()) {
                out.println(head + "OK" + changed);
            } else {
                failed++;
                out.println(head + "FAILED" + changed);
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
