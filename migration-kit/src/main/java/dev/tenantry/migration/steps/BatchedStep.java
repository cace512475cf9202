package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.batch.BatchReport;
import dev.tenantry.migration.batch.Batches;
import dev.tenantry.migration.batch.Checkpoint;
import dev.tenantry.migration.internal.BsonValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the batched steps share: the collection paged through, a filter, the batch settings, where the step's
 * checkpoint lives (a migration run's, a given one, or memory), what it does with documents it cannot resolve
 * ({@link OnUnresolved}), and how it reports and fails.
 *
 * @param <S> the step's own type, returned by the settings methods
 */
abstract class BatchedStep<S extends BatchedStep<S>> implements Step {


    private static final Logger LOG = LoggerFactory.getLogger(BatchedStep.class);

    final MongoCollection<BsonDocument> collection;
    private Bson filter = new BsonDocument();
    private @Nullable String name;
    private int batchSize = Batches.DEFAULT_BATCH_SIZE;
    private Duration throttle = Duration.ZERO;
    private @Nullable Checkpoint checkpoint;
    private @Nullable MigrationContext context;
    private OnUnresolved onUnresolved = OnUnresolved.FAIL;
    private @Nullable MongoCollection<BsonDocument> quarantine;
    /** The counts of the run in progress; a new one per run. */
    StepState state = new StepState();

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
     * Documents per batch (default {@value Batches#DEFAULT_BATCH_SIZE}); each batch is one bulk write and one checkpoint.
     *
     * @param size between 1 and {@value Batches#MAX_BATCH_SIZE}
     * @return this step
     * @throws IllegalArgumentException if out of range
     */
    public S batchSize(int size) {
        if (size < 1 || size > Batches.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be between 1 and " + Batches.MAX_BATCH_SIZE + ", was "
                    + size);
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

    /**
     * What the step does with documents it cannot resolve (a relation that names nothing, a value that cannot be
     * derived): {@link OnUnresolved#FAIL fail} once everything else is done (the default), move them to
     * {@link OnUnresolved#QUARANTINE quarantine}, or {@link OnUnresolved#SKIP leave them} and report them.
     *
     * @param policy the policy
     * @return this step
     */
    public S onUnresolved(OnUnresolved policy) {
        this.onUnresolved = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /**
     * Where {@link OnUnresolved#QUARANTINE quarantined} documents go (default: {@code <collection>_quarantine} in
     * the database of the migration run the step runs {@link #in}; a step run on its own must be given one).
     *
     * @param quarantine the quarantine collection
     * @return this step
     */
    public S quarantineTo(MongoCollection<BsonDocument> quarantine) {
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        return self();
    }

    /** The quarantine collection of the paged collection. */
    final MongoCollection<BsonDocument> quarantine() {
        if (quarantine != null) {
            return quarantine;
        }
        if (context != null && context.database().getName().equals(collection.getNamespace().getDatabaseName())) {
            return context.database().getCollection(Quarantines.nameOf(collection), BsonDocument.class);
        }
        throw new IllegalStateException("step '" + name() + "' quarantines documents but has no quarantine"
                + " collection: give quarantineTo(collection), or run it in a migration (in(ctx)) on the database"
                + " of " + collection.getNamespace());
    }

    final OnUnresolved onUnresolved() {
        return onUnresolved;
    }

    final @Nullable MigrationContext context() {
        return context;
    }

    /** Checks the migration's lease, if the step runs in one. */
    final void checkLease() {
        if (context != null) {
            context.checkLease();
        }
    }

    /** The collections the step writes: the paged one, and its quarantine when it quarantines. */
    Set<String> written(String... others) {
        Set<String> out = new LinkedHashSet<>();
        out.add(collectionName());
        out.addAll(List.of(others));
        if (onUnresolved == OnUnresolved.QUARANTINE) {
            out.add(quarantine != null ? quarantine.getNamespace().getCollectionName()
                    : Quarantines.nameOf(collection));
        }
        return out;
    }

    /** The filter the user gave and {@code extra}, composed. */
    final Bson scope(Bson extra) {
        return Filters.and(filter, extra);
    }

    /** The filter the user gave. */
    final Bson userFilter() {
        return filter;
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
     * could miss what the batch before wrote. It starts a new {@link #state}, carried with every checkpoint.
     */
    final Batches batches(Bson pageFilter, MongoCollection<BsonDocument> written,
            List<@Nullable MongoCollection<BsonDocument>> lookedUp) {
        if (onUnresolved == OnUnresolved.QUARANTINE) {
            quarantine(); // fail before anything is written if there is none
        }
        Batches batches = context != null ? context.batches(name(), collection)
                : Batches.over(collection).name(name())
                        .checkpoint(checkpoint != null ? checkpoint : Checkpoint.inMemory());
        state = new StepState();
        batches.filter(pageFilter).batchSize(batchSize).throttle(throttle).carry(state);
        boolean independent = lookedUp.stream().noneMatch(c -> c != null
                && c.getNamespace().equals(written.getNamespace()));
        return independent ? batches.readAhead() : batches;
    }

    /**
     * Settles the unresolved documents of the page just prepared by the step's policy: counted as left alone
     * ({@link OnUnresolved#FAIL}, {@link OnUnresolved#SKIP}), or copied to quarantine
     * ({@link OnUnresolved#QUARANTINE}) and deleted from the paged collection, by the returned writes when the
     * batch writes the paged collection ({@code batchWritesPaged}), else at once.
     *
     * @return writes to add to the page's batch
     */
    final List<WriteModel<BsonDocument>> settle(boolean batchWritesPaged) {
        Map<BsonValue, StepState.Miss> page = state.takePage();
        if (page.isEmpty()) {
            return List.of();
        }
        if (onUnresolved != OnUnresolved.QUARANTINE) {
            page.forEach((id, miss) -> state.leftAlone(id, miss.reason()));
            return List.of();
        }
        Map<BsonValue, String> reasons = new LinkedHashMap<>();
        page.forEach((id, miss) -> reasons.put(id, miss.reason()));
        List<WriteModel<BsonDocument>> deletes = Quarantines.copy(collection, quarantine(), reasons, name(),
                this::checkLease);
        state.count(StepReport.QUARANTINED, deletes.size());
        if (batchWritesPaged || deletes.isEmpty()) {
            return deletes;
        }
        checkLease();
        collection.bulkWrite(deletes, new BulkWriteOptions().ordered(false));
        return List.of();
    }

    /**
     * The report of a run, logged, and counted in the migration's history when there is one.
     *
     * @throws StepFailedException if the step left work undone that its policies say fails it
     */
    final StepReport report(BatchReport batch) {
        StepReport report = new StepReport(batch, state.unresolved(), state.samples(), state.counts(),
                state.conflicts());
        if (report.unresolved() > 0) {
            LOG.warn("{}: {} documents left alone (unresolved); first: {}", report.step(), report.unresolved(),
                    report.samples().get(0));
        }
        if (report.quarantined() > 0) {
            LOG.warn("{}: {} documents moved to quarantine", report.step(), report.quarantined());
        }
        if (batch.failed() > 0) {
            LOG.warn("{}: {} writes refused; first: {}", report.step(), batch.failed(), batch.failures().get(0));
        }
        if (context != null) {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put(report.step() + ": written", batch.inserted() + batch.upserted() + batch.modified()
                    + batch.deleted());
            if (report.unresolved() > 0) {
                counts.put(report.step() + ": unresolved", report.unresolved());
            }
            if (batch.failed() > 0) {
                counts.put(report.step() + ": refused", batch.failed());
            }
            report.counts().forEach((name, n) -> counts.put(report.step() + ": " + name, n));
            context.count(counts);
        }
        List<String> why = new ArrayList<>();
        if (report.unresolved() > 0 && onUnresolved == OnUnresolved.FAIL) {
            why.add(report.unresolved() + " " + collectionName() + " documents could not be resolved (quarantine"
                    + " them with onUnresolved(QUARANTINE), or fix the data and run again)");
        }
        if (batch.failed() > 0 && onUnresolved != OnUnresolved.SKIP) {
            why.add(batch.failed() + " writes were refused");
        }
        why.addAll(failures(report));
        if (!why.isEmpty()) {
            throw new StepFailedException(report, String.join("; ", why));
        }
        return report;
    }

    /** The step's plan line, counted as if {@code planning}'s removals had happened; records its own. */
    abstract Plan.Line plan(Planning planning);

    /** What else makes this step's run fail, by its own policies; none by default. */
    List<String> failures(StepReport report) {
        return List.of();
    }

    /**
     * {@code line} plus what the step's policy would do with {@code count} documents it could not resolve:
     * a predicted failure ({@link OnUnresolved#FAIL}), {@code "<collection> to quarantine"} (and the documents
     * recorded as removed, so that later steps' plans leave them out) or {@code "<collection> to leave alone"}.
     *
     * @param reasons the documents by reason, with their {@code _id}s (as many as known)
     */
    final Plan.Line unresolvable(Plan.Line line, Planning planning, Map<String, List<BsonValue>> reasons,
            Map<String, Long> counts) {
        long count = counts.values().stream().mapToLong(Long::longValue).sum();
        if (count == 0 || dependent(planning)) {
            return line;
        }
        String why = counts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
        switch (onUnresolved) {
            case QUARANTINE:
                List<BsonValue> ids = new ArrayList<>();
                reasons.values().forEach(ids::addAll);
                planning.remove(collectionName(), name(), ids);
                return line.with(collectionName() + " to quarantine (" + why + ")", count);
            case SKIP:
                return line.with(collectionName() + " to leave alone (" + why + ")", count);
            default:
                List<String> examples = new ArrayList<>();
                reasons.forEach((reason, of) -> {
                    if (examples.size() < 3 && !of.isEmpty()) {
                        examples.add(BsonValues.show(of.get(0)) + ": " + reason);
                    }
                });
                return line.with(new Plan.Failure(collectionName() + " that cannot be resolved (" + why + ")",
                        count, examples));
        }
    }

    /**
     * For a plan: reads the documents matching {@code filter} a page at a time (one cursor, reads only) and lets
     * {@code resolve} record those it cannot resolve, as a run would; gathers them by category.
     *
     * @param counts receives the number of documents per category
     * @return their {@code _id}s per category (at most {@link Planning#MAX_REMOVED} in all)
     */
    final Map<String, List<BsonValue>> simulate(Bson filter, Bson projection,
            java.util.function.BiConsumer<List<BsonDocument>, StepState> resolve, Map<String, Long> counts) {
        StepState trial = new StepState();
        Map<String, List<BsonValue>> ids = new LinkedHashMap<>();
        int[] kept = {0};
        List<BsonDocument> page = new ArrayList<>(batchSize);
        Runnable flush = () -> {
            resolve.accept(page, trial);
            trial.takePage().forEach((id, miss) -> {
                counts.merge(miss.category(), 1L, Long::sum);
                if (kept[0] < Planning.MAX_REMOVED) {
                    kept[0]++;
                    ids.computeIfAbsent(miss.category(), c -> new ArrayList<>()).add(id);
                }
            });
            page.clear();
        };
        for (BsonDocument doc : collection.find(filter).projection(projection).batchSize(batchSize)) {
            page.add(doc);
            if (page.size() == batchSize) {
                flush.run();
            }
        }
        if (!page.isEmpty()) {
            flush.run();
        }
        return ids;
    }

    /**
     * Whether an earlier step of the plan writes a collection this step reads (other than by quarantining): then
     * what this step could not resolve now may be resolved by then, and its plan predicts no such failure (its line
     * says what it depends on instead).
     */
    final boolean dependent(Planning planning) {
        return reads().stream().anyMatch(read -> planning.writersOf(read).stream().anyMatch(w -> !w.equals(name())));
    }

    /** {@code extra} composed with the step's filter and, when earlier planned steps remove documents, without them. */
    final Bson planScope(Bson extra, Planning planning) {
        Set<BsonValue> removed = planning.removed(collectionName());
        return removed.isEmpty() ? scope(extra) : scope(Filters.and(extra, Filters.nin("_id", removed)));
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
