package dev.tenantry.migration;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a migration's {@link Migration#verify verify} step: passing, or failing with the problems found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param problems what verification found wrong; empty when it passed
 * @since 0.1
 */
public record MigrationReport(List<String> problems) {

    private static final MigrationReport OK = new MigrationReport(List.of());

    /** Copies {@code problems}. */
    public MigrationReport {
        problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
    }

    /** A passing report. */
    public static MigrationReport ok() {
        return OK;
    }

    /** A failing report listing {@code problems} (at least one). */
    public static MigrationReport failed(String... problems) {
        if (problems.length == 0) {
            throw new IllegalArgumentException("a failing report needs at least one problem");
        }
        return new MigrationReport(List.of(problems));
    }

    /** Whether verification found nothing wrong. */
    public boolean passed() {
        return problems.isEmpty();
    }
}
