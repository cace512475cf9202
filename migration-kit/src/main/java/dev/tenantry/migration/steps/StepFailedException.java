package dev.tenantry.migration.steps;

import dev.tenantry.migration.MigrationException;
import java.util.Objects;

/**
 * A data step could not do all of its work: documents it could not resolve, writes the server refused, uniqueness
 * conflicts it was told to stop at, or values it would have destroyed. The step did everything else (all of it
 * idempotent), so fixing the data and running it again finishes the job. The {@link #report() report} says how many
 * and which.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public final class StepFailedException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final transient StepReport report;

    StepFailedException(StepReport report, String why) {
        super("step " + report.step() + " failed: " + why + "; " + report);
        this.report = Objects.requireNonNull(report, "report");
    }

    /** What the step did and left undone (not kept when the exception is serialized). */
    public StepReport report() {
        return report;
    }
}
