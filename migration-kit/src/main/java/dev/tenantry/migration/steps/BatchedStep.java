package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.batch.BatchReport;
import dev.tenantry.migration.batch.Batches;
import dev.tenantry.migration.batch.Checkpoint;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the batched steps share: the collection paged through, a filter, the batch settings, and where the step's
 * checkpoint lives (a migration run's, a given one, or memory).
 *
 * @param <S> the step's own type, returned by the settings methods
 */
abstract class BatchedStep<S extends BatchedStep<S>> implements Step {

    /** Documents per batch unless set. */
    static final int DEFAULT_BATCH_SIZE = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(BatchedStep.class);

    final MongoCollection<BsonDocument> collection;
    private Bson filter = new BsonDocument();
    private @Nullable String name;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration throttle = Duration.ZERO;
    private @Nullable Checkpoint checkpoint;
    private @Nullable MigrationContext context;

    BatchedStep(MongoCollection<BsonDocument> collection) {
        this.collection = Objects.requireNonNull(collection, "collection");
    }

    abstract S self();

    /** The name used when none is set, e.g. {@code "backfill bookings.businessId"}. */
    abstract String defaultName();

    /**
     * Names the step; in a migration run the name keys its checkpoint, so it must be unique within the migration
     * (the default is derived from the collections and fields, which is unique unless a migration repeats a step).
     *
     * @param name the name, not empty
     * @return this step
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public S name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a step name must not be blank, was '" + name + "'");
        }
        this.name = name;
        return self();
    }

    @Override
    public String name() {
        return name != null ? name : defaultName();
    }

    /**
     * Touches only the documents of the paged collection that match {@code filter} as well (default: all).
     *
     * @param filter a query filter
     * @return this step
     */
    public S filter(Bson filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
        return self();
    }

    /**
     * Documents per batch (default {@value #DEFAULT_BATCH_SIZE}); each batch is one bulk write and one checkpoint.
     *
     * @param size between 1 and 100,000
     * @return this step
     * @throws IllegalArgumentException if out of range
     */
    public S batchSize(int size) {
        if (size < 1 || size > 100_000) {
            throw new IllegalArgumentException("batch size must be between 1 and 100000, was " + size);
        }
        this.batchSize = size;
        return self();
    }

    /**
     * A pause after every batch, to leave the server room for the application's traffic (default none).
     *
     * @param pause not negative
     * @return this step
     * @throws IllegalArgumentException if negative
     */
    public S throttle(Duration pause) {
        Objects.requireNonNull(pause, "pause");
        if (pause.isNegative()) {
            throw new IllegalArgumentException("throttle pause must not be negative, was " + pause);
        }
        this.throttle = pause;
        return self();
    }

    /**
     * Keeps the step's position in {@code checkpoint}, so a rerun after a crash resumes there (default: memory, so a
     * rerun starts over, which is correct but slower since every write is idempotent).
     *
     * @param checkpoint where the position lives
     * @return this step
     * @throws IllegalStateException if the step runs {@link #in in} a migration, which keeps its checkpoint
     */
    public S checkpoint(Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (context != null) {
            throw new IllegalStateException("step '" + name() + "' runs in a migration, which keeps its checkpoint;"
                    + " a second checkpoint would conflict");
        }
        this.checkpoint = checkpoint;
        return self();
    }

    /**
     * Runs the step as part of a migration run: with the run's checkpoint under this step's {@link #name() name}, a
     * lease check before every batch, the run's progress listener, transactions per batch where the server has them,
     * and the step's counts added to the migration's history.
     *
     * @param context the running migration's context
     * @return this step
     * @throws IllegalStateException if a {@link #checkpoint checkpoint} was given
     */
    public S in(MigrationContext context) {
        Objects.requireNonNull(context, "context");
        if (checkpoint != null) {
            throw new IllegalStateException("step '" + name() + "' has a checkpoint; a migration run keeps its own,"
                    + " so give one or the other");
        }
        this.context = context;
        return self();
    }

    /** The filter the user gave and {@code extra}, composed. */
    final Bson scope(Bson extra) {
        return Filters.and(filter, extra);
    }

    /**
     * A batched run over the paged collection, wired to the migration run if there is one, for a step that writes
     * the paged collection and looks nothing up: it prepares the next page while the last one is written
     * ({@link Batches#readAhead()}).
     */
    final Batches batches(Bson pageFilter) {
        return batches(pageFilter, collection, List.of());
    }

    /**
     * A batched run over the paged collection, wired to the migration run if there is one, for a step that writes
     * {@code written} and looks up related documents in {@code lookedUp} (nulls ignored). It prepares the next page
     * while the last one is written ({@link Batches#readAhead()}) unless a look-up goes to {@code written}, where it
     * could miss what the batch before wrote.
     */
    final Batches batches(Bson pageFilter, MongoCollection<BsonDocument> written,
            List<@Nullable MongoCollection<BsonDocument>> lookedUp) {
        Batches batches = context != null ? context.batches(name(), collection)
                : Batches.over(collection).name(name())
                        .checkpoint(checkpoint != null ? checkpoint : Checkpoint.inMemory());
        batches.filter(pageFilter).batchSize(batchSize).throttle(throttle);
        boolean independent = lookedUp.stream().noneMatch(c -> c != null
                && c.getNamespace().equals(written.getNamespace()));
        return independent ? batches.readAhead() : batches;
    }

    /** The report of a run, logged, and counted in the migration's history when there is one. */
    final StepReport report(BatchReport batch, Misses misses) {
        StepReport report = new StepReport(batch, misses.count(), misses.samples());
        if (misses.count() > 0) {
            LOG.warn("{}: {} documents left alone for want of a relation; first: {}", report.step(),
                    misses.count(), misses.samples().get(0));
        }
        if (batch.failed() > 0) {
            LOG.warn("{}: {} writes refused; first: {}", report.step(), batch.failed(), batch.failures().get(0));
        }
        if (context != null) {
            context.count(report.step() + ": written", batch.inserted() + batch.upserted() + batch.modified()
                    + batch.deleted());
            if (misses.count() > 0) {
                context.count(report.step() + ": unresolved", misses.count());
            }
            if (batch.failed() > 0) {
                context.count(report.step() + ": refused", batch.failed());
            }
        }
        return report;
    }

    final int batchSize() {
        return batchSize;
    }

    final String collectionName() {
        return collection.getNamespace().getCollectionName();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + name() + "}";
    }
}
