package dev.tenantry.export.internal;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSBuckets;
import com.mongodb.client.gridfs.GridFSUploadStream;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.DataExport;
import dev.tenantry.export.DataExports;
import dev.tenantry.export.ExportFormat;
import dev.tenantry.export.ExportNotFoundException;
import dev.tenantry.export.ExportScope;
import dev.tenantry.export.ExportSink;
import dev.tenantry.export.ExportStatus;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.util.Set;
import java.util.TreeSet;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The export service over one MongoDB database; see {@link DataExports}. */
public final class DataExportsImpl implements DataExports {

    private static final Logger LOG = LoggerFactory.getLogger(DataExportsImpl.class);
    private static final String TENANT = "tenantId";
    private static final int BATCH = 1000;
    private static final int CSV_SAMPLE = 100;

    private final MongoCollection<BsonDocument> records;
    private final GridFSBucket bucket;
    private final TenantDatabase tenantDatabase;
    private final Duration validity;
    private final Clock clock;
    private final Set<String> secrets;
    private final Map<String, List<String>> userReferences;
    private final @Nullable AuditTrail audit;

    /** Built by {@link DataExports.Builder}; creates the indexes. */
    public DataExportsImpl(MongoDatabase database, String collectionName, String bucketName,
                           TenantDatabase tenantDatabase, Duration validity, Clock clock, Set<String> secrets,
                           Map<String, List<String>> userReferences, @Nullable AuditTrail audit) {
        this.records = database.getCollection(collectionName, BsonDocument.class);
        this.bucket = GridFSBuckets.create(database, bucketName);
        this.tenantDatabase = tenantDatabase;
        this.validity = validity;
        this.clock = clock;
        this.secrets = Set.copyOf(secrets);
        Map<String, List<String>> refs = new LinkedHashMap<>();
        userReferences.forEach((c, f) -> refs.put(c, List.copyOf(f)));
        this.userReferences = Map.copyOf(refs);
        this.audit = audit;
        records.createIndex(Indexes.compoundIndex(Indexes.ascending(TENANT), Indexes.descending("requestedAt")));
        records.createIndex(Indexes.compoundIndex(Indexes.ascending(TENANT, "requestedBy"),
                Indexes.descending("requestedAt")));
        records.createIndex(Indexes.ascending("status", "expiresAt"));
    }

    // ---------------------------------------------------------------- requests and records

