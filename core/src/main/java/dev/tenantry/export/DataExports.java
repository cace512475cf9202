package dev.tenantry.export;

import com.mongodb.client.MongoClient;
import dev.tenantry.ExportFormat;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.internal.DataExportsImpl;
import dev.tenantry.internal.Arguments;
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
 * <p>{@link #request} records a {@link ExportStatus#PENDING} export for the current tenant, within the {@linkplain
 * Builder#maxActivePerRequester caps} on exports pending or running at once (enforced atomically, by claiming one of
 * a fixed number of slots, so concurrent requests never exceed them); {@link #run} writes it, streaming each
 * collection's documents from the driver's cursor straight into Jackson's streaming writers, so memory stays constant
 * however large the tenant. Fields named secret by policy (password hashes, tokens; see {@link Builder#secretFields})
 * are left out at every depth, inside every BSON container (documents, arrays, JavaScript code with scope); CSV cells
 * a spreadsheet would run as formulas are escaped.
 *
 * <p>A running export holds a {@linkplain Builder#lease lease}, renewed as it writes. A run that fails records
 * {@link ExportStatus#FAILED} with the first error (later ones, such as the record update failing during an outage,
 * are attached to the exception thrown as suppressed) and removes its partial output: the temporary file, or the
 * GridFS chunks written so far. Where that is not possible (the runner died, MongoDB was down), {@link #expireDue()}
 * (run on the application's schedule) finishes the job: an export whose lease ran out becomes FAILED with that reason,
 * and partial output still recorded is removed (a file only from the host that wrote it). {@code expireDue()} also
 * marks completed exports past their download time {@link ExportStatus#EXPIRED} and removes their stored files; a
 * completed one stored in GridFS is offered by {@link #download} until then. Exports emit {@code EXPORT} audit
 * entries when an audit trail is configured.
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
     * @param requestedBy who asks for it, 1 to {@value #MAX_REQUESTED_BY} characters
     * @throws dev.tenantry.MissingTenantException outside a tenant scope
     * @throws IllegalArgumentException if {@code requestedBy} is blank or too long
     * @throws ExportLimitExceededException if the requester or the tenant already has as many exports pending or
     *     running as allowed; nothing is recorded
     */
    DataExport request(ExportScope scope, ExportFormat format, String requestedBy);

    /** The longest {@code requestedBy} accepted. */
    int MAX_REQUESTED_BY = 512;

    /** The most exports one history call returns. */
    int MAX_HISTORY = 1000;

    /**
     * Runs a pending export of the current tenant into {@code sink} and returns its final record ({@link
     * ExportStatus#COMPLETED} or {@link ExportStatus#FAILED}; a failure, opening the sink included, is recorded with
     * its first error and the partial output removed, then that error is rethrown).
     *
     * @throws ExportNotFoundException if the current tenant has no export of this id
     * @throws IllegalStateException if the export is not pending (it ran already, or runs elsewhere), or its lease
     *     was taken over while it ran (it was recovered as stalled)
     */
    DataExport run(String exportId, ExportSink sink);

    /** The current tenant's export of this id. */
    Optional<DataExport> find(String exportId);

    /**
     * The current tenant's exports, newest first, at most {@code limit}.
     *
     * @throws IllegalArgumentException if {@code limit} is not 1 to {@value #MAX_HISTORY}
     */
    List<DataExport> history(int limit);

    /**
     * The current tenant's exports requested by {@code requestedBy}, newest first, at most {@code limit}: what a user
     * who may not see the whole tenant's exports is shown.
     *
     * @throws IllegalArgumentException if {@code requestedBy} is blank or too long, or {@code limit} is not 1 to
     *     {@value #MAX_HISTORY}
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
     * removes its stored file; marks every running export whose lease ran out (its runner died or hung) {@link
     * ExportStatus#FAILED}, saying so; and removes partial output that failed exports still record.
     *
     * @return how many exports it expired or failed
     */
    int expireDue();

    /**
     * Builds {@link DataExports}.
     *
     * <p>Not thread-safe: configure a builder on one thread, then build.
     */
    final class Builder {

        /** The collection export records live in unless named otherwise. */
        public static final String DEFAULT_COLLECTION = "DataExport";
        /** The GridFS bucket stored exports live in unless named otherwise. */
        public static final String DEFAULT_BUCKET = "exports";
        /** How long a stored export can be downloaded unless configured otherwise (GitHub offers 7 days). */
        public static final Duration DEFAULT_VALIDITY = Duration.ofDays(7);
        /** How long a running export's lease lasts without renewal unless configured otherwise. */
        public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
        /** Exports one requester may have pending or running at once in a tenant, unless configured otherwise. */
        public static final int DEFAULT_MAX_ACTIVE_PER_REQUESTER = 2;
        /** Exports one tenant may have pending or running at once, unless configured otherwise. */
        public static final int DEFAULT_MAX_ACTIVE_PER_TENANT = 10;
        /** The largest value either cap may be set to. */
        public static final int MAX_ACTIVE_LIMIT = 1000;
        /** Field names left out of every export unless configured otherwise (compared case-insensitively). */
        public static final Set<String> DEFAULT_SECRET_FIELDS = Set.of("password", "passwordhash", "passwordsalt",
                "token", "accesstoken", "refreshtoken", "resettoken", "secret", "apikey", "totpsecret");

        private final MongoClient client;
        private final String databaseName;
        private final TenantDatabase tenantDatabase;
        private String collectionName = DEFAULT_COLLECTION;
        private String bucketName = DEFAULT_BUCKET;
        private Duration validity = DEFAULT_VALIDITY;
        private Duration lease = DEFAULT_LEASE;
        private int maxActivePerRequester = DEFAULT_MAX_ACTIVE_PER_REQUESTER;
        private int maxActivePerTenant = DEFAULT_MAX_ACTIVE_PER_TENANT;
        private Clock clock = Clock.systemUTC();
        private Set<String> secretFields = DEFAULT_SECRET_FIELDS;
        private final Map<String, List<String>> userReferences = new LinkedHashMap<>();
        private @Nullable AuditTrail auditTrail;

        private Builder(MongoClient client, String databaseName, TenantDatabase tenantDatabase) {
            this.client = Objects.requireNonNull(client, "client");
            this.databaseName = Arguments.databaseName("export database name", databaseName);
            this.tenantDatabase = Objects.requireNonNull(tenantDatabase, "tenantDatabase");
        }

        /**
         * The collection export records live in (default {@value #DEFAULT_COLLECTION}); the slots that cap active
         * exports live in the one named after it with {@code Slots}.
         *
         * @throws IllegalArgumentException if it is not 1-64 letters, digits, '_' or '-', starting with a letter or
         *     '_'
         */
        public Builder collectionName(String name) {
            this.collectionName = Arguments.name("export collection name", name);
            return this;
        }

        /**
         * The GridFS bucket stored exports live in (default {@value #DEFAULT_BUCKET}).
         *
         * @throws IllegalArgumentException if it is not 1-64 letters, digits, '_' or '-', starting with a letter or
         *     '_'
         */
        public Builder bucketName(String name) {
            this.bucketName = Arguments.name("export bucket name", name);
            return this;
        }

        /**
         * How long a completed export stays downloadable (default 7 days).
         *
         * @throws IllegalArgumentException if not positive, or longer than 100 years
         */
        public Builder validity(Duration validity) {
            this.validity = Arguments.positive("export validity", validity);
            return this;
        }

        /**
         * How long a running export's lease lasts without renewal (default {@link #DEFAULT_LEASE}); the runner renews
         * it every third of that while it writes, and {@link DataExports#expireDue()} fails an export whose lease ran
         * out. Longer than any pause the runner may take between two documents.
         *
         * @throws IllegalArgumentException if shorter than 1 second or longer than 100 years
         */
        public Builder lease(Duration lease) {
            this.lease = Arguments.atLeast("export lease", lease, Duration.ofSeconds(1));
            return this;
        }

        /**
         * How many exports one requester may have pending or running at once in a tenant (default {@value
         * #DEFAULT_MAX_ACTIVE_PER_REQUESTER}); {@link DataExports#request} refuses more with {@link
         * ExportLimitExceededException}.
         *
         * @throws IllegalArgumentException if not 1 to {@value #MAX_ACTIVE_LIMIT}
         */
        public Builder maxActivePerRequester(int max) {
            this.maxActivePerRequester = (int) Arguments.inRange("exports pending or running per requester", max, 1,
                    MAX_ACTIVE_LIMIT);
            return this;
        }

        /**
         * How many exports one tenant may have pending or running at once (default {@value
         * #DEFAULT_MAX_ACTIVE_PER_TENANT}); {@link DataExports#request} refuses more with {@link
         * ExportLimitExceededException}.
         *
         * @throws IllegalArgumentException if not 1 to {@value #MAX_ACTIVE_LIMIT}
         */
        public Builder maxActivePerTenant(int max) {
            this.maxActivePerTenant = (int) Arguments.inRange("exports pending or running per tenant", max, 1,
                    MAX_ACTIVE_LIMIT);
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
         *
         * @throws IllegalArgumentException if a name is blank or longer than 256 characters
         */
        public Builder secretFields(String... names) {
            Objects.requireNonNull(names, "names");
            Set<String> set = new LinkedHashSet<>();
            for (String name : names) {
                set.add(Arguments.text("secret field name", name, 256).toLowerCase(Locale.ROOT));
            }
            this.secretFields = Set.copyOf(set);
            return this;
        }

        /**
         * The fields of {@code collection} that hold a user's id: a user-scoped export includes the documents where
         * any of them equals the user (collections with none are left out of user-scoped exports).
         *
         * @throws IllegalArgumentException if the collection is not registered, no field is named, or a field is blank
         *     or longer than 256 characters
         */
        public Builder userReference(String collection, String... fields) {
            Objects.requireNonNull(collection, "collection");
            Objects.requireNonNull(fields, "fields");
            tenantDatabase.getIsolation(collection);
            if (fields.length == 0) {
                throw new IllegalArgumentException("name at least one user-reference field of '" + collection + "'");
            }
            for (String field : fields) {
                Arguments.text("user-reference field of '" + collection + "'", field, 256);
            }
            userReferences.computeIfAbsent(collection, c -> new java.util.ArrayList<>()).addAll(List.of(fields));
            return this;
        }

        /** Records {@code EXPORT} audit entries in this trail. */
        public Builder auditTrail(AuditTrail trail) {
            this.auditTrail = Objects.requireNonNull(trail, "trail");
            return this;
        }

        /**
         * The settings this builder holds, checked as a whole; {@link #build()} builds the service from exactly
         * these.
         *
         * @throws IllegalStateException if the per-requester cap is above the per-tenant cap
         */
        public Settings settings() {
            if (maxActivePerRequester > maxActivePerTenant) {
                throw new IllegalStateException("exports pending or running per requester (" + maxActivePerRequester
                        + ") must not exceed those per tenant (" + maxActivePerTenant + ")");
            }
            return new Settings(this);
        }

        /**
         * Builds the service from its {@linkplain #settings() settings} and creates its indexes.
         *
         * @throws IllegalStateException if the per-requester cap is above the per-tenant cap
         */
        public DataExports build() {
            return new DataExportsImpl(settings());
        }
    }

    /**
     * The settings of {@link DataExports}, as its {@link Builder} validated them; the service is built from one of
     * these whole.
     *
     * <p>Immutable and thread-safe (the client, tenant database, clock and audit trail are the application's own
     * objects).
     *
     * @since 0.1
     */
    final class Settings {
        private final MongoClient client;
        private final String databaseName;
        private final TenantDatabase tenantDatabase;
        private final String collectionName;
        private final String bucketName;
        private final Duration validity;
        private final Duration lease;
        private final int maxActivePerRequester;
        private final int maxActivePerTenant;
        private final Clock clock;
        private final Set<String> secretFields;
        private final Map<String, List<String>> userReferences;
        private final @Nullable AuditTrail auditTrail;

        private Settings(Builder builder) {
            this.client = builder.client;
            this.databaseName = builder.databaseName;
            this.tenantDatabase = builder.tenantDatabase;
            this.collectionName = builder.collectionName;
            this.bucketName = builder.bucketName;
            this.validity = builder.validity;
            this.lease = builder.lease;
            this.maxActivePerRequester = builder.maxActivePerRequester;
            this.maxActivePerTenant = builder.maxActivePerTenant;
            this.clock = builder.clock;
            this.secretFields = Set.copyOf(builder.secretFields);
            Map<String, List<String>> references = new LinkedHashMap<>();
            builder.userReferences.forEach((collection, fields) -> references.put(collection, List.copyOf(fields)));
            this.userReferences = java.util.Collections.unmodifiableMap(references);
            this.auditTrail = builder.auditTrail;
        }

        /** The client records and stored exports are written through. */
        public MongoClient client() {
            return client;
        }

        /** The database export records and stored exports live in. */
        public String databaseName() {
            return databaseName;
        }

        /** The tenant-scoped collections exports read. */
        public TenantDatabase tenantDatabase() {
            return tenantDatabase;
        }

        /** The collection export records live in ({@link Builder#collectionName}). */
        public String collectionName() {
            return collectionName;
        }

        /** The GridFS bucket stored exports live in ({@link Builder#bucketName}). */
        public String bucketName() {
            return bucketName;
        }

        /** How long a completed export stays downloadable. */
        public Duration validity() {
            return validity;
        }

        /** How long a running export's lease lasts without renewal. */
        public Duration lease() {
            return lease;
        }

        /** How many exports one requester may have pending or running at once in a tenant. */
        public int maxActivePerRequester() {
            return maxActivePerRequester;
        }

        /** How many exports one tenant may have pending or running at once. */
        public int maxActivePerTenant() {
            return maxActivePerTenant;
        }

        /** The clock for the records' times and expiry. */
        public Clock clock() {
            return clock;
        }

        /** The field names never exported, lower-cased. */
        public Set<String> secretFields() {
            return secretFields;
        }

        /** Per collection, the fields that hold a user's id, in registration order. */
        public Map<String, List<String>> userReferences() {
            return userReferences;
        }

        /** The trail {@code EXPORT} entries are recorded in, or null for none. */
        public @Nullable AuditTrail auditTrail() {
            return auditTrail;
        }
    }
}
