package dev.tenantry.migration.batch;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCursorNotFoundException;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Progress;
import dev.tenantry.migration.ProgressListener;
import dev.tenantry.migration.internal.BsonOrder;
import dev.tenantry.migration.internal.BsonValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batched data-migration step: the source collection read in {@code _id} order, a page at a time from one cursor
 * (reopened after the last acknowledged {@code _id} if the server drops it; no skip), each document turned into
 * writes by a {@link Handler}, each page's writes applied as one unordered bulk write, and a {@link Checkpoint} saved
 * after every acknowledged batch. Rerun after an interruption, the step resumes after the last checkpoint; the batch
 * that was written but not checkpointed is written again, so handlers must produce idempotent writes (deterministic
 * {@code _id}s for inserts, {@code $set} rather than {@code $inc}). An item the server refuses (a duplicate key, a
 * validation error) is recorded in the report and the step goes on.
 *
 * <pre>{@code
 * BatchReport report = Batches.over(users).filter(eq("role", "customer")).into(customers)
 *         .checkpoint(Checkpoint.stored(progress, "split-customers"))
 *         .run(user -> List.of(new InsertOneModel<>(customerOf(user))));
 * }</pre>
 *
 * <p>{@code _id}s of any mix of BSON types are paged in the server's sort order across type brackets (numbers,
 * strings, documents, binary data, ObjectIds, booleans, dates, timestamps, ...). MongoDB compares {@code $gt} only
 * within a bracket, so a checkpoint records the last {@code _id} with its bracket, and a resumed step reads the
 * {@code _id}s after it in that bracket and then every later bracket:
 * {@code {$or: [{_id: {$gt: last}}, {_id: {$type: [<later brackets>]}}]}}. {@code _id}s of the deprecated types that
 * have no portable {@code $type} alias (symbols, JavaScript, DBPointers) stop the step with an error rather than be
 * skipped on resumption.
 *
 * <p>A step's tallies (and whatever its handler {@link #carry carries}) are saved with every checkpoint, so the
 * report of a resumed step counts every run since it started.
 *
 * <p>Not thread-safe: configure and run a step on one thread (its read-ahead, when turned on, runs on a thread of its
 * own that the step starts and stops). Run different steps on different instances.
 *
 * @since 0.1
 */
public final class Batches {

    /**
     * Documents per batch unless set: of a {@code Batches} step, of the batched steps in {@code
     * dev.tenantry.migration.steps}, and of the verifier's reference checks.
     */
    public static final int DEFAULT_BATCH_SIZE = 1000;
    /** The most documents one batch may be set to hold. */
    public static final int MAX_BATCH_SIZE = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(Batches.class);
    private static final int MAX_RECORDED_FAILURES = 1000;
    private static final Bson ID_ORDER = Sorts.ascending("_id");

    /**
     * Turns one source document into the writes it needs (none, one or several).
     *
     * <p>Called on the thread that runs the step, one document at a time.
     */
    @FunctionalInterface
    public interface Handler {
        /** The writes for {@code document}. */
        List<? extends WriteModel<BsonDocument>> writes(BsonDocument document);
    }

    /**
     * Turns a whole page of source documents into writes, for steps that look up related documents once per page
     * (one {@code $in} query) rather than once per document.
     *
     * <p>Called on the thread that runs the step, one page at a time.
     */
    @FunctionalInterface
    public interface PageHandler {
        /** The writes for {@code page}, a list of source documents in {@code _id} order. */
        List<? extends WriteModel<BsonDocument>> writes(List<BsonDocument> page);
    }

    /**
     * State a step keeps across an interruption along with its position: snapshotted after each page is turned into
     * writes, saved with that page's checkpoint, and restored when the step resumes from it.
     *
     * <p>Called on the thread that runs the step, never from two threads at once.
     */
    public interface Carried {
        /** The state now, as BSON (a copy: it is saved later, on another thread). */
        BsonDocument snapshot();

        /** Restores the state a checkpoint saved. */
        void restore(BsonDocument saved);
    }

