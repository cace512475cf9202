package dev.tenantry.export;

import com.mongodb.client.MongoClient;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.internal.DataExportsImpl;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Data export jobs (GDPR Art. 15 and 20): a tenant's data, or one user's, from every collection registered with the
 * {@link TenantDatabase}, as JSON, NDJSON or CSV, with a {@link DataExport} record per request in the {@value
 * Builder#DEFAULT_COLLECTION} collection.
 *
 * <p>{@link #request} records a {@link ExportStatus#PENDING} export for the current tenant; {@link #run} writes it,
 * streaming each collection's documents from the driver's cursor straight into Jackson's streaming writers, so memory
 * stays constant however large the tenant. Fields named secret by policy (password hashes, tokens; see {@link
 * Builder#secretFields}) are left out at every depth; CSV cells a spreadsheet would run as formulas are escaped. A
 * failed run records why and leaves no output marked complete; a completed one stored in GridFS is offered by {@link
 * #download} until it expires, and {@link #expireDue()} (run on the application's schedule) marks expired exports and
 * removes their stored files. Exports emit {@code EXPORT} audit entries when an audit trail is configured.
 *
 * <p>Output layout: JSON is one object {@code {"tenant", "scope", "exportedAt", "collections": {name: [documents]}}};
 * NDJSON is one line per document, {@code {"collection": name, "document": {...}}}. CSV has a {@code collection}
 * column, one column per top-level field of the first documents of each collection, and a last column, {@code
 * $other}, holding a document's other fields as one JSON object, so nothing is lost in one pass; strings are written
 * as they are, other values as JSON. Documents are written as relaxed MongoDB Extended JSON ({@code {"$oid": ...}},
 * {@code {"$date": ...}}), so {@code BsonDocument.parse} reads them back.
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public interface DataExports {

    /** A builder over {@code databaseName} of {@code client}, exporting the collections of {@code tenantDatabase}. */
    static Builder builder(MongoClient client, String databaseName, TenantDatabase tenantDatabase) {
        return new Builder(client, databaseName, tenantDatabase);
    }

    /**
     * Records a pending export of the current tenant's data.
     *
     * @throws dev.tenantry.MissingTenantException outside a tenant scope
     * @throws IllegalArgumentException if {@code requestedBy} is blank
     */
    DataExport request(ExportScope scope, ExportFormat format, String requestedBy);

    /**
     * Runs a pending export of the current tenant into {@code sink} and returns its final record ({@link
     * ExportStatus#COMPLETED} or {@link ExportStatus#FAILED}; a failure is recorded, then rethrown).
     *
     * @throws ExportNotFoundException if the current tenant has no export of this id
     * @throws IllegalStateException if the export is not pending (it ran already, or runs elsewhere)
     */
    DataExport run(String exportId, ExportSink sink);

    /** The current tenant's export of this id. */
    Optional<DataExport> find(String exportId);

    /** The current tenant's exports, newest first, at most {@code limit}. */
    List<DataExport> history(int limit);

    /**
     * The current tenant's exports requested by {@code requestedBy}, newest first, at most {@code limit}: what a user
     * who may not see the whole tenant's exports is shown.
     *
     * @throws IllegalArgumentException if {@code requestedBy} is blank or {@code limit} is below 1
     */
    List<DataExport> history(String requestedBy, int limit);

    /**
     * Writes a completed export stored in GridFS to {@code out}.
     *
     * @throws ExportNotFoundException if the current tenant has no export of this id
     * @throws IllegalStateException if it is not completed, has expired, or was not stored in GridFS
     */
    void download(String exportId, OutputStream out);

    /**
     * In system scope: marks every completed export whose download time is over {@link ExportStatus#EXPIRED} and
     * removes its stored file.
     *
     * @return how many expired
     */
    int expireDue();

    /** Builds {@link DataExports}. */
    final class Builder {

        /** The collection export records live in unless named otherwise. */
        public static final String DEFAULT_COLLECTION = "DataExport";
        /** The GridFS bucket stored exports live in unless named otherwise. */
        public static final String DEFAULT_BUCKET = "exports";
        /** How long a stored export can be downloaded unless configured otherwise (GitHub offers 7 days). */
        public static final Duration DEFAULT_VALIDITY = Duration.ofDays(7);
        /** Field names left out of every export unless configured otherwise (compared case-insensitively). */
        public static final Set<String> DEFAULT_SECRET_FIELDS = Set.of("password", "passwordhash", "passwordsalt",
                "token", "accesstoken", "refreshtoken", "resettoken", "secret", "apikey", "totpsecret");

        private final MongoClient client;
        private final String databaseName;
        private final TenantDatabase tenantDatabase;
        private String collectionName = DEFAULT_COLLECTION;
        private String bucketName = DEFAULT_BUCKET;
        private Duration validity = DEFAULT_VALIDITY;
        private Clock clock = Clock.systemUTC();
        private Set<String> secretFields = DEFAULT_SECRET_FIELDS;
        private final Map<String, List<String>> userReferences = new LinkedHashMap<>();
        private @Nullable AuditTrail auditTrail;

        private Builder(MongoClient client, String databaseName, TenantDatabase tenantDatabase) {
            this.client = Objects.requireNonNull(client, "client");
            this.databaseName = Objects.requireNonNull(databaseName, "databaseName");
            this.tenantDatabase = Objects.requireNonNull(tenantDatabase, "tenantDatabase");
        }

        /** The collection export records live in (default {@value #DEFAULT_COLLECTION}). */
        public Builder collectionName(String name) {
            this.collectionName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The GridFS bucket stored exports live in (default {@value #DEFAULT_BUCKET}). */
        public Builder bucketName(String name) {
            this.bucketName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * How long a completed export stays downloadable (default 7 days).
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder validity(Duration validity) {
            Objects.requireNonNull(validity, "validity");
            if (validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException("export validity must be positive, was " + validity);
            }
            this.validity = validity;
            return this;
        }

        /** The clock for the records' times and expiry. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The field names never exported, at any depth, compared case-insensitively; replaces the defaults
         * ({@link #DEFAULT_SECRET_FIELDS}).
         */
        public Builder secretFields(String... names) {
            Set<String> set = new LinkedHashSet<>();
            for (String name : names) {
                set.add(Objects.requireNonNull(name, "secret field name").toLowerCase(Locale.ROOT));
            }
            this.secretFields = Set.copyOf(set);
            return this;
        }

        /**
         * The fields of {@code collection} that hold a user's id: a user-scoped export includes the documents where
         * any of them equals the user (collections with none are left out of user-scoped exports).
         *
         * @throws IllegalArgumentException if the collection is not registered or no field is named
         */
        public Builder userReference(String collection, String... fields) {
            tenantDatabase.getIsolation(collection);
            if (fields.length == 0) {
                throw new IllegalArgumentException("name at least one user-reference field of '" + collection + "'");
            }
            userReferences.computeIfAbsent(collection, c -> new java.util.ArrayList<>()).addAll(List.of(fields));
            return this;
        }

        /** Records {@code EXPORT} audit entries in this trail. */
        public Builder auditTrail(AuditTrail trail) {
            this.auditTrail = Objects.requireNonNull(trail, "trail");
            return this;
        }

        /** Builds the service and creates its index. */
        public DataExports build() {
            return new DataExportsImpl(client.getDatabase(databaseName), collectionName, bucketName, tenantDatabase,
                    validity, clock, secretFields, userReferences, auditTrail);
        }
    }
}
