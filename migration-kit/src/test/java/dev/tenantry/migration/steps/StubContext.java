package dev.tenantry.migration.steps;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.Progress;
import dev.tenantry.migration.ProgressListener;
import dev.tenantry.migration.batch.Checkpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.BsonDocument;

/** A migration context for steps tested outside a runner: counts kept in a map, checkpoints in a collection. */
final class StubContext implements MigrationContext {

    final Map<String, Long> counts = new LinkedHashMap<>();
    int leaseChecks;
    private final MongoClient client;
    private final MongoDatabase database;
    private final boolean dryRun;

    StubContext(MongoClient client, MongoDatabase database, boolean dryRun) {
        this.client = client;
        this.database = database;
        this.dryRun = dryRun;
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
        return dryRun;
    }

    @Override
    public void checkLease() {
        leaseChecks++;
    }

    @Override
    public Progress progress(String step, long total) {
        return Progress.of(step, total);
    }

    @Override
    public void count(String name, long n) {
        counts.merge(name, n, Long::sum);
    }

    @Override
    public Checkpoint checkpoint(String step) {
        if (dryRun) {
            throw new IllegalStateException("a dry run keeps no checkpoints");
        }
        return Checkpoint.stored(database.getCollection("checkpoints", BsonDocument.class), step);
    }

    @Override
    public ProgressListener progressListener() {
        return ProgressListener.NONE;
    }
}
