package dev.tenantry.export.internal;

import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.DataExport;
import dev.tenantry.export.DataExports;
import dev.tenantry.ExportFormat;
import dev.tenantry.export.ExportScope;
import java.io.OutputStream;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an export holds: the current tenant's documents of every collection in its scope, read through the
 * tenant-scoped collections and streamed into a {@link DocumentWriter}. Thread-safe.
 */
final class ExportContent {

    private static final Logger LOG = LoggerFactory.getLogger(ExportContent.class);
    private static final int BATCH = 1000;
    private static final int CSV_SAMPLE = 100;

    private final TenantDatabase tenantDatabase;
    private final Set<String> secrets;
    private final Map<String, List<String>> userReferences;
    private final Clock clock;

    ExportContent(DataExports.Settings settings) {
        this.tenantDatabase = settings.tenantDatabase();
        this.secrets = settings.secretFields();
        this.userReferences = settings.userReferences();
        this.clock = settings.clock();
    }

    /**
     * Streams every collection in scope into {@code out}, counting per collection into {@code counts} and calling
     * {@code beat} after each document (the run renews its lease there).
     */
    void write(DataExport export, OutputStream out, Map<String, Long> counts, Runnable beat) {
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
                .append("exportedAt", new BsonString(clock.instant().truncatedTo(ChronoUnit.MILLIS).toString()));
        List<String> columns = export.format() == ExportFormat.CSV ? columns(names, export.scope()) : List.of();
        DocumentWriter writer = new DocumentWriter(export.format(), out, secrets, header, columns);
        for (String name : names) {
            writer.startCollection(name);
            long n = 0;
            for (RawBsonDocument document : collection(name).find(filter(name, export.scope())).batchSize(BATCH)) {
                writer.write(name, document);
                n++;
                beat.run();
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
        for (String field : userReferences.getOrDefault(name, List.of())) {
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
}
