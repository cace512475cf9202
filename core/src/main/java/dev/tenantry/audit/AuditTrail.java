package dev.tenantry.audit;

import com.mongodb.client.MongoClient;
import dev.tenantry.SystemScopeListener;
import dev.tenantry.TenantId;
import dev.tenantry.audit.internal.AuditTrailImpl;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.collection.WriteListener;
import dev.tenantry.ExportFormat;
import dev.tenantry.internal.Arguments;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The audit trail: records {@link AuditEvent}s in the current tenant's append-only, hash-chained log, and reads,
 * verifies and purges it.
 *
 * <p>Every method works on the current tenant ({@link dev.tenantry.Tenants#current()}) and throws {@link
 * dev.tenantry.MissingTenantException} where none is set; to read another tenant's log, open its scope inside
 * system scope. Entries are written to the {@value #DEFAULT_COLLECTION} collection, each stamped with its tenant and
 * filtered by it; the trail opens no tenant scope of its own to write, so no {@link dev.tenantry.TenantScopeGuard}
 * (a directory refusing a suspended tenant) can keep an accepted entry from being written.
 *
 * <p>Synchronous (the default): {@link #record} returns once MongoDB acknowledged the entry. Asynchronous: {@link
 * #record} queues the entry in a bounded queue drained by a batcher; the {@link OverflowPolicy} says what happens when
 * it is full. A write that fails for a transient reason (MongoDB unreachable or not answering in time, a primary
 * stepping down; classified by the driver's exception types, error labels and codes) is retried with backoff until it
 * succeeds; an entry MongoDB refuses for good is moved at once, without holding up any other entry, to the dead-letter
 * place (the {@value #DEFAULT_COLLECTION}{@value #DEAD_LETTER_SUFFIX} collection, or a {@linkplain
 * Builder#deadLetterFile file}) and counted in {@link AuditStats#deadLettered()}. {@link #close(Duration)} writes
 * everything queued, or, once its deadline passes, moves what is left to the dead-letter place and says how much. An
 * accepted entry is never lost silently: it is in the log, in the dead-letter place, or (when both are unreachable)
 * in the application's log at ERROR, one line of JSON each.
 *
 * <p>Actions whose name starts with {@value AuditAction#RESERVED_PREFIX} ({@link AuditAction#AUDIT_PURGE}) are the
 * trail's own bookkeeping and cannot be recorded by callers.
 *
 * <p>Tamper evidence: each tenant's entries form a hash chain (sequence, previous hash, SHA-256 over a canonical
 * encoding, or HMAC-SHA256 with a {@linkplain Builder#hmacKey key}). {@link #verify()} reports the first broken link,
 * whether an entry was modified, deleted, inserted or reordered, and never throws because of what it reads. A purge
 * anchor is an entry of the chain like any other, hashed (or authenticated with the key) the same way, and is trusted
 * only where the entries before it are gone. Without a key, anyone able to rewrite the whole collection could
 * recompute the chain; with a key kept outside the database they cannot, anchors included.
 *
 * <p>Thread-safe. Close it to stop the asynchronous writer (flushing first). An asynchronous trail also closes itself
 * when the JVM shuts down, within its {@linkplain Builder#closeTimeout close timeout}, and logs what it could not
 * write.
 *
 * @since 0.1
 */
public interface AuditTrail extends AutoCloseable {

    /** The collection entries are written to unless {@link Builder#collectionName} says otherwise. */
    String DEFAULT_COLLECTION = "AuditLog";

    /** The suffix of the dead-letter collection's name, after the log's ({@code AuditLogDeadLetters}). */
    String DEAD_LETTER_SUFFIX = "DeadLetters";

    /** Starts building a trail over {@code databaseName}. */
    static Builder builder(MongoClient client, String databaseName) {
        return new Builder(client, databaseName);
    }

    /**
     * Records an event for the current tenant: written before returning (synchronous), or queued (asynchronous).
     *
     * @throws dev.tenantry.MissingTenantException if no tenant is set
     * @throws IllegalArgumentException if the action is {@linkplain AuditAction#isReserved() reserved}
     * @throws AuditOverflowException if the asynchronous queue refused it (timeout policy, or the trail is closed)
     */
    void record(AuditEvent event);

    /** Records a successful {@code action} on a target. */
    default void record(AuditAction action, String targetType, @Nullable String targetId) {
        record(AuditEvent.of(action).target(targetType, targetId).build());
    }

    /** One page of the current tenant's entries matching {@code query}, newest first. */
    AuditPage query(AuditQuery query);

    /**
     * Writes every entry of the current tenant matching {@code query} (its filters, from its cursor on; its page
     * size is ignored), newest first, to {@code out} in {@code format}, streaming a page at a time so memory stays
     * constant however long the log. CSV cells a spreadsheet would evaluate as formulas are escaped. The stream is
     * flushed, not closed.
     *
     * @return how many entries were written
     * @throws java.io.UncheckedIOException if writing to {@code out} fails
     */
    long export(AuditQuery query, ExportFormat format, OutputStream out);

    /** Checks the current tenant's hash chain from its start (or its last purge) to its head. */
    AuditVerification verify();

    /**
     * Deletes the current tenant's entries older than {@code retention}, keeping the chain verifiable: an {@link
     * AuditAction#AUDIT_PURGE} entry is recorded first with the sequence and hash of the last entry purged, and
     * {@link #verify()} resumes from that anchor. Only a prefix of the chain is purged: entries are kept from the
     * first one inside the retention on.
     *
     * @return how many entries were deleted
     * @throws IllegalArgumentException if {@code retention} is negative or longer than 100 years
     */
    long purgeOlderThan(Duration retention);

    /** Counters for health checks and metrics. */
    AuditStats stats();

    /**
     * A listener that records a CREATE, UPDATE or DELETE entry for every write applied through the tenant-scoped
     * collections it is registered for, with the collection as target type and the document id as target id
     * (where the write names one document; otherwise the summary says what was matched). In asynchronous mode it
     * only queues, so audited writes cost no extra round trip on the writing thread:
     * <pre>{@code
     * TenantDatabase db = TenantDatabase.builder(client, "app").collection("customers")
     *         .writeListener(auditTrail.writeListener(), "customers").build();
     * }</pre>
     */
    WriteListener writeListener();

    /**
     * A listener that records a {@link AuditAction#SYSTEM_ACCESS} entry, with the stated reason, for each system-scope
     * entry it is told of: in the enclosing tenant's log, or the {@linkplain Builder#systemTenant system tenant}'s.
     * Wire it to the databases whose system access this trail records:
     * <pre>{@code
     * tenantDatabase.addSystemScopeListener(auditTrail.systemScopeListener());
     * }</pre>
     * The database then reports each entry the first time it touches that database's data (see {@link
     * dev.tenantry.SystemScopeListener}); another application's system scope, on its own database, never reaches it.
     */
    SystemScopeListener systemScopeListener();

    /**
     * Stops intake and, when asynchronous, writes everything queued, waiting at most the {@linkplain
     * Builder#closeTimeout close timeout}; see {@link #close(Duration)}. What it could not write is logged.
     */
    @Override
    void close();

    /**
     * Stops intake and, when asynchronous, waits until everything queued is written or {@code timeout} passes; then
     * moves whatever is still unwritten to the dead-letter place and says how much. Every call waits, also a second
     * or concurrent one, and all are told the same outcome; the earliest deadline asked for is the one kept.
     *
     * @param timeout the longest to wait for the queue to be written (the dead-letter place may take up to a few
     *     seconds more)
     * @return how many entries were not written to the log, and where they are instead
     * @throws IllegalArgumentException if {@code timeout} is negative or longer than 100 years
     */
    AuditCloseReport close(Duration timeout);

    /**
     * Builds an {@link AuditTrail}. Setters validate at once and name the bad value; defaults are constants.
     *
     * <p>Not thread-safe: configure a builder on one thread, then build.
     */
    final class Builder {
        /** Queue capacity of an asynchronous trail by default. */
        public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
        /** Largest batch written at once by default. */
        public static final int DEFAULT_BATCH_SIZE = 500;
        /** Longest wait for a batch to fill by default. */
        public static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ofMillis(50);
        /** Tenant whose log holds system-scope entries made outside any tenant, by default. */
        public static final TenantId DEFAULT_SYSTEM_TENANT = TenantId.of("system");
        /** How long a close (and the JVM's shutdown) waits for the queue to be written, by default. */
        public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
        /** The longest one asynchronous write may take before it counts as failed (and is retried), by default. */
        public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
        /** The wait for room under {@link OverflowPolicy#BLOCK_WITH_TIMEOUT}, by default. */
        public static final Duration DEFAULT_OVERFLOW_TIMEOUT = Duration.ofSeconds(1);
        /** The first wait before a failed asynchronous write is retried, by default. */
        public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(50);
        /** The longest wait between retries of a failed asynchronous write, by default. */
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

        private final MongoClient client;
        private final String databaseName;
        private String tenantField = TenantDatabase.DEFAULT_TENANT_FIELD;
        private String collectionName = DEFAULT_COLLECTION;
        private Clock clock = Clock.systemUTC();
        private byte @Nullable [] hmacKey;
        private TenantId systemTenant = DEFAULT_SYSTEM_TENANT;
        private boolean asynchronous;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration maxBatchDelay = DEFAULT_MAX_BATCH_DELAY;
        private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK;
        private Duration overflowTimeout = DEFAULT_OVERFLOW_TIMEOUT;
        private Duration minBackoff = DEFAULT_MIN_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private @Nullable Path deadLetterFile;

        private Builder(MongoClient client, String databaseName) {
            this.client = Objects.requireNonNull(client, "client");
            this.databaseName = Arguments.databaseName("audit database name", databaseName);
        }

        /**
         * The tenant field, as in the application's {@link TenantDatabase}.
         *
         * @throws IllegalArgumentException if it is not 1-64 letters, digits, '_' or '-', or is {@code _id}
         */
        public Builder tenantField(String field) {
            Arguments.name("audit tenant field", field);
            if (field.equals("_id")) {
                throw new IllegalArgumentException("audit tenant field must not be '_id', the entry's own id");
            }
            this.tenantField = field;
            return this;
        }

        /**
         * The collection entries go to (default {@value AuditTrail#DEFAULT_COLLECTION}); its head records and dead
         * letters go to collections named after it with {@code Heads} and {@value AuditTrail#DEAD_LETTER_SUFFIX}.
         *
         * @throws IllegalArgumentException if it is not 1-64 letters, digits, '_' or '-', starting with a letter or
         *     '_'
         */
        public Builder collectionName(String name) {
            this.collectionName = Arguments.name("audit collection name", name);
            return this;
        }

        /** The clock entry times come from (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Chains with HMAC-SHA256 under {@code key} instead of plain SHA-256, so only holders of the key can forge a
         * chain. Keep the key outside the database.
         *
         * @throws IllegalArgumentException if the key is shorter than 32 bytes
         */
        public Builder hmacKey(byte[] key) {
            Objects.requireNonNull(key, "key");
            if (key.length < 32) {
                throw new IllegalArgumentException("audit HMAC key must be at least 32 bytes, was " + key.length);
            }
            this.hmacKey = key.clone();
            return this;
        }

        /** The tenant whose log holds system-scope entries made outside any tenant (default {@code system}). */
        public Builder systemTenant(TenantId tenant) {
            this.systemTenant = Objects.requireNonNull(tenant, "tenant");
            return this;
        }

        /**
         * Queues entries and writes them in batches from a background thread.
         *
         * @param capacity how many entries the queue holds
         * @param batchSize the most entries written at once
         * @param maxBatchDelay how long a batch may wait to fill
         * @throws IllegalArgumentException if capacity or batch size is below 1, or the delay is negative or zero
         */
        public Builder asynchronous(int capacity, int batchSize, Duration maxBatchDelay) {
            if (capacity < 1) {
                throw new IllegalArgumentException("audit queue capacity must be at least 1, was " + capacity);
            }
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("audit batch size must be 1..100000, was " + batchSize);
            }
            Arguments.positive("audit max batch delay", maxBatchDelay);
            this.asynchronous = true;
            this.queueCapacity = capacity;
            this.batchSize = batchSize;
            this.maxBatchDelay = maxBatchDelay;
            return this;
        }

        /** Queues entries with the default capacity, batch size and delay. */
        public Builder asynchronous() {
            return asynchronous(DEFAULT_QUEUE_CAPACITY, DEFAULT_BATCH_SIZE, DEFAULT_MAX_BATCH_DELAY);
        }

        /**
         * What a full queue does (default {@link OverflowPolicy#BLOCK}); {@code timeout} is the wait of {@link
         * OverflowPolicy#BLOCK_WITH_TIMEOUT}. A policy other than {@code BLOCK} needs {@link #asynchronous()}, which
         * may still be called after this: {@link #build()} refuses it without one (with {@link
         * IllegalStateException}).
         *
         * @throws IllegalArgumentException if the timeout is negative or zero
         */
        public Builder overflow(OverflowPolicy policy, Duration timeout) {
            Objects.requireNonNull(policy, "policy");
            Arguments.positive("audit overflow timeout", timeout);
            this.overflowPolicy = policy;
            this.overflowTimeout = timeout;
            return this;
        }

        /**
         * The backoff between retries of a failed asynchronous write: doubling from {@code min} up to {@code max}.
         *
         * @throws IllegalArgumentException if {@code min} is not positive or {@code max} is below it
         */
        public Builder retryBackoff(Duration min, Duration max) {
            Arguments.positive("audit retry backoff min", min);
            Arguments.positive("audit retry backoff max", max);
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("audit retry backoff needs 0 < min <= max, was " + min + ".."
                        + max);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How long {@link AuditTrail#close()} and the JVM's shutdown wait for the asynchronous queue to be written
         * (default {@link #DEFAULT_CLOSE_TIMEOUT}) before what is left goes to the dead-letter place.
         *
         * @throws IllegalArgumentException if negative or longer than 100 years
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Arguments.notNegative("audit close timeout", timeout);
            return this;
        }

        /**
         * The longest one asynchronous write may take (a client-side operation timeout) before it counts as a
         * transient failure and is retried (default {@link #DEFAULT_WRITE_TIMEOUT}).
         *
         * @throws IllegalArgumentException if shorter than 1 ms or longer than 100 years
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = Arguments.atLeast("audit write timeout", timeout, Duration.ofMillis(1));
            return this;
        }

        /**
         * Keeps entries that cannot be written to the log in {@code file} (appended, one line of relaxed Extended
         * JSON each, synced to disk) instead of the dead-letter collection: a file stays writable when MongoDB is
         * down, which matters at shutdown.
         */
        public Builder deadLetterFile(Path file) {
            this.deadLetterFile = Objects.requireNonNull(file, "file").toAbsolutePath();
            return this;
        }

        /**
         * The settings this builder holds, checked as a whole; {@link #build()} builds the trail from exactly these.
         *
         * @throws IllegalStateException if the settings conflict: an overflow policy other than {@link
         *     OverflowPolicy#BLOCK} without {@link #asynchronous()}
         */
        public Settings settings() {
            if (!asynchronous && overflowPolicy != OverflowPolicy.BLOCK) {
                throw new IllegalStateException("an overflow policy needs asynchronous(); a synchronous trail has no "
                        + "queue, was overflow(" + overflowPolicy + ", ...) on a synchronous trail");
            }
            return new Settings(this);
        }

        /**
         * Builds the trail and creates its indexes.
         *
         * @throws IllegalStateException if the settings conflict (see {@link #settings()})
         */
        public AuditTrail build() {
            return new AuditTrailImpl(settings());
        }
    }

    /**
     * The settings of an {@link AuditTrail}, as its {@link Builder} validated them: an immutable, read-only view
     * (for a configuration report, or to see what a default resolved to). The trail is built from one of these
     * whole. The {@linkplain #hmacKey() HMAC key} is a secret: report {@link #hasHmacKey()}, never the key.
     *
     * <p>Immutable and thread-safe.
     *
     * @since 0.1
     */
    final class Settings {
        private final MongoClient client;
        private final String databaseName;
        private final String tenantField;
        private final String collectionName;
        private final Clock clock;
        private final byte @Nullable [] hmacKey;
        private final TenantId systemTenant;
        private final boolean asynchronous;
        private final int queueCapacity;
        private final int batchSize;
        private final Duration maxBatchDelay;
        private final OverflowPolicy overflowPolicy;
        private final Duration overflowTimeout;
        private final Duration minBackoff;
        private final Duration maxBackoff;
        private final Duration closeTimeout;
        private final Duration writeTimeout;
        private final @Nullable Path deadLetterFile;

        private Settings(Builder builder) {
            this.client = builder.client;
            this.databaseName = builder.databaseName;
            this.tenantField = builder.tenantField;
            this.collectionName = builder.collectionName;
            this.clock = builder.clock;
            this.hmacKey = builder.hmacKey != null ? builder.hmacKey.clone() : null;
            this.systemTenant = builder.systemTenant;
            this.asynchronous = builder.asynchronous;
            this.queueCapacity = builder.queueCapacity;
            this.batchSize = builder.batchSize;
            this.maxBatchDelay = builder.maxBatchDelay;
            this.overflowPolicy = builder.overflowPolicy;
            this.overflowTimeout = builder.overflowTimeout;
            this.minBackoff = builder.minBackoff;
            this.maxBackoff = builder.maxBackoff;
            this.closeTimeout = builder.closeTimeout;
            this.writeTimeout = builder.writeTimeout;
            this.deadLetterFile = builder.deadLetterFile;
        }

        /** The client entries are written with. */
        public MongoClient client() {
            return client;
        }

        /** The database the log lives in. */
        public String databaseName() {
            return databaseName;
        }

        /** The field that carries the tenant ({@link Builder#tenantField}). */
        public String tenantField() {
            return tenantField;
        }

        /** The collection entries go to ({@link Builder#collectionName}). */
        public String collectionName() {
            return collectionName;
        }

        /** The clock entry times come from. */
        public Clock clock() {
            return clock;
        }

        /** Whether entries are chained with HMAC-SHA256 under a key ({@link Builder#hmacKey}). */
        public boolean hasHmacKey() {
            return hmacKey != null;
        }

        /** A copy of the HMAC key, or null for plain SHA-256 chains. A secret: never log or report it. */
        public byte @Nullable [] hmacKey() {
            return hmacKey != null ? hmacKey.clone() : null;
        }

        /** The tenant whose log holds system-scope entries made outside any tenant. */
        public TenantId systemTenant() {
            return systemTenant;
        }

        /** Whether entries are queued and written by a background batcher ({@link Builder#asynchronous()}). */
        public boolean asynchronous() {
            return asynchronous;
        }

        /** How many entries the asynchronous queue holds. */
        public int queueCapacity() {
            return queueCapacity;
        }

        /** The most entries written at once. */
        public int batchSize() {
            return batchSize;
        }

        /** How long a batch may wait to fill. */
        public Duration maxBatchDelay() {
            return maxBatchDelay;
        }

        /** What a full queue does. */
        public OverflowPolicy overflowPolicy() {
            return overflowPolicy;
        }

        /** The wait for room under {@link OverflowPolicy#BLOCK_WITH_TIMEOUT}. */
        public Duration overflowTimeout() {
            return overflowTimeout;
        }

        /** The first wait before a failed asynchronous write is retried. */
        public Duration minBackoff() {
            return minBackoff;
        }

        /** The longest wait between retries of a failed asynchronous write. */
        public Duration maxBackoff() {
            return maxBackoff;
        }

        /** How long a close (and the JVM's shutdown) waits for the queue to be written. */
        public Duration closeTimeout() {
            return closeTimeout;
        }

        /** The longest one asynchronous write may take before it counts as failed. */
        public Duration writeTimeout() {
            return writeTimeout;
        }

        /** The file entries that cannot be written go to, or null for the dead-letter collection. */
        public @Nullable Path deadLetterFile() {
            return deadLetterFile;
        }
    }
}
