package dev.tenantry.migration.batch;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * A batched data-migration step: the source collection read in {@code _id} order, a page at a time ({@code _id >
 * last}, sorted, limited: no skip, no cursor held between batches), each document turned into writes by a {@link
 * Handler}, each page's writes applied as one unordered bulk write, and a {@link Checkpoint} saved after every
 * acknowledged batch. Rerun after an interruption, the step resumes after the last checkpoint; the batch that was
 * written but not checkpointed is written again, so handlers must produce idempotent writes (deterministic {@code _id}s
 * for inserts, {@code $set} rather than {@code $inc}). An item the server refuses (a duplicate key, a validation
 * error) is recorded in the report and the step goes on.
 *
 * <pre>{@code
 * BatchReport report = Batches.over(users).filter(eq("role", "customer")).into(customers)
 *         .checkpoint(Checkpoint.stored(progress, "split-customers"))
 *         .run(user -> List.of(new InsertOneModel<>(customerOf(user))));
 * }</pre>
 *
 * <p>{@code _id}s of one BSON type page correctly; MongoDB compares {@code $gt} only within a type, so a collection
 * whose {@code _id}s mix types needs one step per type (filter on {@code {_id: {$type: ...}}}).
 *
 * @since 0.1
 */
public final class Batches {

    private static final int MAX_RECORDED_FAILURES = 1000;

    /** Turns one source document into the writes it needs (none, one or several). */
    @FunctionalInterface
    public interface Handler {
        /** The writes for {@code document}. */
        List<? extends WriteModel<BsonDocument>> writes(BsonDocument document);
    }

    private final MongoCollection<BsonDocument> source;
    private MongoCollection<BsonDocument> target;
    private Bson filter = new BsonDocument();
    private int batchSize = 1000;
    private Checkpoint checkpoint = Checkpoint.inMemory();
    private Duration pause = Duration.ZERO;
    private String name = "batch";

    private Batches(MongoCollection<BsonDocument> source) {
        this.source = source;
        this.target = source;
    }

    /** A step reading {@code source}. */
    public static Batches over(MongoCollection<BsonDocument> source) {
        return new Batches(Objects.requireNonNull(source, "source"));
    }

    /** Reads only the documents matching {@code filter}. */
    public Batches filter(Bson filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
        return this;
    }

    /** Writes go to {@code target} (default: the source). */
    public Batches into(MongoCollection<BsonDocument> target) {
        this.target = Objects.requireNonNull(target, "target");
        return this;
    }

    /**
     * Documents per batch (default 1,000).
     *
     * @throws IllegalArgumentException if not between 1 and 100,000
     */
    public Batches batchSize(int size) {
        if (size < 1 || size > 100_000) {
            throw new IllegalArgumentException("batch size must be between 1 and 100000, was " + size);
        }
        this.batchSize = size;
        return this;
    }

    /** Where the step's position is kept (default: in memory, so a new run starts over). */
    public Batches checkpoint(Checkpoint checkpoint) {
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        return this;
    }

    /**
     * A pause after every batch, to leave the server room for the application's own traffic (default none).
     *
     * @throws IllegalArgumentException if negative
     */
    public Batches throttle(Duration pause) {
        Objects.requireNonNull(pause, "pause");
        if (pause.isNegative()) {
            throw new IllegalArgumentException("throttle pause must not be negative, was " + pause);
        }
        this.pause = pause;
        return this;
    }

    /** The step's name, for the log and the report. */
    public Batches name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Runs the step from its checkpoint to the end, then clears the checkpoint.
     *
     * @throws RuntimeException what the handler or the server throws (other than refused items); the checkpoint
     *     then holds the last acknowledged batch
     */
    public BatchReport run(Handler handler) {
        Objects.requireNonNull(handler, "handler");
        BsonValue last = checkpoint.lastId();
        boolean resumed = last != null;
        long done = resumed ? checkpoint.done() : 0;
        long remaining = source.countDocuments(last == null ? filter : Filters.and(filter, Filters.gt("_id", last)));
        Progress progress = Progress.of(resumed ? name + " (resumed after " + done + " documents)" : name,
                remaining);
        long read = 0;
        long batches = 0;
        long inserted = 0;
        long modified = 0;
        long upserted = 0;
        long deleted = 0;
        long failed = 0;
        List<BatchReport.WriteFailure> failures = new ArrayList<>();
        while (true) {
            Bson page = last == null ? filter : Filters.and(filter, Filters.gt("_id", last));
            List<BsonDocument> documents = source.find(page).sort(Sorts.ascending("_id")).limit(batchSize)
                    .into(new ArrayList<>(batchSize));
            if (documents.isEmpty()) {
                break;
            }
            List<WriteModel<BsonDocument>> writes = new ArrayList<>();
            List<BsonValue> origin = new ArrayList<>();
            for (BsonDocument document : documents) {
                for (WriteModel<BsonDocument> write : handler.writes(document)) {
                    writes.add(write);
                    origin.add(document.get("_id"));
                }
            }
            if (!writes.isEmpty()) {
                BulkWriteResult result;
                try {
                    result = target.bulkWrite(writes, new BulkWriteOptions().ordered(false));
                } catch (MongoBulkWriteException e) {
                    result = e.getWriteResult();
                    for (BulkWriteError error : e.getWriteErrors()) {
                        failed++;
                        if (failures.size() < MAX_RECORDED_FAILURES) {
                            BsonValue id = origin.get(error.getIndex());
                            failures.add(new BatchReport.WriteFailure(new BsonDocument("_id", id).toJson(),
                                    error.getCode(), error.getMessage()));
                        }
                    }
                    if (e.getWriteConcernError() != null) {
                        throw e; // not acknowledged as asked: do not checkpoint past it
                    }
                }
                inserted += result.getInsertedCount();
                modified += result.getModifiedCount();
                upserted += result.getUpserts().size();
                deleted += result.getDeletedCount();
            }
            last = documents.get(documents.size() - 1).get("_id");
            read += documents.size();
            done += documents.size();
            batches++;
            checkpoint.save(last, done);
            progress.advance(documents.size());
            pause();
        }
        checkpoint.clear();
        return new BatchReport(name, read, batches, inserted, modified, upserted, deleted, failures, failed,
                resumed);
    }

    private void pause() {
        if (!pause.isZero()) {
            try {
                TimeUnit.NANOSECONDS.sleep(pause.toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("batched step '" + name + "' was interrupted", e);
            }
        }
    }

    @Override
    public String toString() {
        return "Batches{" + name + ", " + source.getNamespace() + " -> " + target.getNamespace() + ", batch "
                + batchSize + "}";
    }
}
