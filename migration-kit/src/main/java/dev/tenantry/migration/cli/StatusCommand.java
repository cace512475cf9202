package dev.tenantry.migration.cli;

import dev.tenantry.migration.MigrationState;
import dev.tenantry.migration.MigrationStatus;
import dev.tenantry.migration.ProgressListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;

/** {@code status}: every migration with its state from the history. Only reads; exits 0 whatever the states. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows every migration's state: version, id, state, start and end, counts, CHANGED when an "
                + "applied migration's code changed since it ran, and errors. Only reads.")
final class StatusCommand extends RunnerCommand {

    @Override
    int run() {
        List<MigrationStatus> statuses = runner(migrations(), ProgressListener.NONE, Duration.ZERO).status();
        PrintWriter out = out();
        Table table = new Table("VERSION", "ID", "STATE", "STARTED", "ENDED", "COUNTS", "FLAGS");
        for (MigrationStatus s : statuses) {
            table.row(Long.toString(s.version()), s.id(), s.state().name(), time(s.startedAt()), time(s.endedAt()),
                    counts(s.counts(), true), s.fingerprintChanged() ? "CHANGED" : "");
        }
        table.print(out);
        for (MigrationStatus s : statuses) {
            if (s.error() != null) {
                out.println(s.id() + ": error: " + s.error());
            }
            if (s.rollbackError() != null) {
                out.println(s.id() + ": rollback error: " + s.rollbackError());
            }
            if (s.fingerprintChanged()) {
                out.println(s.id() + ": CHANGED since it ran: restore its code, or write a new migration instead of "
                        + "editing an applied one; plan and migrate refuse to run until then");
            }
        }
        out.println(summary(statuses));
        return TenantryMigrate.EXIT_OK;
    }

    static String summary(List<MigrationStatus> statuses) {
        Map<MigrationState, Integer> byState = new EnumMap<>(MigrationState.class);
        statuses.forEach(s -> byState.merge(s.state(), 1, Integer::sum));
        return statuses.size() + (statuses.size() == 1 ? " migration: " : " migrations: ")
                + byState.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                        .collect(Collectors.joining(", "));
    }

    static String time(@Nullable Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