    private final MongoCollection<BsonDocument> source;
    private MongoCollection<BsonDocument> target;
    private Bson filter = new BsonDocument();
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Checkpoint checkpoint = Checkpoint.inMemory();
    private Duration pause = Duration.ZERO;
    private String name = "batch";
    private @Nullable Bson projection;
    private Runnable beforeWrite = () -> { };
    private ProgressListener progressListener = ProgressListener.NONE;
    private @Nullable MongoClient transactionClient;
    private boolean readAhead;
    private @Nullable Carried carried;
    private Function<WriteModel<BsonDocument>, String> origin = Batches::describe;

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
     * Documents per batch (default {@value #DEFAULT_BATCH_SIZE}).
     *
     * @throws IllegalArgumentException if not between 1 and {@value #MAX_BATCH_SIZE}
     */
    public Batches batchSize(int size) {
        if (size < 1 || size > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be between 1 and " + MAX_BATCH_SIZE + ", was " + size);
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

    /** Reads only these fields of each source document ({@code _id} is always read). */
    public Batches projection(Bson projection) {
        this.projection = Objects.requireNonNull(projection, "projection");
        return this;
    }

    /**
     * Runs {@code check} before each batch is written, e.g. a migration's lease check; if it throws, the step stops
     * before the write and the checkpoint holds the last acknowledged batch.
     */
    public Batches beforeWrite(Runnable check) {
        this.beforeWrite = Objects.requireNonNull(check, "check");
        return this;
    }

    /** Reports each batch's progress to {@code listener} as well as to the log. */
    public Batches progressListener(ProgressListener listener) {
        this.progressListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Writes each batch and its checkpoint in one transaction where the server supports transactions (a replica
     * set or a sharded cluster), so a resumed step never writes a batch twice; elsewhere batches are written without
     * one, which is equally correct because handlers' writes are idempotent. A batch with an item the server refuses
     * is written again without a transaction, so the other items land and the refusal is reported as usual.
     */
    public Batches transactions(MongoClient client) {
        this.transactionClient = Objects.requireNonNull(client, "client");
        return this;
    }

    /**
     * Reads and prepares the next batch while the last one is written: the source's next page is read and turned
     * into writes (the handler runs) on this thread while a second thread writes the batch before it and saves its
     * checkpoint. Batches are still written one at a time, in order, each only after the one before it is
     * acknowledged, and the checkpoint still holds the last acknowledged batch if the step stops; but the handler of
     * a page runs before the batch before it is written. Use it only when handlers do not read what earlier batches
     * write (the collection written, when lookups go to it); the migration kit's own steps turn it on when they do
     * not. Off by default.
     */
    public Batches readAhead() {
        this.readAhead = true;
        return this;
    }

    /**
     * Saves {@code state} with every checkpoint and restores it when the step resumes, e.g. a step's counts of
     * documents it left alone, so its report covers every run.
     */
    public Batches carry(Carried state) {
        this.carried = Objects.requireNonNull(state, "state");
        return this;
    }

    /**
     * How an item the server refused is named in the report when the step runs a {@link PageHandler} (default: the
     * written document's {@code _id}, or the write's filter), e.g. by the source documents it came from. Called on
     * the thread that writes; it must be thread-safe.
     */
    public Batches origins(Function<WriteModel<BsonDocument>, String> origin) {
        this.origin = Objects.requireNonNull(origin, "origin");
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
        return execute(handler, null);
    }

    /**
     * Runs the step from its checkpoint to the end with a handler that sees each page whole, then clears the
     * checkpoint. Failures are reported with the written document's {@code _id} or the write's filter.
     *
     * @throws RuntimeException what the handler or the server throws (other than refused items); the checkpoint
     *     then holds the last acknowledged batch
     */
    public BatchReport runPages(PageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return execute(null, handler);
    }

    private BatchReport execute(@Nullable Handler perDocument, @Nullable PageHandler perPage) {
        Checkpoint.Position start = checkpoint.load();
        boolean resumed = start != null;
        @Nullable BsonValue last = start == null ? null : start.lastId();
        long done = start == null ? 0 : start.done();
        Tally tally = new Tally();
        if (start != null) {
            tally.restore(start.carried().getDocument("tally", new BsonDocument()));
            if (carried != null) {
                carried.restore(start.carried().getDocument("step", new BsonDocument()));
            }
            refuseUnportableIds();
        }
        long remaining = source.countDocuments(after(last));
        Progress progress = Progress.of(resumed ? name + " (resumed after " + done + " documents)" : name,
                remaining, progressListener);
        boolean transactional = transactionClient != null && supportsTransactions(transactionClient);
        @Nullable ExecutorService writer = readAhead ? Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tenantry-batches-" + name);
            thread.setDaemon(true);
            return thread;
        }) : null;
        @Nullable Batch inFlight = null;
        @Nullable Future<Tally> written = null;
        try (Pages pages = new Pages(last)) {
            while (true) {
                List<BsonDocument> documents = pages.next();
                @Nullable Batch batch = documents.isEmpty() ? null
                        : prepare(documents, inFlight != null ? inFlight.doneAfter : done, perDocument, perPage,
                                carried);
                if (written != null) {
                    // the batch read ahead is ready; the one before it must be acknowledged before it is written
                    Future<Tally> settling = written;
                    written = null; // settled here, whatever the outcome
                    done = acknowledge(Objects.requireNonNull(inFlight), await(settling), tally, progress);
                    inFlight = null;
                }
                if (batch == null) {
                    break;
                }
                beforeWrite.run();
                Tally before = tally.copy(); // every batch before this one is acknowledged and counted
                if (writer == null) {
                    done = acknowledge(batch, writeAndCheckpoint(batch, before, transactional), tally, progress);
                } else {
                    written = writer.submit(() -> writeAndCheckpoint(batch, before, transactional));
                    inFlight = batch;
                }
            }
        } catch (RuntimeException | Error e) {
            if (written != null) {
                // settle the batch in flight, so that the checkpoint holds the last acknowledged batch when this
                // step ends; a failure of that write is reported along with the first one
                try {
                    await(written);
                } catch (RuntimeException | Error alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            throw e;
        } finally {
            if (writer != null) {
                writer.shutdown();
            }
        }
        checkpoint.clear();
        return new BatchReport(name, tally.read, tally.batches, tally.inserted, tally.modified, tally.upserted,
                tally.deleted, tally.failures, tally.failed, resumed);
    }

    /** A page turned into its writes, with where the step stands once they are acknowledged. */
    private record Batch(List<WriteModel<BsonDocument>> writes, @Nullable List<BsonValue> sources, int size,
                         BsonValue lastOfPage, long doneAfter, BsonDocument carriedAfter) {
    }

    /**
     * The writes {@code documents} need, from whichever handler the step has, with the step's carried state as it
     * stands once they are written.
     */
    private static Batch prepare(List<BsonDocument> documents, long doneBefore, @Nullable Handler perDocument,
            @Nullable PageHandler perPage, @Nullable Carried carried) {
        List<WriteModel<BsonDocument>> writes = new ArrayList<>();
        @Nullable List<BsonValue> sources = null; // per write: the _id of the document it came from
        if (perDocument != null) {
            sources = new ArrayList<>();
            for (BsonDocument document : documents) {
                for (WriteModel<BsonDocument> write : perDocument.writes(document)) {
                    writes.add(write);
                    sources.add(document.get("_id"));
                }
            }
        } else {
            writes.addAll(Objects.requireNonNull(perPage).writes(documents));
        }
        return new Batch(writes, sources, documents.size(), BsonValues.id(documents.get(documents.size() - 1)),
                doneBefore + documents.size(), carried == null ? new BsonDocument() : carried.snapshot());
    }

    /**
     * Writes {@code batch} and saves its checkpoint (in one transaction where there are transactions), with the
     * step's tallies: {@code before}, the batches acknowledged before it, and this one.
     */
    private Tally writeAndCheckpoint(Batch batch, Tally before, boolean transactional) {
        Tally tallied = new Tally();
        if (!transactional || !writeInTransaction(batch, before, tallied)) {
            write(batch.writes(), batch.sources(), tallied);
            checkpoint.save(position(batch, before, tallied));
        }
        return tallied;
    }

    /** Where the step stands once {@code batch} is acknowledged. */
    private static Checkpoint.Position position(Batch batch, Tally before, Tally tallied) {
        Tally total = before.copy();
        total.add(tallied);
        total.read += batch.size();
        total.batches++;
        return new Checkpoint.Position(batch.lastOfPage(), batch.doneAfter(),
                new BsonDocument("tally", total.saved()).append("step", batch.carriedAfter()));
    }

    /** Counts an acknowledged batch, reports progress, pauses if asked to; returns the documents done. */
    private long acknowledge(Batch batch, Tally tallied, Tally tally, Progress progress) {
        tally.add(tallied);
        tally.read += batch.size();
        tally.batches++;
        progress.advance(batch.size());
        pause();
        return batch.doneAfter();
    }

    /** The outcome of a write in flight, waited for even if this thread is interrupted meanwhile. */
    private static Tally await(Future<Tally> written) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return written.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The step's filter, restricted to the documents after {@code last} in {@code _id} order (all when null): those
     * after it within its type bracket ({@code $gt} compares within one), and those of every later bracket.
     */
    private Bson after(@Nullable BsonValue last) {
        if (last == null) {
            return filter;
        }
        List<String> later = BsonOrder.aliasesAfter(BsonOrder.bracket(last));
        Bson next = later.isEmpty() ? Filters.gt("_id", last)
                : Filters.or(Filters.gt("_id", last), BsonOrder.typeIn("_id", later));
        return Filters.and(filter, next);
    }

    /**
     * Refuses to resume over {@code _id}s of a type no portable {@code $type} alias names (symbols, JavaScript,
     * DBPointers): {@link #after} could not say whether they lie before or after the checkpoint, and would skip
     * them. One query, on resumption only.
     */
    private void refuseUnportableIds() {
        BsonDocument odd = source.find(Filters.and(filter, Filters.not(BsonOrder.typeIn("_id",
                BsonOrder.allAliases())))).projection(Projections.include("_id")).first();
        if (odd != null) {
            throw unportable(BsonValues.id(odd));
        }
    }

    private IllegalStateException unportable(BsonValue id) {
        return new IllegalStateException("batched step '" + name + "' over " + source.getNamespace()
                + " met _id " + BsonValues.show(id) + " of type " + id.getBsonType() + ", which no portable $type"
                + " alias names, so a resumed step could skip it; give such documents _ids of another type first");
    }

    /**
     * The source read as pages of one cursor in {@code _id} order (hinted to the {@code _id} index, so the server
     * never sorts in memory), rather than one query per page: a page costs one {@code getMore}, and the server does
     * not search for the page's start again. If the server drops the cursor between pages (an idle timeout, a
     * failover), the next page reopens it after the last {@code _id} of the page before, which the step has taken
     * (and written, or is writing when it reads ahead).
     */
    private final class Pages implements AutoCloseable {
        /** The last {@code _id} taken: of the last page returned, or the checkpoint's. */
        private @Nullable BsonValue taken;
        private @Nullable MongoCursor<BsonDocument> cursor;

        Pages(@Nullable BsonValue taken) {
            this.taken = taken;
        }

        List<BsonDocument> next() {
            List<BsonDocument> page;
            try {
                page = fill();
            } catch (MongoCursorNotFoundException e) {
                LOG.debug("{}: the server dropped the cursor; reopening it after the last page taken", name, e);
                close();
                page = fill();
            }
            if (!page.isEmpty()) {
                taken = page.get(page.size() - 1).get("_id");
            }
            return page;
        }

        private List<BsonDocument> fill() {
            if (cursor == null) {
                var find = source.find(after(taken)).sort(ID_ORDER).hint(ID_ORDER).batchSize(batchSize);
                if (projection != null) {
                    find = find.projection(projection);
                }
                cursor = find.iterator();
            }
            List<BsonDocument> page = new ArrayList<>(Math.min(batchSize, 1024));
            while (page.size() < batchSize && cursor.hasNext()) {
                BsonDocument document = cursor.next();
                BsonValue id = document.get("_id");
                if (id != null && !BsonOrder.portable(id.getBsonType())) {
                    throw unportable(id);
                }
                page.add(document);
            }
            return page;
        }

        @Override
        public void close() {
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }
    }

    /** Writes one batch and its checkpoint in a transaction; false if an item was refused and nothing was written. */
    private boolean writeInTransaction(Batch batch, Tally before, Tally tally) {
        List<WriteModel<BsonDocument>> writes = batch.writes();
        try (ClientSession session = Objects.requireNonNull(transactionClient).startSession()) {
            Tally inTransaction = session.withTransaction(() -> {
                Tally t = new Tally();
                if (!writes.isEmpty()) {
                    t.add(target.bulkWrite(session, writes, new BulkWriteOptions().ordered(false)));
                }
                checkpoint.save(session, position(batch, before, t));
                return t;
            });
            tally.inserted += inTransaction.inserted;
            tally.modified += inTransaction.modified;
            tally.upserted += inTransaction.upserted;
            tally.deleted += inTransaction.deleted;
            return true;
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            return false; // the transaction was aborted; the caller writes the batch item by item
        }
    }

    /**
     * Writes one batch as an unordered bulk write; each refused item is recorded with the {@code _id} of the document
     * it came from ({@code sources}, per-document handlers) or, for page handlers, the written document's {@code _id}
     * or the write's filter.
     */
    private void write(List<WriteModel<BsonDocument>> writes, @Nullable List<BsonValue> sources, Tally tally) {
        if (writes.isEmpty()) {
            return;
        }
        BulkWriteResult result;
        try {
            result = target.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            result = e.getWriteResult();
            for (BulkWriteError error : e.getWriteErrors()) {
                tally.failed++;
                if (tally.failures.size() < MAX_RECORDED_FAILURES) {
                    String where = sources != null
                            ? new BsonDocument("_id", sources.get(error.getIndex())).toJson()
                            : origin.apply(writes.get(error.getIndex()));
                    tally.failures.add(new BatchReport.WriteFailure(where, error.getCode(), error.getMessage()));
                }
            }
            if (e.getWriteConcernError() != null) {
                throw e; // not acknowledged as asked: do not checkpoint past it
            }
        }
        tally.add(result);
    }

    private static String describe(WriteModel<BsonDocument> write) {
        if (write instanceof InsertOneModel<BsonDocument> insert) {
            BsonValue id = insert.getDocument().get("_id");
            return id == null ? "{}" : new BsonDocument("_id", id).toJson();
        } else if (write instanceof UpdateOneModel<BsonDocument> update) {
            return String.valueOf(update.getFilter());
        } else if (write instanceof UpdateManyModel<BsonDocument> update) {
            return String.valueOf(update.getFilter());
        } else if (write instanceof ReplaceOneModel<BsonDocument> replace) {
            return String.valueOf(replace.getFilter());
        } else if (write instanceof DeleteOneModel<BsonDocument> delete) {
            return String.valueOf(delete.getFilter());
        } else if (write instanceof DeleteManyModel<BsonDocument> delete) {
            return String.valueOf(delete.getFilter());
        }
        return write.toString();
    }

    /**
     * Whether {@code client} reaches a deployment with transactions: a replica set or a sharded cluster on a server
     * with logical sessions. Asked once per run.
     */
    static boolean supportsTransactions(MongoClient client) {
        Document hello;
        try {
            hello = client.getDatabase("admin").runCommand(new Document("hello", 1));
        } catch (MongoCommandException e) {
            hello = client.getDatabase("admin").runCommand(new Document("isMaster", 1));
        }
        boolean replicated = hello.get("setName") != null || "isdbgrid".equals(hello.get("msg"));
        boolean sessions = hello.get("logicalSessionTimeoutMinutes") != null;
        Object wire = hello.get("maxWireVersion");
        boolean recent = wire instanceof Number n && n.intValue() >= 8;
        boolean supported = replicated && sessions && recent;
        if (!supported) {
            LOG.debug("the server has no transactions (a standalone or an old server): batches are written one by"
                    + " one, and a resumed step rewrites at most one batch");
        }
        return supported;
    }

    private static final class Tally {
        long read;
        long batches;
        long inserted;
        long modified;
        long upserted;
        long deleted;
        long failed;
        final List<BatchReport.WriteFailure> failures = new ArrayList<>();

        /** A copy of the counts (the failures named are this run's and stay behind). */
        Tally copy() {
            Tally t = new Tally();
            t.read = read;
            t.batches = batches;
            t.inserted = inserted;
            t.modified = modified;
            t.upserted = upserted;
            t.deleted = deleted;
            t.failed = failed;
            return t;
        }

        BsonDocument saved() {
            return new BsonDocument("read", new BsonInt64(read)).append("batches", new BsonInt64(batches))
                    .append("inserted", new BsonInt64(inserted)).append("modified", new BsonInt64(modified))
                    .append("upserted", new BsonInt64(upserted)).append("deleted", new BsonInt64(deleted))
                    .append("failed", new BsonInt64(failed));
        }

        void restore(BsonDocument saved) {
            read = count(saved, "read");
            batches = count(saved, "batches");
            inserted = count(saved, "inserted");
            modified = count(saved, "modified");
            upserted = count(saved, "upserted");
            deleted = count(saved, "deleted");
            failed = count(saved, "failed");
        }

        private static long count(BsonDocument saved, String key) {
            return saved.getNumber(key, new BsonInt64(0)).longValue();
        }

        /** Adds what another tally of writes counted (not its reads or batches). */
        void add(Tally other) {
            inserted += other.inserted;
            modified += other.modified;
            upserted += other.upserted;
            deleted += other.deleted;
            failed += other.failed;
            for (BatchReport.WriteFailure failure : other.failures) {
                if (failures.size() < MAX_RECORDED_FAILURES) {
                    failures.add(failure);
                }
            }
        }

        void add(BulkWriteResult result) {
            inserted += result.getInsertedCount();
            modified += result.getModifiedCount();
            upserted += result.getUpserts().size();
            deleted += result.getDeletedCount();
        }
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
