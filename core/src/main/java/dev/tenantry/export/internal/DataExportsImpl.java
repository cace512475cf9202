package dev.tenantry.export.internal;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.export.DataExport;
import dev.tenantry.export.DataExports;
import dev.tenantry.ExportFormat;
import dev.tenantry.export.ExportNotFoundException;
import dev.tenantry.export.ExportScope;
import dev.tenantry.export.ExportSink;
import dev.tenantry.export.ExportStatus;
import dev.tenantry.internal.Arguments;
import dev.tenantry.internal.MongoErrors;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The export service over one MongoDB database; see {@link DataExports}. */
public final class DataExportsImpl implements DataExports {

    private static final Logger LOG = LoggerFactory.getLogger(DataExportsImpl.class);
    static final String TENANT = "tenantId";
    private static final int BATCH = 1000;
    private static final int CSV_SAMPLE = 100;
    /** How long a run keeps retrying, through transient failures, to record how it ended. */
    private static final Duration FINISH_RETRY = Duration.ofSeconds(10);

    private final MongoCollection<BsonDocument> records;
    private final ExportTargets targets;
    private final ExportSlots slots;
    private final Duration validity;
    private final Duration lease;
    private final Clock clock;
    private final ExportContent content;
    private final ExportRecovery recovery;
    private final @Nullable AuditTrail audit;

    /** Built by {@link DataExports.Builder}; creates the indexes. */
    public DataExportsImpl(Settings settings) {
        MongoDatabase database = settings.client().getDatabase(settings.databaseName());
        this.records = database.getCollection(settings.collectionName(), BsonDocument.class);
        this.targets = new ExportTargets(database, settings.bucketName(), TENANT);
        this.slots = new ExportSlots(database.getCollection(settings.collectionName() + "Slots",
                BsonDocument.class), records, settings);
        this.validity = settings.validity();
        this.lease = settings.lease();
        this.clock = settings.clock();
        this.content = new ExportContent(settings);
        this.audit = settings.auditTrail();
        this.recovery = new ExportRecovery(records, targets, lease, this::releaseSlots, this::record);
        // The library's own schema: in system scope, like every collection-wide DDL.
        Tenants.runAsSystem("tenantry: create the data exports' indexes", () -> {
            records.createIndex(Indexes.compoundIndex(Indexes.ascending(TENANT), Indexes.descending("requestedAt")));
            records.createIndex(Indexes.compoundIndex(Indexes.ascending(TENANT, "requestedBy"),
                    Indexes.descending("requestedAt")));
            records.createIndex(Indexes.ascending("status", "expiresAt"));
            records.createIndex(Indexes.ascending("status", "leaseUntil"));
        });
    }

    // ---------------------------------------------------------------- requests and records

