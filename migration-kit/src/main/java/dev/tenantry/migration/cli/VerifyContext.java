package dev.tenantry.migration.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.Progress;
import dev.tenantry.migration.ProgressListener;
import dev.tenantry.migration.batch.Checkpoint;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The context of a stand-alone {@link Migration#verify verify} step: read-only, like the runner's dry run, so it is a
 * {@linkplain #dryRun() dry run} with no lock to check and no checkpoints; counts are kept for the report.
 */
final class VerifyContext implements MigrationContext {

    private final MongoClient client;
    private final MongoDatabase database;
    private final Migration migration;
    private final ProgressListener listener;
    private final Map<String, Long> counts = Collections.synchronizedMap(new LinkedHashMap<>());

    VerifyContext(MongoClient client, MongoDatabase database, Migration migration, ProgressListener listener) {
        this.client = client;
        this.database = database;
        this.migration = migration;
        this.listener = listener;
    }

    @Override
    public MongoDatabase database() {
        return database;
    }

    @Override
    public MongoClient client() {
        return client;
    }

    @Override
    public boolean dryRun() {
        return true;
    }

    @Override
    public void checkLease() {
        // verify takes no lock: it only reads
    }

    @Override
    public Progress progress(String step, long total) {
        return Progress.of(step, total, listener);
    }

    @Override
    public void count(String name, long n) {
        counts.merge(Objects.requireNonNull(name, "name"), n, Long::sum);
    }

    @Override
    public Checkpoint checkpoint(String step) {
        throw new IllegalStateException("verify only reads and keeps no checkpoints: step " + step + " of migration "
                + migration.id() + " asked for one");
    }

    @Override
    public ProgressListener progressListener() {
        return listener;
    }

    Map<String, Long> counts() {
        synchronized (counts) {
            return new LinkedHashMap<>(counts);
        }
    }
}
