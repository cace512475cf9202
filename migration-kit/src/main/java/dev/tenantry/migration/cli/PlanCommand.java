package dev.tenantry.migration.cli;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.Plan;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        boolean failing = false;
        for (Map.Entry<String, Plan> e : plans.entrySet()) {
            Migration m = Objects.requireNonNull(byId.get(e.getKey()), e.getKey()); // planned from byId
            out.println("  " + m.version() + "  " + m.id() + "  " + m.description());
            Plan plan = e.getValue();
            if (plan.lines().isEmpty()) {
                out.println("      (no counts)");
            }
            plan.toString().lines().forEach(line -> out.println("    " + line));
            failing |= plan.predictsFailure();
        }
        if (failing) {
            out.println("The plan predicts failures (WOULD FAIL above): migrate would stop there.");
        }
        return TenantryMigrate.EXIT_OK;
    }
}