    @Override
    public DataExport request(ExportScope scope, ExportFormat format, String requestedBy) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(format, "format");
        Arguments.text("an export's requestedBy", requestedBy, MAX_REQUESTED_BY);
        TenantId tenant = Tenants.current();
        ObjectId id = new ObjectId();
        List<String> held = slots.take(tenant, requestedBy, id);
        BsonDocument doc = new BsonDocument("_id", new BsonObjectId(id))
                .append(TENANT, new BsonString(tenant.value()))
                .append("requestedBy", new BsonString(requestedBy))
                .append("scope", scope.isUser() ? new BsonDocument("userId", new BsonString(scope.userId()))
                        : new BsonDocument())
                .append("format", new BsonString(format.name()))
                .append("status", new BsonString(ExportStatus.PENDING.name()))
                .append("counts", new BsonDocument())
                .append("bytes", new BsonInt64(0))
                .append("requestedAt", date(now()))
                .append("slots", new BsonArray(held.stream().map(BsonString::new).toList()))
                .append("v", new BsonInt32(DataExport.FORMAT_VERSION));
        try {
            records.insertOne(doc);
        } catch (RuntimeException e) {
            try {
                slots.release(id);
            } catch (RuntimeException also) {
                e.addSuppressed(also); // the slots heal: an unrecorded export's slot is freed after a grace time
            }
            throw e;
        }
        return fromDocument(doc);
    }

    @Override
    public Optional<DataExport> find(String exportId) {
        Objects.requireNonNull(exportId, "exportId");
        TenantId tenant = Tenants.current();
        if (!ObjectId.isValid(exportId)) {
            return Optional.empty();
        }
        return Optional.ofNullable(records.find(byId(tenant, exportId)).first()).map(DataExportsImpl::fromDocument);
    }

    @Override
    public List<DataExport> history(int limit) {
        return historyOf(null, limit);
    }

    @Override
    public List<DataExport> history(String requestedBy, int limit) {
        Arguments.text("history's requestedBy", requestedBy, MAX_REQUESTED_BY);
        return historyOf(requestedBy, limit);
    }

    /** The current tenant's exports, of {@code requestedBy} if given, newest first. */
    private List<DataExport> historyOf(@Nullable String requestedBy, int limit) {
        Arguments.inRange("history limit", limit, 1, MAX_HISTORY);
        BsonDocument filter = new BsonDocument(TENANT, new BsonString(Tenants.current().value()));
        if (requestedBy != null) {
            filter.append("requestedBy", new BsonString(requestedBy));
        }
        List<DataExport> out = new ArrayList<>();
        for (BsonDocument doc : records.find(filter).sort(Sorts.descending("requestedAt", "_id")).limit(limit)) {
            out.add(fromDocument(doc));
        }
        return out;
    }

    // ---------------------------------------------------------------- running

    @Override
    public DataExport run(String exportId, ExportSink sink) {
        Objects.requireNonNull(exportId, "exportId");
        Objects.requireNonNull(sink, "sink");
        TenantId tenant = Tenants.current();
        if (!ObjectId.isValid(exportId)) {
            throw new ExportNotFoundException(exportId);
        }
        Lease held = new Lease(tenant, exportId, new ObjectId().toHexString());
        Instant now = now();
        BsonDocument started = records.findOneAndUpdate(byId(tenant, exportId).append("status",
                        new BsonString(ExportStatus.PENDING.name())),
                new BsonDocument("$set", new BsonDocument("status", new BsonString(ExportStatus.RUNNING.name()))
                        .append("startedAt", date(now)).append(OWNER, new BsonString(held.owner))
                        .append(LEASE_UNTIL, date(now.plus(lease)))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (started == null) { // not pending: say why, reading the record only on this path
            DataExport current = find(exportId).orElseThrow(() -> new ExportNotFoundException(exportId));
            throw new IllegalStateException("data export '" + exportId + "' is " + current.status()
                    + "; only a PENDING export runs");
        }
        DataExport export = fromDocument(started);
        Map<String, Long> counts = new LinkedHashMap<>();
        ExportTargets.Target target = null;
        Counting out = null;
        try {
            target = targets.open(sink, export);
            held.keep(target.partial());
            out = new Counting(target.stream(), held);
            content.write(export, out, counts, held::beat);
            out.flush();
            held.renew(); // a lease lost now means the export was recovered: its output must not be committed
            String location = target.commit();
            Instant completed = now();
            BsonDocument set = new BsonDocument("status", new BsonString(ExportStatus.COMPLETED.name()))
                    .append("counts", counts(counts)).append("bytes", new BsonInt64(out.count))
                    .append("completedAt", date(completed))
                    .append("expiresAt", location == null ? BsonNull.VALUE : date(completed.plus(validity)))
                    .append("location", location == null ? BsonNull.VALUE : new BsonString(location));
            DataExport done = finish(held, set, true);
            record(tenant, AuditEvent.of(AuditAction.EXPORT).target("export", exportId).summary("exported "
                    + done.total() + " documents from " + counts.size() + " collections as " + export.format()
                    + (export.scope().isUser() ? " for user " + export.scope().userId() : "")
                    + (location == null ? "" : " to " + location)).build());
            return done;
        } catch (RuntimeException | IOException e) {
            RuntimeException failure = e instanceof IOException io ? new UncheckedIOException(io)
                    : (RuntimeException) e;
            boolean removed = true;
            if (target != null) {
                try {
                    target.abort();
                } catch (RuntimeException abortFailed) {
                    removed = false; // the record keeps where the partial output is; expireDue removes it
                    failure.addSuppressed(abortFailed);
                }
            }
            String error = e.toString();
            long bytes = out == null ? 0 : out.count;
            try {
                finish(held, new BsonDocument("status", new BsonString(ExportStatus.FAILED.name()))
                        .append("counts", counts(counts)).append("bytes", new BsonInt64(bytes))
                        .append("completedAt", date(now())).append("error", new BsonString(error)), removed);
            } catch (RuntimeException recordFailed) {
                failure.addSuppressed(recordFailed); // still RUNNING: its lease runs out and expireDue fails it
            }
            try {
                record(tenant, AuditEvent.of(AuditAction.EXPORT).target("export", exportId).failed(error).build());
            } catch (RuntimeException auditFailed) {
                failure.addSuppressed(auditFailed);
            }
            LOG.warn("data export {} of tenant '{}' failed after {} bytes: {}", exportId, tenant, bytes, error);
            throw failure;
        }
    }

    static final String OWNER = "owner";
    static final String LEASE_UNTIL = "leaseUntil";
    static final String PARTIAL = "partial";

    /**
     * A run's hold on its export: the record says RUNNING with this owner until the lease runs out. Renewed every
     * third of the lease while the export writes; once renewing finds the record taken over (recovered as stalled),
     * the run stops.
     */
    private final class Lease {
        final TenantId tenant;
        final String exportId;
        final String owner;
        private Instant renewedAt = now();

        Lease(TenantId tenant, String exportId, String owner) {
            this.tenant = tenant;
            this.exportId = exportId;
            this.owner = owner;
        }

        BsonDocument mine() {
            return byId(tenant, exportId).append("status", new BsonString(ExportStatus.RUNNING.name()))
                    .append(OWNER, new BsonString(owner));
        }

        /** Records where the partial output is, so a recovery can remove it. */
        void keep(@Nullable BsonDocument partial) {
            if (partial != null) {
                update(new BsonDocument(PARTIAL, partial).append(LEASE_UNTIL, date(now().plus(lease))));
            }
        }

        /** Renews the lease if a third of it has passed since it was last renewed. */
        void beat() {
            if (Duration.between(renewedAt, now()).compareTo(lease.dividedBy(3)) >= 0) {
                try {
                    renew();
                } catch (MongoException e) {
                    if (!MongoErrors.isTransient(e)) {
                        throw e;
                    }
                    LOG.debug("could not renew the lease of data export {} yet: {}", exportId, e.toString());
                }
            }
        }

        /**
         * Renews the lease now.
         *
         * @throws IllegalStateException if the export was taken over
         */
        void renew() {
            update(new BsonDocument(LEASE_UNTIL, date(now().plus(lease))));
        }

        private void update(BsonDocument set) {
            Instant at = now();
            if (records.updateOne(mine(), new BsonDocument("$set", set)).getMatchedCount() == 0) {
                throw new IllegalStateException("data export '" + exportId + "' was taken over while it ran: its "
                        + "lease ran out and it was recovered as stalled");
            }
            renewedAt = at;
        }
    }

    /**
     * Records how the run ended, only while it still holds its export, retrying transient failures for a while;
     * gives back the export's slots.
     *
     * @param outputRemoved whether the partial output is gone (then the record stops naming it)
     */
    private DataExport finish(Lease held, BsonDocument set, boolean outputRemoved) {
        BsonDocument update = new BsonDocument("$set", set);
        BsonDocument unset = new BsonDocument(OWNER, new BsonString("")).append(LEASE_UNTIL, new BsonString(""));
        if (outputRemoved) {
            unset.append(PARTIAL, new BsonString(""));
        }
        update.append("$unset", unset);
        long deadline = System.nanoTime() + FINISH_RETRY.toNanos();
        long backoff = TimeUnit.MILLISECONDS.toNanos(50);
        while (true) {
            try {
                BsonDocument doc = records.findOneAndUpdate(held.mine(), update,
                        new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
                if (doc == null) {
                    throw new IllegalStateException("data export '" + held.exportId + "' was taken over while it "
                            + "ran: its lease ran out and it was recovered as stalled");
                }
                releaseSlots(doc);
                return fromDocument(doc);
            } catch (MongoException e) {
                if (!MongoErrors.isTransient(e) || System.nanoTime() + backoff - deadline > 0) {
                    throw e;
                }
                LockSupport.parkNanos(backoff);
                backoff = Math.min(backoff * 2, TimeUnit.SECONDS.toNanos(2));
            }
        }
    }

    private void releaseSlots(BsonDocument doc) {
        try {
            slots.release(doc.getObjectId("_id").getValue());
        } catch (MongoException e) {
            // The slots heal: a slot whose export is over is freed when the cap is next reached.
            LOG.warn("could not give back the slots of data export {}: {}", doc.get("_id"), e.toString());
        }
    }

    // ---------------------------------------------------------------- stored exports

    @Override
    public void download(String exportId, OutputStream out) {
        Objects.requireNonNull(out, "out");
        DataExport export = find(exportId).orElseThrow(() -> new ExportNotFoundException(exportId));
        if (export.status() != ExportStatus.COMPLETED) {
            throw new IllegalStateException("data export '" + exportId + "' is " + export.status()
                    + "; only a COMPLETED export can be downloaded");
        }
        if (export.expiresAt() != null && !export.expiresAt().isAfter(now())) {
            throw new IllegalStateException("data export '" + exportId + "' expired at " + export.expiresAt());
        }
        String location = export.location();
        if (location == null || !location.startsWith("gridfs:")) {
            throw new IllegalStateException("data export '" + exportId + "' was not stored for download ("
                    + (location == null ? "it went to the caller's stream" : location) + ")");
        }
        targets.bucket().downloadToStream(new ObjectId(location.substring("gridfs:".length())), out);
    }

    @Override
    public int expireDue() {
        return Tenants.callAsSystem("expire data exports past their download time, recover stalled ones", () -> {
            Instant now = now();
            int changed = 0;
            BsonDocument due = new BsonDocument("status", new BsonString(ExportStatus.COMPLETED.name()))
                    .append("expiresAt", new BsonDocument("$lte", date(now)));
            for (BsonDocument doc : records.find(due)) {
                BsonValue location = doc.get("location");
                if (location != null && location.isString()) {
                    targets.removeStored(location.asString().getValue());
                }
                if (records.updateOne(new BsonDocument("_id", doc.get("_id")).append("status",
                                new BsonString(ExportStatus.COMPLETED.name())),
                        new BsonDocument("$set", new BsonDocument("status",
                                new BsonString(ExportStatus.EXPIRED.name())).append("expiredAt", date(now))))
                        .getModifiedCount() == 1) {
                    changed++;
                }
            }
            changed += recovery.failStalled(now);
            recovery.removeLeftovers();
            return changed;
        });
    }

    /** Counts the bytes that pass, renewing the export's lease as they do. */
    private static final class Counting extends FilterOutputStream {
        private final Lease held;
        long count;

        Counting(OutputStream out, Lease held) {
            super(out);
            this.held = held;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            held.beat();
        }
    }

    // ---------------------------------------------------------------- mapping

    /** Records {@code event} in {@code tenant}'s audit log (inside system scope too). */
    private void record(TenantId tenant, AuditEvent event) {
        AuditTrail trail = audit;
        if (trail != null) {
            Tenants.run(tenant, () -> trail.record(event));
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static BsonDocument byId(TenantId tenant, String exportId) {
        return new BsonDocument("_id", new BsonObjectId(new ObjectId(exportId)))
                .append(TENANT, new BsonString(tenant.value()));
    }

    static BsonDateTime date(Instant instant) {
        return new BsonDateTime(instant.toEpochMilli());
    }

    private static BsonDocument counts(Map<String, Long> counts) {
        BsonDocument doc = new BsonDocument();
        counts.forEach((name, n) -> doc.append(name, new BsonInt64(n)));
        return doc;
    }

    private static @Nullable Instant instant(BsonDocument doc, String field) {
        BsonValue value = doc.get(field);
        return value == null || !value.isDateTime() ? null : Instant.ofEpochMilli(value.asDateTime().getValue());
    }

    private static DataExport fromDocument(BsonDocument doc) {
        Map<String, Long> counts = new LinkedHashMap<>();
        doc.getDocument("counts", new BsonDocument()).forEach((k, v) -> counts.put(k, v.asNumber().longValue()));
        BsonDocument scope = doc.getDocument("scope", new BsonDocument());
        BsonValue error = doc.get("error");
        BsonValue location = doc.get("location");
        return new DataExport(doc.getObjectId("_id").getValue().toHexString(),
                TenantId.of(doc.getString(TENANT).getValue()), doc.getString("requestedBy").getValue(),
                scope.containsKey("userId") ? ExportScope.user(scope.getString("userId").getValue())
                        : ExportScope.tenant(),
                ExportFormat.valueOf(doc.getString("format").getValue()),
                ExportStatus.valueOf(doc.getString("status").getValue()), counts,
                doc.getNumber("bytes", new BsonInt64(0)).longValue(),
                Objects.requireNonNull(instant(doc, "requestedAt")), instant(doc, "startedAt"),
                instant(doc, "completedAt"), instant(doc, "expiresAt"),
                error != null && error.isString() ? error.asString().getValue() : null,
                location != null && location.isString() ? location.asString().getValue() : null);
    }
}
