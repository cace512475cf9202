package dev.tenantry.migration;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import dev.tenantry.migration.batch.Checkpoint;
import java.util.regex.Pattern;
import org.bson.BsonDocument;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Migration}s against one database, in ascending numeric version order, under a lease lock so that two
 * runners never execute the same migration, and records each in a history collection.
 *
 * <p>{@link #migrate()} runs what is pending; {@link #plan()} is the dry run, which only reads; {@link #status()}
 * reports every migration's state. Thread-safe; each call takes the lock afresh.
 *
 * @since 0.1
 */
public final class MigrationRunner {

    /** The plan line that predicts the refusal of a migration whose collections are missing. */
    public static final String READS_LINE = "collections read";

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
    private static final int MAX_TRACE_CHARS = 8_000;

    private final MongoClient client;
    private final MongoDatabase database;
    private final List<Migration> migrations;
    private final String historyCollection;
    private final String lockCollection;
    private final String checkpointCollection;
    private final ProgressListener progressListener;
    private final String owner;
    private final Duration leaseDuration;
    private final Clock clock;
    private final Duration waitForLock;
    private final boolean allowMissingCollections;

    private MigrationRunner(Builder b) {
        this.client = b.client;
        this.database = b.client.getDatabase(b.databaseName);
        List<Migration> sorted = new ArrayList<>(b.migrations);
        sorted.sort(Comparator.comparingLong(Migration::version));
        this.migrations = List.copyOf(sorted);
        this.historyCollection = b.historyCollection;
        this.lockCollection = b.lockCollection;
        this.checkpointCollection = b.checkpointCollection;
        this.progressListener = b.progressListener;
        this.owner = b.owner != null ? b.owner : defaultOwner();
        this.leaseDuration = b.leaseDuration;
        this.clock = b.clock;
        this.waitForLock = b.waitForLock;
        this.allowMissingCollections = b.allowMissingCollections;
    }

    /** Starts a runner for database {@code databaseName} reached through {@code client}. */
    public static Builder builder(MongoClient client, String databaseName) {
        return new Builder(client, databaseName);
    }

    /** This runner's name in the lock and the history. */
    public String owner() {
        return owner;
    }

    /** Every migration with its state from the history, in version order. Only reads. */
    public List<MigrationStatus> status() {
        Map<String, Document> history = history();
        List<MigrationStatus> out = new ArrayList<>(migrations.size());
        for (Migration m : migrations) {
            out.add(status(m, history.get(m.id())));
        }
        return out;
    }

    /**
     * The dry run: what each pending migration would touch, by its {@link Migration#plan plan} step with
     * {@link MigrationContext#dryRun()} true. Writes nothing at all: no lock, no history. Each plan also says what
     * the runner would refuse: a migration that {@link Migration#reads() reads} a missing collection gets a line
     * {@value #READS_LINE} with that failure (or, after an earlier pending migration that may create it, a note).
     * A migration planned after pending ones is counted as the database is now, before they run; its plan notes so.
     *
     * @return each pending migration's id with its plan, in version order
     * @throws MigrationFingerprintException if an executed migration changed, as {@link #migrate()} would
     * @throws MigrationFailedException if a migration is {@link MigrationState#ROLLBACK_FAILED}
     */
    public Map<String, Plan> plan() {
        List<Migration> pending = pending(history());
        Map<String, Plan> plans = new LinkedHashMap<>();
        List<String> before = new ArrayList<>();
        for (Migration m : pending) {
            Context ctx = new Context(m, true, null, Map.of());
            Plan plan = m.plan(ctx);
            for (Map.Entry<String, Long> e : ctx.counts().entrySet()) {
                plan = plan.with(e.getKey(), e.getValue());
            }
            List<String> missing = missingReads(m);
            if (!missing.isEmpty() && !allowMissingCollections) {
                if (before.isEmpty()) {
                    plan = plan.with(Plan.Line.of(READS_LINE).with(new Plan.Failure("collections it reads are"
                            + " missing from " + database.getName() + ", so the runner refuses it", missing.size(),
                            missing)));
                } else {
                    plan = plan.withNote("it reads " + String.join(", ", missing) + ", missing now: the runner"
                            + " refuses it unless an earlier pending migration (" + String.join(", ", before)
                            + ") creates them");
                }
            }
            if (!before.isEmpty()) {
                String now = "as the database is now, before " + String.join(", ", before) + " runs";
                plan = plan.failuresAsNotes(now).withNote("it runs after pending " + String.join(", ", before)
                        + ": its counts are " + now);
            }
            plans.put(m.id(), plan);
            before.add(m.id());
        }
        return Collections.unmodifiableMap(plans);
    }

    /** The collections {@code m} reads that the database lacks, in its order. */
    private List<String> missingReads(Migration m) {
        Set<String> reads = m.reads();
        if (reads.isEmpty()) {
            return List.of();
        }
        Set<String> present = database.listCollectionNames().into(new HashSet<>());
        return reads.stream().filter(name -> !present.contains(name)).sorted().toList();
    }

    private void refuseMissingReads(Migration m) {
        if (allowMissingCollections) {
            return;
        }
        List<String> missing = missingReads(m);
        if (!missing.isEmpty()) {
            LOG.error("migration {} (version {}) refused: it reads {}, which database {} lacks", m.id(),
                    m.version(), missing, database.getName());
            throw new MissingCollectionsException(m.id(), m.version(), database.getName(), missing);
        }
    }

    /**
     * Runs the verify step of executed migration {@code id} again, read-only: its context reports a dry run, no lock
     * is taken and nothing is recorded (the verification after each execute is what the history keeps).
     *
     * @return the migration's report; a verify step that throws is reported as failing with what it threw
     * @throws IllegalArgumentException if this runner has no migration {@code id}
     * @throws IllegalStateException if the migration is not {@link MigrationState#EXECUTED}
     */
    public MigrationReport verify(String id) {
        Migration m = migrations.stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no migration with id " + id));
        MigrationState state = state(database.getCollection(historyCollection).find(Filters.eq("_id", id)).first());
        if (state != MigrationState.EXECUTED) {
            throw new IllegalStateException("migration " + id + " is " + state + ", not EXECUTED: nothing to verify");
        }
        try {
            return m.verify(new Context(m, true, null, Map.of()));
        } catch (RuntimeException e) {
            return MigrationReport.failed("verify step threw " + e);
        }
    }

    /**
     * Runs every pending, {@link MigrationState#FAILED}, {@link MigrationState#ROLLED_BACK} or interrupted
     * ({@link MigrationState#RUNNING}) migration in version order, under the lock. Each is executed, then verified; a
     * failure is rolled back if the migration can, recorded with both errors, and stops the run.
     *
     * @return the status of each migration this call executed, in order
     * @throws MigrationLockedException if another runner holds the lock past {@code waitForLock}
     * @throws MigrationFingerprintException if an executed migration changed since it ran (nothing runs then)
     * @throws MigrationFailedException if a migration failed, or one is {@link MigrationState#ROLLBACK_FAILED}
     * @throws MissingCollectionsException if a migration reads a collection the database lacks (and that is not
     *     {@linkplain Builder#allowMissingCollections() allowed}); checked before the lock is taken for the first
     *     pending migration, so a mistyped database is not even created, and before each later one
     */
    public List<MigrationStatus> migrate() {
        List<Migration> first = pending(history());
        if (!first.isEmpty()) {
            refuseMissingReads(first.get(0));
        }
        LeaseLock lock = new LeaseLock(database.getCollection(lockCollection), owner, clock, leaseDuration);
        acquire(lock);
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tenantry-migration-lease-" + owner);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, leaseDuration.toMillis() / 3);
        refresher.scheduleAtFixedRate(() -> refresh(lock), period, period, TimeUnit.MILLISECONDS);
        try {
            List<Migration> pending = pending(history());
            List<MigrationStatus> ran = new ArrayList<>(pending.size());
            for (Migration m : pending) {
                lock.check();
                refuseMissingReads(m);
                run(m, lock);
                ran.add(status(m, history().get(m.id())));
            }
            return ran;
        } finally {
            refresher.shutdownNow();
            lock.release();
        }
    }

    private void refresh(LeaseLock lock) {
        try {
            if (!lock.refresh()) {
                LOG.warn("runner {} could not refresh its migration lease: it expired or was taken over", owner);
            }
        } catch (RuntimeException e) {
            LOG.warn("runner {} could not refresh its migration lease", owner, e);
        }
    }

    private void acquire(LeaseLock lock) {
        long deadline = System.nanoTime() + waitForLock.toNanos();
        while (!lock.tryAcquire()) {
            Document current = lock.current();
            if (current == null) {
                continue; // released between our two steps: try again at once
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                Date expiresAt = current.getDate("expiresAt");
                throw new MigrationLockedException(String.valueOf(current.get("owner")),
                        expiresAt == null ? null : expiresAt.toInstant());
            }
            LOG.info("migrations are locked by {}; runner {} waits", current.get("owner"), owner);
            try {
                Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(remaining), 200)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException("interrupted while waiting for the migration lock", e);
            }
        }
    }

    private void run(Migration m, LeaseLock lock) {
        MongoCollection<Document> history = database.getCollection(historyCollection);
        Instant start = clock.instant();
        // A run that resumes an interrupted or failed one (its checkpoints kept) adds to that one's counts; after a
        // rollback the data is as it was, and counting starts again.
        Document previous = history.find(Filters.eq("_id", m.id())).first();
        MigrationState was = state(previous);
        boolean resumes = was == MigrationState.RUNNING || was == MigrationState.FAILED;
        Map<String, Long> carried = resumes ? counts(previous) : Map.of();
        int runs = resumes ? runs(previous) + 1 : 1;
        history.replaceOne(Filters.eq("_id", m.id()), new Document("_id", m.id())
                .append("version", m.version())
                .append("description", m.description())
                .append("state", MigrationState.RUNNING.name())
                .append("fingerprint", m.fingerprint())
                .append("startedAt", Date.from(start))
                .append("endedAt", null)
                .append("counts", new Document(new LinkedHashMap<String, Object>(carried)))
                .append("runs", runs)
                .append("error", null)
                .append("rollbackError", null)
                .append("owner", owner), new ReplaceOptions().upsert(true));
        LOG.info("migration {} (version {}) starts{}: {}", m.id(), m.version(),
                resumes ? " (run " + runs + ", resuming)" : "", m.description());
        Context ctx = new Context(m, false, lock, carried);
        try {
            m.execute(ctx);
            MigrationReport report = m.verify(ctx);
            if (!report.passed()) {
                throw new MigrationVerificationException(m.id(), report.problems());
            }
        } catch (LeaseLostException e) {
            // Someone else holds the lock now: rolling back could clash with them.
            finish(history, m, MigrationState.FAILED, ctx, e, null);
            throw new MigrationFailedException(m.id(), m.version(), MigrationState.FAILED, e, null);
        } catch (Exception e) {
            MigrationState state;
            Exception rollbackError = null;
            try {
                m.rollback(ctx);
                state = MigrationState.ROLLED_BACK;
                clearCheckpoints(m); // the data is back as it was: a rerun starts over
            } catch (UnsupportedOperationException noRollback) {
                state = MigrationState.FAILED;
            } catch (Exception r) {
                state = MigrationState.ROLLBACK_FAILED;
                rollbackError = r;
            }
            finish(history, m, state, ctx, e, rollbackError);
            LOG.error("migration {} (version {}) failed, recorded as {}: {}{}", m.id(), m.version(), state, e,
                    rollbackError == null ? "" : "; rollback failed too: " + rollbackError);
            throw new MigrationFailedException(m.id(), m.version(), state, e, rollbackError);
        }
        clearCheckpoints(m);
        finish(history, m, MigrationState.EXECUTED, ctx, null, null);
        LOG.info("migration {} (version {}) executed in {}", m.id(), m.version(),
                Duration.between(start, clock.instant()));
    }

    private void clearCheckpoints(Migration m) {
        database.getCollection(checkpointCollection)
                .deleteMany(Filters.regex("_id", "^" + Pattern.quote(m.id() + "/")));
    }

    /** Records the end of a run, only if this runner's run is still the one on record. */
    private void finish(MongoCollection<Document> history, Migration m, MigrationState state, Context ctx,
            @Nullable Throwable error, @Nullable Throwable rollbackError) {
        long matched = history.updateOne(
                Filters.and(Filters.eq("_id", m.id()), Filters.eq("owner", owner),
                        Filters.eq("state", MigrationState.RUNNING.name())),
                Updates.combine(
                        Updates.set("state", state.name()),
                        Updates.set("endedAt", Date.from(clock.instant())),
                        Updates.set("counts", new Document(new LinkedHashMap<String, Object>(ctx.counts()))),
                        Updates.set("error", error == null ? null : error.toString()),
                        Updates.set("errorTrace", trace(error)),
                        Updates.set("rollbackError", rollbackError == null ? null : rollbackError.toString()),
                        Updates.set("rollbackErrorTrace", trace(rollbackError)))).getMatchedCount();
        if (matched == 0) {
            LOG.warn("migration {} ended as {} but another runner has taken it over; its record is theirs",
                    m.id(), state);
        }
    }

    private static @Nullable String trace(@Nullable Throwable t) {
        if (t == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        String s = out.toString();
        return s.length() > MAX_TRACE_CHARS ? s.substring(0, MAX_TRACE_CHARS) + "..." : s;
    }

    private Map<String, Document> history() {
        Map<String, Document> out = new HashMap<>();
        for (Document d : database.getCollection(historyCollection).find()) {
            out.put(String.valueOf(d.get("_id")), d);
        }
        return out;
    }

    /** The migrations to run, after refusing on changed fingerprints and failed rollbacks. */
    private List<Migration> pending(Map<String, Document> history) {
        List<String> changed = new ArrayList<>();
        List<String> details = new ArrayList<>();
        List<Migration> pending = new ArrayList<>();
        for (Migration m : migrations) {
            Document d = history.get(m.id());
            MigrationState state = state(d);
            if (state == MigrationState.EXECUTED) {
                String recorded = d == null ? null : d.getString("fingerprint");
                String now = m.fingerprint();
                if (!now.equals(recorded)) {
                    changed.add(m.id());
                    details.add(m.id() + " (version " + m.version() + ") ran with fingerprint " + recorded
                            + " but is now " + now);
                }
            } else if (state == MigrationState.ROLLBACK_FAILED) {
                throw new MigrationFailedException(m.id(), state, "migration " + m.id() + " (version "
                        + m.version() + ") failed and so did its rollback: " + (d == null ? null : d.get("error"))
                        + "; rollback: " + (d == null ? null : d.get("rollbackError"))
                        + ". Repair the data, then delete its document from " + historyCollection
                        + " to run it again");
            } else {
                pending.add(m);
            }
        }
        if (!changed.isEmpty()) {
            throw new MigrationFingerprintException(changed, String.join("; ", details));
        }
        return pending;
    }

    private static MigrationState state(@Nullable Document d) {
        return d == null ? MigrationState.PENDING : MigrationState.valueOf(d.getString("state"));
    }

    private static MigrationStatus status(Migration m, @Nullable Document d) {
        if (d == null) {
            return new MigrationStatus(m.id(), m.version(), m.description(), MigrationState.PENDING, false,
                    null, null, Map.of(), 0, null, null);
        }
        MigrationState state = state(d);
        boolean changed = state == MigrationState.EXECUTED && !m.fingerprint().equals(d.getString("fingerprint"));
        return new MigrationStatus(m.id(), m.version(), m.description(), state, changed,
                instant(d.getDate("startedAt")), instant(d.getDate("endedAt")), counts(d), runs(d),
                d.getString("error"), d.getString("rollbackError"));
    }

    private static Map<String, Long> counts(@Nullable Document d) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Document c = d == null ? null : d.get("counts", Document.class);
        if (c != null) {
            c.forEach((k, v) -> counts.put(k, ((Number) v).longValue()));
        }
        return counts;
    }

    /** Runs recorded before history documents counted them count as one. */
    private static int runs(@Nullable Document d) {
        Object runs = d == null ? null : d.get("runs");
        return runs instanceof Number n ? n.intValue() : d == null ? 0 : 1;
    }

    private static @Nullable Instant instant(@Nullable Date date) {
        return date == null ? null : date.toInstant();
    }

    private static String defaultOwner() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL);
    }

    private final class Context implements MigrationContext {

        private final Migration migration;
        private final boolean dryRun;
        private final @Nullable LeaseLock lock;
        private final Map<String, Long> counts = new LinkedHashMap<>();

        Context(Migration migration, boolean dryRun, @Nullable LeaseLock lock, Map<String, Long> carried) {
            this.migration = migration;
            this.dryRun = dryRun;
            this.lock = lock;
            this.counts.putAll(carried);
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
            if (lock != null) {
                lock.check();
            }
        }

        @Override
        public Progress progress(String step, long total) {
            return Progress.of(step, total, progressListener);
        }

        @Override
        public ProgressListener progressListener() {
            return progressListener;
        }

        @Override
        public Checkpoint checkpoint(String step) {
            Objects.requireNonNull(step, "step");
            if (dryRun) {
                throw new IllegalStateException("a dry run keeps no checkpoints: step " + step + " of migration "
                        + migration.id() + " must only read in plan()");
            }
            return Checkpoint.stored(database.getCollection(checkpointCollection, BsonDocument.class),
                    migration.id() + "/" + step);
        }

        @Override
        public void count(String name, long n) {
            count(Map.of(Objects.requireNonNull(name, "name"), n));
        }

        /**
         * Adds the counts and, in a run, writes them all to the history at once (under this runner's ownership of
         * the run), so that a run killed later still leaves them for the run that resumes it.
         */
        @Override
        public synchronized void count(Map<String, Long> add) {
            add.forEach((name, n) -> counts.merge(Objects.requireNonNull(name, "name"), n, Long::sum));
            if (!dryRun && !add.isEmpty()) {
                database.getCollection(historyCollection).updateOne(Filters.and(Filters.eq("_id", migration.id()),
                        Filters.eq("owner", owner), Filters.eq("state", MigrationState.RUNNING.name())),
                        Updates.set("counts", new Document(new LinkedHashMap<String, Object>(counts))));
            }
        }

        synchronized Map<String, Long> counts() {
            return new LinkedHashMap<>(counts);
        }
    }

    /**
     * Configures a {@link MigrationRunner}.
     *
     * <p>Not thread-safe: configure a builder on one thread, then build.
     *
     * @since 0.1
     */
    public static final class Builder {

        private final MongoClient client;
        private final String databaseName;
        private final List<Migration> migrations = new ArrayList<>();
        private String historyCollection = "tenantry_migrations";
        private String lockCollection = "tenantry_migration_lock";
        private String checkpointCollection = "tenantry_migration_checkpoints";
        private ProgressListener progressListener = ProgressListener.NONE;
        private @Nullable String owner;
        private Duration leaseDuration = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private Duration waitForLock = Duration.ZERO;
        private boolean allowMissingCollections;

        private Builder(MongoClient client, String databaseName) {
            this.client = Objects.requireNonNull(client, "client");
            this.databaseName = Objects.requireNonNull(databaseName, "databaseName");
        }

        /** Adds migrations, in any order. */
        public Builder migrations(Migration... migrations) {
            return migrations(List.of(migrations));
        }

        /** Adds migrations, in any order. */
        public Builder migrations(List<? extends Migration> migrations) {
            for (Migration m : migrations) {
                this.migrations.add(Objects.requireNonNull(m, "migration"));
            }
            return this;
        }

        /** The history collection; {@code tenantry_migrations} by default. */
        public Builder historyCollection(String name) {
            this.historyCollection = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The lock collection; {@code tenantry_migration_lock} by default. */
        public Builder lockCollection(String name) {
            this.lockCollection = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The collection of batched steps' checkpoints; {@code tenantry_migration_checkpoints} by default. */
        public Builder checkpointCollection(String name) {
            this.checkpointCollection = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Where migrations' progress goes besides the log (e.g. a progress bar); none by default. */
        public Builder progressListener(ProgressListener listener) {
            this.progressListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** This runner's name in the lock; host name, process id and a random suffix by default. */
        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /** How long the lock lasts unless refreshed (every third of it while running); 60 s by default. */
        public Builder leaseDuration(Duration leaseDuration) {
            if (leaseDuration.isNegative() || leaseDuration.isZero()) {
                throw new IllegalArgumentException("leaseDuration must be positive: " + leaseDuration);
            }
            this.leaseDuration = leaseDuration;
            return this;
        }

        /** The clock for lease and history times; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long to wait for a lock another runner holds; 0 (fail at once) by default. */
        public Builder waitForLock(Duration waitForLock) {
            if (waitForLock.isNegative()) {
                throw new IllegalArgumentException("waitForLock must not be negative: " + waitForLock);
            }
            this.waitForLock = waitForLock;
            return this;
        }

        /**
         * Runs migrations even where collections they {@link Migration#reads() read} are missing; by default the
         * runner refuses with a {@link MissingCollectionsException}.
         */
        public Builder allowMissingCollections() {
            this.allowMissingCollections = true;
            return this;
        }

        /**
         * Builds the runner.
         *
         * @throws IllegalArgumentException if two migrations share an id or a version
         */
        public MigrationRunner build() {
            Map<String, Migration> ids = new HashMap<>();
            Map<Long, Migration> versions = new HashMap<>();
            for (Migration m : migrations) {
                Migration sameId = ids.putIfAbsent(Objects.requireNonNull(m.id(), "id"), m);
                if (sameId != null) {
                    throw new IllegalArgumentException("migrations " + describe(sameId) + " and " + describe(m)
                            + " share id " + m.id());
                }
                Migration sameVersion = versions.putIfAbsent(m.version(), m);
                if (sameVersion != null) {
                    throw new IllegalArgumentException("migrations " + describe(sameVersion) + " and "
                            + describe(m) + " share version " + m.version());
                }
            }
            return new MigrationRunner(this);
        }

        private static String describe(Migration m) {
            return m.id() + " (" + m.getClass().getName() + ", version " + m.version() + ")";
        }
    }
}
