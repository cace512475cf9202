package dev.tenantry.migration.verify;

import dev.tenantry.migration.MigrationException;

/**
 * {@link VerificationReport#assertClean()} found violations; the message lists each failed check.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public final class VerificationFailedException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final transient VerificationReport report;

    VerificationFailedException(VerificationReport report) {
        super("verification failed: " + String.join("; ", report.toMigrationReport().problems()));
        this.report = report;
    }

    /** The whole report, passed checks included (not kept when the exception is serialized). */
    public VerificationReport report() {
        return report;
    }
}