    @Override
    public DataExport request(ExportScope scope, ExportFormat format, String requestedBy) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(requestedBy, "requestedBy");
        TenantId tenant = Tenants.current();
        if (requestedBy.isBlank()) {
            throw new IllegalArgumentException("an export needs who requested it; requestedBy was blank");
        }
        BsonDocument doc = new BsonDocument("_id", new BsonObjectId(new ObjectId()))
                .append(TENANT, new BsonString(tenant.value()))
                .append("requestedBy", new BsonString(requestedBy))
                .append("scope", scope.isUser() ? new BsonDocument("userId", new BsonString(scope.userId()))
                        : new BsonDocument())
                .append("format", new BsonString(format.name()))
                .append("status", new BsonString(ExportStatus.PENDING.name()))
                .append("counts", new BsonDocument())
                .append("bytes", new BsonInt64(0))
                .append("requestedAt", date(now()))
                .append("v", new BsonInt32(DataExport.FORMAT_VERSION));
        records.insertOne(doc);
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
        Objects.requireNonNull(requestedBy, "requestedBy");
        if (requestedBy.isBlank()) {
            throw new IllegalArgumentException("history by requester needs a requester; requestedBy was blank");
        }
        return historyOf(requestedBy, limit);
    }

    /** The current tenant's exports, of {@code requestedBy} if given, newest first. */
    private List<DataExport> historyOf(@Nullable String requestedBy, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("history limit must be at least 1, was " + limit);
        }
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
        BsonDocument started = records.findOneAndUpdate(byId(tenant, exportId).append("status",
                        new BsonString(ExportStatus.PENDING.name())),
                new BsonDocument("$set", new BsonDocument("status", new BsonString(ExportStatus.RUNNING.name()))
                        .append("startedAt", date(now()))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (started == null) { // not pending: say why, reading the record only on this path
            DataExport current = find(exportId).orElseThrow(() -> new ExportNotFoundException(exportId));
            throw new IllegalStateException("data export '" + exportId + "' is " + current.status()
                    + "; only a PENDING export runs");
        }
        DataExport export = fromDocument(started);
        Target target = open(sink, export);
        Counting out = new Counting(target.stream());
        Map<String, Long> counts = new LinkedHashMap<>();
        try {
            write(export, out, counts);
            out.flush();
            String location = target.commit();
            Instant completed = now();
            BsonDocument set = new BsonDocument("status", new BsonString(ExportStatus.COMPLETED.name()))
                    .append("counts", counts(counts)).append("bytes", new BsonInt64(out.count))
                    .append("completedAt", date(completed))
                    .append("expiresAt", location == null ? BsonNull.VALUE : date(completed.plus(validity)))
                    .append("location", location == null ? BsonNull.VALUE : new BsonString(location));
            DataExport done = update(tenant, exportId, set);
            record(AuditEvent.of(AuditAction.EXPORT).target("export", exportId).summary("exported "
                    + done.total() + " documents from " + counts.size() + " collections as " + export.format()
                    + (export.scope().isUser() ? " for user " + export.scope().userId() : "")
                    + (location == null ? "" : " to " + location)).build());
            return done;
        } catch (RuntimeException | IOException e) {
            target.abort();
            String error = e.toString();
            update(tenant, exportId, new BsonDocument("status", new BsonString(ExportStatus.FAILED.name()))
                    .append("counts", counts(counts)).append("bytes", new BsonInt64(out.count))
                    .append("completedAt", date(now())).append("error", new BsonString(error)));
            record(AuditEvent.of(AuditAction.EXPORT).target("export", exportId).failed(error).build());
            LOG.warn("data export {} of tenant '{}' failed after {} bytes: {}", exportId, tenant, out.count, error);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Streams every collection in scope into {@code out}, counting per collection into {@code counts}. */
    private void write(DataExport export, OutputStream out, Map<String, Long> counts) {
        List<String> names = new ArrayList<>();
        for (String name : tenantDatabase.getCollectionNames()) {
            if (!export.scope().isUser() || userReferences.containsKey(name)) {
                names.add(name);
            }
        }
        BsonDocument header = new BsonDocument("tenant", new BsonString(export.tenant().value()))
                .append("scope", export.scope().isUser()
                        ? new BsonDocument("userId", new BsonString(export.scope().userId()))
                        : new BsonDocument("tenant", new BsonString(export.tenant().value())))
                .append("exportId", new BsonString(export.id()))
                .append("exportedAt", new BsonString(now().toString()));
        List<String> columns = export.format() == ExportFormat.CSV ? columns(names, export.scope()) : List.of();
        DocumentWriter writer = new DocumentWriter(export.format(), out, secrets, header, columns);
        for (String name : names) {
            writer.startCollection(name);
            long n = 0;
            for (RawBsonDocument document : collection(name).find(filter(name, export.scope())).batchSize(BATCH)) {
                writer.write(name, document);
                n++;
            }
            writer.endCollection();
            counts.put(name, n);
            LOG.info("data export {} of tenant '{}': {} documents from {} ({} of {} collections)", export.id(),
                    export.tenant(), n, name, counts.size(), names.size());
        }
        writer.close();
    }

    /** The collection as exported: deleted documents included where it soft-deletes (they are still held). */
    private TenantCollection<RawBsonDocument> collection(String name) {
        TenantCollection<RawBsonDocument> collection = tenantDatabase.getCollection(name, RawBsonDocument.class);
        return tenantDatabase.getSoftDelete(name).isPresent() ? collection.withDeleted() : collection;
    }

    /** All documents, or those that reference the user through one of the collection's user fields. */
    private BsonDocument filter(String name, ExportScope scope) {
        if (!scope.isUser()) {
            return new BsonDocument();
        }
        String user = Objects.requireNonNull(scope.userId());
        BsonArray values = new BsonArray();
        values.add(new BsonString(user));
        if (ObjectId.isValid(user)) {
            values.add(new BsonObjectId(new ObjectId(user)));
        }
        BsonArray or = new BsonArray();
        for (String field : userReferences.get(name)) {
            or.add(new BsonDocument(field, new BsonDocument("$in", values)));
        }
        return new BsonDocument("$or", or);
    }

    /**
     * For CSV: the top-level fields of the first {@value #CSV_SAMPLE} exported documents of each collection, {@code _id}
     * first, secrets left out. Fields met later go to the last column as JSON, so one pass over the data suffices and
     * nothing is lost.
     */
    private List<String> columns(List<String> names, ExportScope scope) {
        Set<String> fields = new TreeSet<>();
        for (String name : names) {
            for (RawBsonDocument sample : collection(name).find(filter(name, scope)).limit(CSV_SAMPLE)) {
                for (String field : sample.keySet()) {
                    if (!secrets.contains(field.toLowerCase(java.util.Locale.ROOT))) {
                        fields.add(field);
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        if (fields.remove("_id")) {
            out.add("_id");
        }
        out.addAll(fields);
        return out;
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
        bucket.downloadToStream(new ObjectId(location.substring("gridfs:".length())), out);
    }

    @Override
    public int expireDue() {
        return Tenants.callAsSystem("expire data exports past their download time", () -> {
            Instant now = now();
            int expired = 0;
            BsonDocument due = new BsonDocument("status", new BsonString(ExportStatus.COMPLETED.name()))
                    .append("expiresAt", new BsonDocument("$lte", date(now)));
            for (BsonDocument doc : records.find(due)) {
                BsonValue location = doc.get("location");
                if (location != null && location.isString()) {
                    removeStored(location.asString().getValue());
                }
                if (records.updateOne(new BsonDocument("_id", doc.get("_id")).append("status",
                                new BsonString(ExportStatus.COMPLETED.name())),
                        new BsonDocument("$set", new BsonDocument("status",
                                new BsonString(ExportStatus.EXPIRED.name())).append("expiredAt", date(now))))
                        .getModifiedCount() == 1) {
                    expired++;
                }
            }
            return expired;
        });
    }

    private void removeStored(String location) {
        try {
            if (location.startsWith("gridfs:")) {
                bucket.delete(new ObjectId(location.substring("gridfs:".length())));
            } else if (location.startsWith("file:")) {
                Files.deleteIfExists(Path.of(location.substring("file:".length())));
            }
        } catch (com.mongodb.MongoGridFSException gone) {
            LOG.debug("stored export {} was already removed", location);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove expired export " + location, e);
        }
    }

    // ---------------------------------------------------------------- sinks

    /** An opened sink: its stream, then exactly one of commit (returns where it was stored, or null) or abort. */
    private interface Target {
        OutputStream stream();

        @Nullable String commit() throws IOException;

        void abort();
    }

    private Target open(ExportSink sink, DataExport export) {
        String fileName = "export-" + export.tenant() + "-" + export.id() + "." + export.format().extension();
        try {
            if (sink instanceof ExportSink.Stream s) {
                OutputStream out = new FilterOutputStream(s.out()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush(); // the caller's stream stays open
                    }
                };
                return new Target() {
                    @Override
                    public OutputStream stream() {
                        return out;
                    }

                    @Override
                    public @Nullable String commit() throws IOException {
                        out.flush();
                        return null;
                    }

                    @Override
                    public void abort() {
                    }
                };
            }
            if (sink instanceof ExportSink.File f) {
                Path path = f.path().toAbsolutePath();
                Path dir = path.getParent();
                Path part = Files.createTempFile(dir, path.getFileName() + ".", ".part");
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16);
                return new Target() {
                    @Override
                    public OutputStream stream() {
                        return out;
                    }

                    @Override
                    public String commit() throws IOException {
                        out.close();
                        try {
                            Files.move(part, path, StandardCopyOption.ATOMIC_MOVE,
                                    StandardCopyOption.REPLACE_EXISTING);
                        } catch (AtomicMoveNotSupportedException e) {
                            Files.move(part, path, StandardCopyOption.REPLACE_EXISTING);
                        }
                        return "file:" + path;
                    }

                    @Override
                    public void abort() {
                        try {
                            out.close();
                        } catch (IOException ignored) {
                            // the partial file is deleted next
                        }
                        try {
                            Files.deleteIfExists(part);
                        } catch (IOException e) {
                            LOG.warn("could not delete partial export file {}", part, e);
                        }
                    }
                };
            }
            GridFSUploadStream upload = bucket.openUploadStream(fileName, new GridFSUploadOptions()
                    .metadata(new org.bson.Document(TENANT, export.tenant().value()).append("exportId", export.id())
                            .append("contentType", export.format().mediaType())));
            return new Target() {
                @Override
                public OutputStream stream() {
                    return upload;
                }

                @Override
                public String commit() {
                    upload.close();
                    return "gridfs:" + upload.getObjectId().toHexString();
                }

                @Override
                public void abort() {
                    upload.abort();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the export's output", e);
        }
    }

    /** Counts the bytes that pass. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
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
        }
    }

    // ---------------------------------------------------------------- mapping

    private DataExport update(TenantId tenant, String exportId, BsonDocument set) {
        BsonDocument doc = records.findOneAndUpdate(byId(tenant, exportId), new BsonDocument("$set", set),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        return fromDocument(Objects.requireNonNull(doc, "export record vanished"));
    }

    private void record(AuditEvent event) {
        if (audit != null) {
            audit.record(event);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static BsonDocument byId(TenantId tenant, String exportId) {
        return new BsonDocument("_id", new BsonObjectId(new ObjectId(exportId)))
                .append(TENANT, new BsonString(tenant.value()));
    }

    private static BsonDateTime date(Instant instant) {
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
