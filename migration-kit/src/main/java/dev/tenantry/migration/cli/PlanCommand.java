package dev.tenantry.migration.cli;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.Plan;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code plan}: the dry run, what each pending migration would touch. Writes nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Dry run: shows what each pending migration would touch, counted with reads only. Writes "
                + "nothing (no lock, no history).")
final class PlanCommand extends RunnerCommand {

    @Override
    int run() {
        List<Migration> migrations = migrations();
        Map<String, Plan> plans = runner(migrations, progressBar(), Duration.ZERO).plan();
        progressBar().finish();
        Map<String, Migration> byId = migrations.stream().collect(Collectors.toMap(Migration::id,
                Function.identity()));
        PrintWriter out = out();
        if (plans.isEmpty()) {
            out.println("Nothing pending: all " + migrations.size() + " migrations are executed.");
            return TenantryMigrate.EXIT_OK;
        }
        out.println(plans.size() + (plans.size() == 1 ? " pending migration" : " pending migrations")
                + " (dry run, nothing written):");
        for (Map.Entry<String, Plan> e : plans.entrySet()) {
            Migration m = byId.get(e.getKey());
            out.println("  " + m.version() + "  " + m.id() + "  " + m.description());
            if (e.getValue().counts().isEmpty()) {
                out.println("      (no counts)");
            }
            e.getValue().counts().forEach((name, n) ->
                    out.println(String.format(Locale.ROOT, "      %s: %,d", name, n)));
        }
        return TenantryMigrate.EXIT_OK;
    }
}
