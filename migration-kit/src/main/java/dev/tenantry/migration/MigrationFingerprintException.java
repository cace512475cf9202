package dev.tenantry.migration;

import java.util.List;

/**
 * Migrations that already ran have changed since: the runner refuses to run anything until that is sorted out.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public final class MigrationFingerprintException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final String[] changedIds;

    MigrationFingerprintException(List<String> changedIds, String details) {
        super("executed migrations changed since they ran (their fingerprints differ): " + details
                + "; restore their code or write a new migration instead of editing an applied one");
        this.changedIds = changedIds.toArray(String[]::new);
    }

    /** The ids of the changed migrations, in version order. */
    public List<String> changedIds() {
        return List.of(changedIds);
    }
}
