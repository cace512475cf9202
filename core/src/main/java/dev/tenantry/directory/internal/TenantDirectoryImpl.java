package dev.tenantry.directory.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.PlanListener;
import dev.tenantry.directory.PurgeListener;
import dev.tenantry.directory.PurgeReport;
import dev.tenantry.directory.TenantChangeListener;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.directory.TenantExistsException;
import dev.tenantry.directory.TenantNotFoundException;
import dev.tenantry.directory.TenantRecord;
import dev.tenantry.directory.TenantStatus;
import dev.tenantry.directory.TenantStatusException;
import dev.tenantry.internal.Arguments;
import dev.tenantry.ratelimit.PlanResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The directory over one MongoDB collection; see {@link TenantDirectory}. */
public final class TenantDirectoryImpl implements TenantDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(TenantDirectoryImpl.class);
    private static final Pattern PLAN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int MAX_NAME = 200;

    // stored field names
    private static final String NAME = "name";
    private static final String PLAN_FIELD = "plan";
    private static final String STATUS = "status";
    private static final String CREATED = "createdAt";
    private static final String UPDATED = "updatedAt";
    private static final String DELETE_AT = "deleteScheduledAt";
    private static final String STATUS_BEFORE = "statusBeforeDeletion";
    private static final String VERSION = "v";
    private static final String PURGE = "purge";
    private static final String PURGE_STARTED = "purge.startedAt";
    private static final String PURGE_STEPS = "purge.steps";
    private static final String PURGE_CURRENT_FIELD = "current";
    private static final String PURGE_CURRENT = "purge." + PURGE_CURRENT_FIELD;

    private final MongoClient client;
    private final MongoCollection<BsonDocument> tenants;
    private final Clock clock;
    private final LoadingCache<TenantId, Optional<TenantRecord>> cache;
    private final @Nullable TenantDatabase tenantDatabase;
    private final @Nullable AuditTrail audit;
    private final List<TenantChangeListener> listeners = new CopyOnWriteArrayList<>();
    /** Sets of plans a tenant's plan must be in, each from the builder or a linked rate limiter. */
    private final List<Set<String>> knownPlans = new CopyOnWriteArrayList<>();

    /** Built by {@link TenantDirectory.Builder}; creates the index that finds due deletions. */
    public TenantDirectoryImpl(Settings settings) {
        Set<String> plans = settings.plans();
        if (plans != null) {
            knownPlans.add(plans);
        }
        this.client = settings.client();
        this.tenants = client.getDatabase(settings.databaseName()).getCollection(settings.collectionName(),
                BsonDocument.class);
        this.clock = settings.clock();
        this.tenantDatabase = settings.tenantDatabase();
        this.audit = settings.auditTrail();
        this.cache = Caffeine.newBuilder().expireAfterWrite(settings.cacheFor()).maximumSize(100_000)
                .executor(Runnable::run).build(this::load);
        Tenants.runAsSystem("tenantry: create the tenant directory's index",
                () -> tenants.createIndex(Indexes.ascending(STATUS, DELETE_AT)));
    }

    // ---------------------------------------------------------------- reads

    private Optional<TenantRecord> load(TenantId id) {
        return Optional.ofNullable(tenants.find(byId(id)).first()).map(TenantDirectoryImpl::fromDocument);
    }

    @Override
    public Optional<TenantRecord> find(TenantId id) {
        return cache.get(Objects.requireNonNull(id, "id"));
    }

    @Override
    public TenantRecord get(TenantId id) {
        return find(id).orElseThrow(() -> new TenantNotFoundException(id));
    }

    @Override
    public List<TenantRecord> list() {
        return list(new BsonDocument());
    }

    @Override
    public List<TenantRecord> list(TenantStatus status) {
        return list(new BsonDocument(STATUS, new BsonString(Objects.requireNonNull(status, "status").name())));
    }

    private List<TenantRecord> list(Bson filter) {
        List<TenantRecord> out = new ArrayList<>();
        for (BsonDocument doc : tenants.find(filter).sort(Sorts.ascending("_id"))) {
            out.add(fromDocument(doc));
        }
        return out;
    }

    // ---------------------------------------------------------------- changes

    @Override
    public TenantRecord create(TenantId id, String name, String plan) {
        Objects.requireNonNull(id, "id");
        checkName(name);
        checkPlan(plan);
        Instant now = now();
        TenantRecord record = new TenantRecord(id, name, plan, TenantStatus.ACTIVE, now, now, null);
        try {
            tenants.insertOne(toDocument(record));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw new TenantExistsException(id);
            }
            throw e;
        }
        ensureIndexes(id);
        changed(null, record, AuditEvent.of(AuditAction.CREATE).target("tenant", id.value())
                .summary("created tenant '" + id + "' (" + name + ") on plan " + plan).build());
        return record;
    }

    /**
     * Creates the declared indexes of the new tenant's own collections. A failure is logged, not thrown: the tenant
     * exists, and its indexes are created again when its collections are first used.
     */
    private void ensureIndexes(TenantId id) {
        TenantDatabase database = tenantDatabase;
        if (database == null) {
            return;
        }
        try {
            database.ensureIndexes(id);
        } catch (com.mongodb.MongoException e) {
            LOG.warn("creating the declared indexes of new tenant '{}' failed; they are created when its collections "
                    + "are first used", id, e);
        }
    }

    @Override
    public TenantRecord rename(TenantId id, String name) {
        checkName(name);
        return change(id, "rename", Set.of(TenantStatus.values()), new BsonDocument(NAME, new BsonString(name)),
                null, "renamed to " + name);
    }

    @Override
    public TenantRecord changePlan(TenantId id, String plan) {
        checkPlan(plan);
        return change(id, "change the plan of", Set.of(TenantStatus.values()),
                new BsonDocument(PLAN_FIELD, new BsonString(plan)), null, "moved to plan " + plan);
    }

    @Override
    public TenantRecord suspend(TenantId id) {
        return change(id, "suspend", Set.of(TenantStatus.ACTIVE), status(TenantStatus.SUSPENDED), null, "suspended");
    }

    @Override
    public TenantRecord reactivate(TenantId id) {
        return change(id, "reactivate", Set.of(TenantStatus.SUSPENDED), status(TenantStatus.ACTIVE), null,
                "reactivated");
    }

    @Override
    public TenantRecord scheduleDeletion(TenantId id, Duration retention) {
        Objects.requireNonNull(id, "id");
        Arguments.notNegative("deletion retention", retention);
        TenantRecord current = fresh(id);
        if (current.status() == TenantStatus.DELETION_SCHEDULED) {
            throw new TenantStatusException(id, current.status(), "deletion of tenant '" + id + "' is already "
                    + "scheduled for " + current.deleteScheduledAt() + "; cancelDeletion first to reschedule it");
        }
        Instant due = now().plus(retention);
        BsonDocument set = status(TenantStatus.DELETION_SCHEDULED).append(DELETE_AT, date(due))
                .append(STATUS_BEFORE, new BsonString(current.status().name()));
        return change(id, "schedule the deletion of", Set.of(current.status()), set, null,
                "deletion scheduled for " + due + " (retention " + retention + ")");
    }

    @Override
    public TenantRecord cancelDeletion(TenantId id) {
        BsonDocument doc = tenants.find(byId(id)).first();
        if (doc == null) {
            throw new TenantNotFoundException(id);
        }
        TenantRecord current = fromDocument(doc);
        if (current.status() != TenantStatus.DELETION_SCHEDULED) {
            throw new TenantStatusException(id, current.status(), "tenant '" + id + "' has no deletion scheduled "
                    + "(it is " + current.status() + ")");
        }
        if (doc.containsKey(PURGE)) {
            throw new TenantStatusException(id, current.status(), "the purge of tenant '" + id + "' has already "
                    + "started; it cannot be cancelled, only finished with purge()");
        }
        TenantStatus before = TenantStatus.valueOf(doc.getString(STATUS_BEFORE, new BsonString("ACTIVE"))
                .getValue());
        BsonDocument unset = new BsonDocument(DELETE_AT, new BsonString("")).append(STATUS_BEFORE,
                new BsonString(""));
        return change(id, "cancel the deletion of", Set.of(TenantStatus.DELETION_SCHEDULED), status(before), unset,
                "deletion cancelled; back to " + before);
    }

    /**
     * Applies {@code set} (and {@code unset}) to the tenant if its status is one of {@code from} and no purge has
     * started, or explains why not.
     */
    private TenantRecord change(TenantId id, String what, Set<TenantStatus> from, BsonDocument set,
                                @Nullable BsonDocument unset, String summary) {
        Objects.requireNonNull(id, "id");
        BsonArray statuses = new BsonArray();
        from.forEach(s -> statuses.add(new BsonString(s.name())));
        BsonDocument filter = byId(id).append(STATUS, new BsonDocument("$in", statuses))
                .append(PURGE, new BsonDocument("$exists", BsonBoolean.FALSE));
        BsonDocument update = new BsonDocument("$set", set.clone().append(UPDATED, date(now())));
        if (unset != null) {
            update.append("$unset", unset);
        }
        BsonDocument before = tenants.findOneAndUpdate(filter, update,
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
        if (before == null) {
            BsonDocument doc = tenants.find(byId(id)).first();
            if (doc == null) {
                throw new TenantNotFoundException(id);
            }
            TenantRecord current = fromDocument(doc);
            String why = doc.containsKey(PURGE) ? "its purge has started" : "it is " + current.status()
                    + (from.size() == 1 ? ", not " + from.iterator().next() : "");
            throw new TenantStatusException(id, current.status(), "cannot " + what + " tenant '" + id + "': " + why);
        }
        TenantRecord after = fresh(id);
        changed(fromDocument(before), after, AuditEvent.of(AuditAction.UPDATE).target("tenant", id.value())
                .summary("tenant '" + id + "' " + summary).build());
        return after;
    }

    private void changed(@Nullable TenantRecord before, @Nullable TenantRecord after, AuditEvent event) {
        TenantId id = after != null ? after.id() : Objects.requireNonNull(before).id();
        cache.invalidate(id);
        record(id, event);
        for (TenantChangeListener listener : listeners) {
            listener.onChange(before, after);
        }
    }

    /** Records {@code event} in the tenant's own audit chain, whatever its status. */
    private void record(TenantId id, AuditEvent event) {
        if (audit == null) {
            return;
        }
        AuditTrail trail = audit;
        // The trail writes its own collection, which no guard watches: a suspended tenant's log still takes entries.
        Tenants.run(id, () -> trail.record(event));
    }

    // ---------------------------------------------------------------- purge

    @Override
    public PurgeReport purge(TenantId id, PurgeListener listener) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(listener, "listener");
        TenantDatabase database = tenantDatabase;
        if (database == null) {
            throw new IllegalStateException("purging needs the tenant-scoped collections: give the builder "
                    + "tenantDatabase(...)");
        }
        Instant now = now();
        // The claim is the decision: it matches only while the record is scheduled, due, and not yet being purged,
        // in the same write that marks the purge started. A cancelDeletion either came first (then this matches
        // nothing and nothing is purged) or comes after and is refused, because the purge has started.
        BsonDocument claimed = tenants.findOneAndUpdate(byId(id)
                        .append(STATUS, new BsonString(TenantStatus.DELETION_SCHEDULED.name()))
                        .append(DELETE_AT, new BsonDocument("$lte", date(now)))
                        .append(PURGE, new BsonDocument("$exists", BsonBoolean.FALSE)),
                new BsonDocument("$set", new BsonDocument(PURGE, new BsonDocument("startedAt", date(now))
                        .append("steps", new BsonArray()))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        BsonDocument doc = claimed != null ? claimed : tenants.find(byId(id)).first();
        if (doc == null) {
            throw new TenantNotFoundException(id);
        }
        cache.invalidate(id);
        TenantRecord current = fromDocument(doc);
        if (current.status() != TenantStatus.DELETION_SCHEDULED) {
            throw new TenantStatusException(id, current.status(), "cannot purge tenant '" + id + "': it is "
                    + current.status() + "; only a tenant whose deletion was scheduled (scheduleDeletion) and is due "
                    + "can be purged");
        }
        if (!doc.containsKey(PURGE)) {
            throw new TenantStatusException(id, current.status(), "cannot purge tenant '" + id + "' yet: its "
                    + "deletion is due at " + current.deleteScheduledAt() + " (retention not over); cancelDeletion "
                    + "can still restore it");
        }
        boolean resumed = claimed == null;
        return Tenants.callAsSystem("purge of tenant '" + id + "', deletion due " + current.deleteScheduledAt(),
                () -> purge(database, current, doc.getDocument(PURGE), resumed, listener));
    }

    /**
     * Removes the tenant's data collection by collection. Before each collection the step is claimed in the record
     * (only while it is still scheduled for deletion and being purged) with the number of documents there; after it,
     * the step is recorded with the number removed. A purge resumed after a failure between the two (the delete or
     * drop applied, its reply or the record lost) counts what the first attempt removed from that number and what is
     * left, so the report stays exact.
     */
    private PurgeReport purge(TenantDatabase database, TenantRecord tenant, BsonDocument purge, boolean resumed,
                              PurgeListener listener) {
        TenantId id = tenant.id();
        Map<String, Long> deleted = new LinkedHashMap<>();
        for (BsonValue step : purge.getArray("steps")) {
            BsonDocument s = step.asDocument();
            deleted.put(s.getString("collection").getValue(), s.getNumber("deleted").longValue());
        }
        BsonDocument interrupted = purge.getDocument(PURGE_CURRENT_FIELD, null);
        List<String> names = new ArrayList<>(database.getCollectionNames());
        Set<String> tenantDatabases = new LinkedHashSet<>();
        int done = deleted.size();
        for (String name : names) {
            IsolationStrategy isolation = database.getIsolation(name);
            MongoNamespace ns = database.namespaceFor(name, id);
            if (isolation == IsolationStrategy.DATABASE_PER_TENANT) {
                tenantDatabases.add(ns.getDatabaseName());
            }
            if (deleted.containsKey(name)) {
                continue; // purged by an earlier run
            }
            MongoCollection<BsonDocument> physical = client.getDatabase(ns.getDatabaseName())
                    .getCollection(ns.getCollectionName(), BsonDocument.class);
            BsonDocument filter = isolation == IsolationStrategy.SHARED
                    ? new BsonDocument(database.getTenantField(), new BsonString(id.value())) : new BsonDocument();
            boolean again = interrupted != null && interrupted.getString("collection", new BsonString(""))
                    .getValue().equals(name);
            long before = again ? interrupted.getNumber("before").longValue() : physical.countDocuments(filter);
            claimStep(id, name, before);
            long count;
            if (isolation == IsolationStrategy.SHARED) {
                long left = again ? physical.countDocuments(filter) : before;
                long removed = physical.deleteMany(filter).getDeletedCount();
                count = again ? before - left + removed : removed;
            } else {
                physical.drop();
                count = before;
            }
            tenants.updateOne(byId(id).append(PURGE_CURRENT + ".collection", new BsonString(name)),
                    new BsonDocument("$push", new BsonDocument(PURGE_STEPS, new BsonDocument("collection",
                            new BsonString(name)).append("deleted", new BsonInt64(count)).append("at", date(now()))))
                            .append("$unset", new BsonDocument(PURGE_CURRENT, new BsonString(""))));
            deleted.put(name, count);
            done++;
            record(id, AuditEvent.of(AuditAction.DELETE).target("collection", name)
                    .summary("purged " + count + " documents of tenant '" + id + "' from " + name + " ("
                            + isolation + ")").build());
            LOG.info("purge of tenant '{}': {} documents from {} ({} of {})", id, count, name, done, names.size());
            listener.onStep(id, name, count, done, names.size());
        }
        for (String db : tenantDatabases) {
            client.getDatabase(db).drop();
        }
        tenants.deleteOne(byId(id));
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String name : names) {
            ordered.put(name, deleted.getOrDefault(name, 0L));
        }
        PurgeReport report = new PurgeReport(id, ordered, resumed, now());
        changed(tenant, null, AuditEvent.of(AuditAction.DELETE).target("tenant", id.value())
                .summary("purged tenant '" + id + "': " + report.total() + " documents from " + names.size()
                        + " collections; record removed").build());
        return report;
    }

    /**
     * Records that {@code collection} is being purged, with the documents there before, only while the record is
     * still scheduled for deletion and its purge started: the check made before each collection.
     *
     * @throws TenantStatusException if the record no longer is
     */
    private void claimStep(TenantId id, String collection, long before) {
        BsonDocument filter = byId(id).append(STATUS, new BsonString(TenantStatus.DELETION_SCHEDULED.name()))
                .append(PURGE_STARTED, new BsonDocument("$exists", BsonBoolean.TRUE));
        BsonDocument current = new BsonDocument("collection", new BsonString(collection))
                .append("before", new BsonInt64(before)).append("at", date(now()));
        if (tenants.updateOne(filter, new BsonDocument("$set", new BsonDocument(PURGE_CURRENT, current)))
                .getMatchedCount() == 0) {
            BsonDocument doc = tenants.find(byId(id)).first();
            TenantStatus status = doc == null ? TenantStatus.DELETION_SCHEDULED : fromDocument(doc).status();
            throw new TenantStatusException(id, status, "the purge of tenant '" + id + "' stopped before "
                    + collection + ": its record is no longer scheduled for deletion"
                    + (doc == null ? " (it was removed)" : " (it is " + status + ")"));
        }
    }

    @Override
    public List<PurgeReport> purgeDue(PurgeListener listener) {
        Objects.requireNonNull(listener, "listener");
        BsonDocument due = new BsonDocument(STATUS, new BsonString(TenantStatus.DELETION_SCHEDULED.name()))
                .append(DELETE_AT, new BsonDocument("$lte", date(now())));
        List<TenantId> ids = new ArrayList<>();
        for (BsonDocument doc : tenants.find(due).sort(Sorts.ascending(DELETE_AT, "_id"))) {
            ids.add(TenantId.of(doc.getString("_id").getValue()));
        }
        List<PurgeReport> reports = new ArrayList<>();
        for (TenantId id : ids) {
            try {
                reports.add(purge(id, listener));
            } catch (TenantNotFoundException | TenantStatusException changed) {
                // Cancelled, rescheduled or purged by someone else since it was listed: nothing to do here.
                LOG.info("purge of tenant '{}' skipped: {}", id, changed.getMessage());
            }
        }
        return reports;
    }

    // ---------------------------------------------------------------- integration

    @Override
    public PlanResolver planResolver() {
        return tenant -> get(tenant).plan();
    }

    @Override
    public Tenants.Registration guardScopes() {
        TenantDatabase database = tenantDatabase;
        if (database == null) {
            throw new IllegalStateException("guardScopes() guards the tenant database the directory was built with, "
                    + "and it has none; build it with TenantDirectory.builder(...).tenantDatabase(db)");
        }
        return database.addScopeGuard(tenant -> {
            Optional<TenantRecord> record = find(tenant);
            if (record.isPresent() && !record.get().isActive()) {
                TenantRecord r = record.get();
                throw new TenantStatusException(tenant, r.status(), "tenant '" + tenant + "' is " + r.status()
                        + (r.status() == TenantStatus.DELETION_SCHEDULED ? " (deletion due " + r.deleteScheduledAt()
                        + ")" : "") + "; no work runs for it outside system scope");
            }
        });
    }

    @Override
    public Tenants.Registration addPlanListener(Set<String> plans, PlanListener listener) {
        Objects.requireNonNull(listener, "listener");
        Set<String> known = Set.copyOf(Objects.requireNonNull(plans, "plans"));
        knownPlans.add(known);
        Tenants.Registration listening = addChangeListener((before, after) -> listener.planMayHaveChanged(
                after != null ? after.id() : Objects.requireNonNull(before).id()));
        return () -> {
            listening.close();
            knownPlans.remove(known);
        };
    }

    @Override
    public Tenants.Registration addChangeListener(TenantChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void invalidate(TenantId id) {
        cache.invalidate(Objects.requireNonNull(id, "id"));
    }

    // ---------------------------------------------------------------- mapping

    private TenantRecord fresh(TenantId id) {
        cache.invalidate(id);
        return get(id);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("tenant name must be 1-" + MAX_NAME + " characters and not blank, was '"
                    + name + "'");
        }
    }

    /**
     * The plan name, checked against the plan rule.
     *
     * @throws IllegalArgumentException if it breaks it
     */
    public static String checkPlanName(String plan) {
        Objects.requireNonNull(plan, "plan");
        if (!PLAN.matcher(plan).matches()) {
            throw new IllegalArgumentException("plan must be 1-64 letters, digits, '_', '-' or '.', was '" + plan
                    + "'");
        }
        return plan;
    }

    /** The plan, checked against the rule and every set of known plans. */
    private void checkPlan(String plan) {
        checkPlanName(plan);
        for (Set<String> known : knownPlans) {
            if (!known.contains(plan)) {
                throw new IllegalArgumentException("plan '" + plan + "' is not one of the plans tenants may be on "
                        + new java.util.TreeSet<>(known) + "; a tenant on it could not be rate limited");
            }
        }
    }

    private static BsonDocument byId(TenantId id) {
        return new BsonDocument("_id", new BsonString(id.value()));
    }

    private static BsonDocument status(TenantStatus status) {
        return new BsonDocument(STATUS, new BsonString(status.name()));
    }

    private static BsonDateTime date(Instant instant) {
        return new BsonDateTime(instant.toEpochMilli());
    }

    private static BsonDocument toDocument(TenantRecord r) {
        BsonDocument doc = byId(r.id()).append(NAME, new BsonString(r.name()))
                .append(PLAN_FIELD, new BsonString(r.plan())).append(STATUS, new BsonString(r.status().name()))
                .append(CREATED, date(r.createdAt())).append(UPDATED, date(r.updatedAt()))
                .append(VERSION, new BsonInt32(TenantRecord.FORMAT_VERSION));
        if (r.deleteScheduledAt() != null) {
            doc.append(DELETE_AT, date(r.deleteScheduledAt()));
        }
        return doc;
    }

    private static TenantRecord fromDocument(BsonDocument doc) {
        return new TenantRecord(TenantId.of(doc.getString("_id").getValue()), doc.getString(NAME).getValue(),
                doc.getString(PLAN_FIELD).getValue(), TenantStatus.valueOf(doc.getString(STATUS).getValue()),
                Instant.ofEpochMilli(doc.getDateTime(CREATED).getValue()),
                Instant.ofEpochMilli(doc.getDateTime(UPDATED).getValue()),
                doc.containsKey(DELETE_AT) ? Instant.ofEpochMilli(doc.getDateTime(DELETE_AT).getValue()) : null);
    }
}
