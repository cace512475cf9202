package dev.tenantry.migration;

import java.util.List;

/**
 * A migration reads collections the database lacks: the runner refuses to run it (an empty or mistyped database
 * would otherwise be "migrated" with nothing to do, and created by the runner's own bookkeeping). Nothing was written
 * when it refused. {@link MigrationRunner.Builder#allowMissingCollections()} runs such migrations anyway.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public final class MissingCollectionsException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final String migrationId;
    private final String database;
    private final String[] missing;

    MissingCollectionsException(String migrationId, long version, String database, List<String> missing) {
        super("migration " + migrationId + " (version " + version + ") reads " + String.join(", ", missing)
                + ", which database " + database + " does not have (an empty or mistyped database?); nothing was"
                + " written. Check the database name, or allow missing collections to run it anyway");
        this.migrationId = migrationId;
        this.database = database;
        this.missing = missing.toArray(String[]::new);
    }

    /** The id of the refused migration. */
    public String migrationId() {
        return migrationId;
    }

    /** The database that lacks the collections. */
    public String database() {
        return database;
    }

    /** The collections it reads that are missing, in the order it declares them. */
    public List<String> missing() {
        return List.of(missing);
    }
}
