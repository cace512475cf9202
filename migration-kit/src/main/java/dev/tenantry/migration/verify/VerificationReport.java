package dev.tenantry.migration.verify;

import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.internal.BsonValues;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link Verifier} found: one {@link Check} per declared check, in declaration order. Print it (its
 * {@link #toString()} is a table), assert on it ({@link #assertClean()}), or return it from
 * {@link dev.tenantry.migration.Migration#verify} ({@link #toMigrationReport()}). Immutable.
 *
 * @param checks the checks' results
 * @since 0.1
 */
public record VerificationReport(List<Check> checks) {

    /** Copies the checks. */
    public VerificationReport {
        checks = List.copyOf(Objects.requireNonNull(checks, "checks"));
    }

    /** Whether every check passed. */
    public boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    /** The checks that failed, in order. */
    public List<Check> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /**
     * The check named {@code name}.
     *
     * @param name a check's name, as printed
     * @return the check
     * @throws IllegalArgumentException if no check has that name
     */
    public Check check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no check named '" + name + "'; checks: "
                        + checks.stream().map(Check::name).toList()));
    }

    /** This report as a migration's verify result: passing, or failing with one problem per failed check. */
    public MigrationReport toMigrationReport() {
        return new MigrationReport(failures().stream().map(VerificationReport::problem).toList());
    }

    /**
     * Returns this report if every check passed.
     *
     * @return this report
     * @throws VerificationFailedException listing the failed checks otherwise
     */
    public VerificationReport assertClean() {
        if (!passed()) {
            throw new VerificationFailedException(this);
        }
        return this;
    }

    private static String problem(Check c) {
        return c.name() + ": " + c.violations() + " violations" + (c.detail().isEmpty() ? "" : " (" + c.detail()
                + ")") + (c.samples().isEmpty() ? "" : ", e.g. _id " + BsonValues.show(c.samples()));
    }

    /** A table: one line per check with its outcome, violations, name and detail, and samples when it failed. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "verification: %d checks, %d failed%n", checks.size(),
                failures().size()));
        out.append(String.format(Locale.ROOT, "  %-6s  %10s  %s%n", "result", "violations", "check"));
        for (Check c : checks) {
            out.append(String.format(Locale.ROOT, "  %-6s  %10d  %s", c.passed() ? "ok" : "FAILED", c.violations(),
                    c.name()));
            if (!c.detail().isEmpty()) {
                out.append(" -- ").append(c.detail());
            }
            if (!c.passed() && !c.samples().isEmpty()) {
                out.append(" -- e.g. _id ").append(BsonValues.show(c.samples()));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
