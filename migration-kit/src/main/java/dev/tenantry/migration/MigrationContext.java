package dev.tenantry.migration;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;

/**
 * What a running migration gets from the runner.
 *
 * @since 0.1
 */
public interface MigrationContext {

    /** The database the runner migrates. */
    MongoDatabase database();

    /** The client, for work across databases. */
    MongoClient client();

    /** Whether this is a dry run, which must not write anything. */
    boolean dryRun();

    /**
     * Checks that this runner still holds the migration lock; call it before writes. Does nothing in a dry run.
     *
     * @throws LeaseLostException if the lease expired or another runner took it over
     */
    void checkLease();

    /** Starts reporting progress of {@code step} over {@code total} items to the log. */
    Progress progress(String step, long total);

    /** Adds {@code n} to the count {@code name}, kept in the history (or, in a dry run, in the plan). */
    void count(String name, long n);
}
