package dev.tenantry.migration;

import java.util.List;

/**
 * A migration's {@link Migration#verify verify} step reported problems; the runner treats it as a failed migration.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public final class MigrationVerificationException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final String[] problems;

    MigrationVerificationException(String migrationId, List<String> problems) {
        super("verification of migration " + migrationId + " failed: " + String.join("; ", problems));
        this.problems = problems.toArray(String[]::new);
    }

    /** What verification found wrong. */
    public List<String> problems() {
        return List.of(problems);
    }
}
