package dev.tenantry.migration;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.migration.batch.Batches;
import dev.tenantry.migration.batch.Checkpoint;
import java.util.Map;
import org.bson.BsonDocument;

/**
 * What a running migration gets from the runner.
 *
 * <p>Handed to one running migration and used on its thread; not for use from other threads or after the step returns.
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

    /**
     * Adds {@code n} to the count {@code name}, kept in the history (or, in a dry run, in the plan). The runner
     * writes the history's counts as they change, so a run that dies still leaves its counts, and a resumed run adds
     * to them.
     */
    void count(String name, long n);

    /** Adds each of {@code counts}, as {@link #count(String, long)} does, in one write to the history. */
    default void count(Map<String, Long> counts) {
        counts.forEach(this::count);
    }

    /**
     * The checkpoint of {@code step} of this migration, kept in the runner's checkpoint collection: an interrupted
     * or failed run leaves it in place, and the next run of this migration resumes there. Cleared when the migration
     * is executed or rolled back.
     *
     * @throws IllegalStateException in a dry run
     */
    Checkpoint checkpoint(String step);

    /**
     * A batched step named {@code step} over {@code source}, wired to this run: its {@link #checkpoint checkpoint},
     * a {@link #checkLease() lease check} before every batch, the runner's progress listener, and transactions per
     * batch where the server has them.
     *
     * @throws IllegalStateException in a dry run
     */
    default Batches batches(String step, MongoCollection<BsonDocument> source) {
        return Batches.over(source).name(step).checkpoint(checkpoint(step)).beforeWrite(this::checkLease)
                .progressListener(progressListener()).transactions(client());
    }

    /** Where this run's progress goes besides the log. */
    ProgressListener progressListener();
}
