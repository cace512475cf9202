package dev.tenantry.audit;

import com.mongodb.client.MongoClient;
import dev.tenantry.SystemScopeListener;
import dev.tenantry.TenantId;
import dev.tenantry.audit.internal.AuditTrailImpl;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.collection.WriteListener;
import dev.tenantry.export.ExportFormat;
import java.io.OutputStream;
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
 * system scope. Entries are written to the {@value #DEFAULT_COLLECTION} collection through tenant-scoped
 * collections.
 *
 * <p>Synchronous (the default): {@link #record} returns once MongoDB acknowledged the entry. Asynchronous: {@link
 * #record} queues the entry in a bounded queue drained by a batcher; the {@link OverflowPolicy} says what happens when
 * it is full, failed writes are retried with backoff until they succeed, and {@link #close()} writes everything
 * queued before it returns. Either way an accepted entry is never lost silently.
 *
 * <p>Tamper evidence: each tenant's entries form a hash chain (sequence, previous hash, SHA-256 over a canonical
 * encoding, or HMAC-SHA256 with a {@linkplain Builder#hmacKey key}). {@link #verify()} reports the first broken link,
 * whether an entry was modified, deleted, inserted or reordered. Without a key, anyone able to rewrite the whole
 * collection could recompute the chain; with a key kept outside the database they cannot.
 *
 * <p>Thread-safe. Close it to stop the asynchronous writer (flushing first).
 *
 * @since 0.1
 */
public interface AuditTrail extends AutoCloseable {

    /** The collection entries are written to unless {@link Builder#collectionName} says otherwise. */
    String DEFAULT_COLLECTION = "AuditLog";

    /** Starts building a trail over {@code databaseName}. */
    static Builder builder(MongoClient client, String databaseName) {
        return new Builder(client, databaseName);
    }

    /**
     * Records an event for the current tenant: written before returning (synchronous), or queued (asynchronous).
     *
     * @throws dev.tenantry.MissingTenantException if no tenant is set
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
     * @throws IllegalArgumentException if {@code retention} is negative
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
     * A listener that records a {@link AuditAction#SYSTEM_ACCESS} entry, with the stated reason, for every entry into
     * system scope: in the enclosing tenant's log, or the {@linkplain Builder#systemTenant system tenant}'s.
     */
    SystemScopeListener systemScopeListener();

    /** Stops intake and, when asynchronous, writes everything queued and waits for it. */
    @Override
    void close();

    /**
     * Builds an {@link AuditTrail}. Setters validate at once and name the bad value; defaults are constants.
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
        private Duration overflowTimeout = Duration.ofSeconds(1);
        private Duration minBackoff = Duration.ofMillis(50);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private boolean recordSystemScope;

        private Builder(MongoClient client, String databaseName) {
            this.client = Objects.requireNonNull(client, "client");
            this.databaseName = Objects.requireNonNull(databaseName, "databaseName");
        }

        /** The tenant field, as in the application's {@link TenantDatabase}. */
        public Builder tenantField(String field) {
            this.tenantField = Objects.requireNonNull(field, "field");
            return this;
        }

        /** The collection entries go to (default {@value AuditTrail#DEFAULT_COLLECTION}). */
        public Builder collectionName(String name) {
            this.collectionName = Objects.requireNonNull(name, "name");
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

        /** Records every entry into system scope while the trail is open (see {@link #systemScopeListener()}). */
        public Builder recordSystemScope() {
            this.recordSystemScope = true;
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
            Objects.requireNonNull(maxBatchDelay, "maxBatchDelay");
            if (maxBatchDelay.isNegative() || maxBatchDelay.isZero()) {
                throw new IllegalArgumentException("audit max batch delay must be positive, was " + maxBatchDelay);
            }
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
         * OverflowPolicy#BLOCK_WITH_TIMEOUT}.
         *
         * @throws IllegalArgumentException if the timeout is negative or zero
         */
        public Builder overflow(OverflowPolicy policy, Duration timeout) {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("audit overflow timeout must be positive, was " + timeout);
            }
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
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("audit retry backoff needs 0 < min <= max, was " + min + ".."
                        + max);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /**
         * Builds the trail and creates its indexes.
         *
         * @throws IllegalStateException if the settings conflict
         */
        public AuditTrail build() {
            if (!asynchronous && overflowPolicy != OverflowPolicy.BLOCK) {
                throw new IllegalStateException("an overflow policy needs asynchronous(); a synchronous trail has no "
                        + "queue");
            }
            return new AuditTrailImpl(client, databaseName, tenantField, collectionName, clock, hmacKey,
                    systemTenant, asynchronous, queueCapacity, batchSize, maxBatchDelay, overflowPolicy,
                    overflowTimeout, minBackoff, maxBackoff, recordSystemScope);
        }
    }
}
