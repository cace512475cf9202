package dev.tenantry.audit.internal;

import com.mongodb.client.MongoClient;
import dev.tenantry.SystemScopeListener;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditContext;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditPage;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditStats;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.AuditVerification;
import dev.tenantry.audit.OverflowPolicy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.collection.WriteEvent;
import dev.tenantry.collection.WriteListener;
import dev.tenantry.export.ExportFormat;
import dev.tenantry.export.internal.RecordWriter;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/** The audit trail: resolves events, then writes them in the caller's thread or through the batcher. */
public final class AuditTrailImpl implements AuditTrail {

    private final Clock clock;
    private final TenantId systemTenant;
    private final AuditStore store;
    private final @Nullable AsyncWriter writer;
    private final AtomicLong writtenSync = new AtomicLong();
    private final Tenants.@Nullable Registration systemRegistration;
    private final @Nullable Thread shutdownHook;

    /** Built by {@link AuditTrail.Builder}, which validated every argument. */
    public AuditTrailImpl(MongoClient client, String databaseName, String tenantField, String collectionName,
                          Clock clock, byte @Nullable [] hmacKey, TenantId systemTenant, boolean asynchronous,
                          int queueCapacity, int batchSize, Duration maxBatchDelay, OverflowPolicy overflowPolicy,
                          Duration overflowTimeout, Duration minBackoff, Duration maxBackoff,
                          boolean recordSystemScope) {
        this.clock = clock;
        this.systemTenant = systemTenant;
        String headsName = collectionName + "Heads";
        TenantDatabase.Builder declared = TenantDatabase.builder(client, databaseName).tenantField(tenantField)
                .collection(collectionName).collection(headsName);
        AuditStore.INDEXES.forEach(index -> declared.index(collectionName, index.getKeys(), index.getOptions()));
        TenantDatabase db = declared.build();
        this.store = new AuditStore(db.getCollection(collectionName, BsonDocument.class),
                db.getCollection(headsName, BsonDocument.class), new AuditCodec(tenantField, hmacKey));
        db.ensureIndexes(); // a SHARED collection: one set of indexes for all tenants, declared, created at start-up
        if (asynchronous) {
            this.writer = new AsyncWriter(store::append, queueCapacity, batchSize, maxBatchDelay, overflowPolicy,
                    overflowTimeout, minBackoff, maxBackoff);
            // An application that exits without close() still gets its queued entries written.
            this.shutdownHook = new Thread(this::close, "tenantry-audit-flush");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            this.writer = null;
            this.shutdownHook = null;
        }
        this.systemRegistration = recordSystemScope ? Tenants.addSystemScopeListener(systemScopeListener()) : null;
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        TenantId tenant = Tenants.current();
        AuditStore.Pending pending = new AuditStore.Pending(tenant, new ObjectId(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), resolve(event));
        if (writer != null) {
            writer.enqueue(pending);
        } else {
            store.append(List.of(pending), false);
            writtenSync.incrementAndGet();
        }
    }

    /** The event with actor and request metadata taken from the audit context where the event leaves them out. */
    private static AuditEvent resolve(AuditEvent e) {
        AuditContext context = AuditContext.current().orElse(null);
        if (context == null) {
            return e;
        }
        return new AuditEvent(e.action(), e.targetType(), e.targetId(), e.summary(), e.outcome(), e.reason(),
                first(e.actorId(), context.actorId()), first(e.actorType(), context.actorType()),
                first(e.ip(), context.ip()), first(e.userAgent(), context.userAgent()),
                first(e.requestId(), context.requestId()));
    }

    private static @Nullable String first(@Nullable String own, @Nullable String fallback) {
        return own != null ? own : fallback;
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        Tenants.current();
        return store.query(query);
    }

    /** Export columns, in order. */
    private static final List<String> COLUMNS = List.of("id", "tenant", "sequence", "time", "action", "outcome",
            "reason", "actorId", "actorType", "targetType", "targetId", "summary", "ip", "userAgent", "requestId",
            "formatVersion", "previousHash", "hash");

    @Override
    public long export(AuditQuery query, ExportFormat format, OutputStream out) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(out, "out");
        Tenants.current();
        long[] count = {0};
        try (RecordWriter writer = new RecordWriter(format, COLUMNS, out)) {
            store.forEach(query, entry -> {
                AuditEvent e = entry.event();
                writer.write(entry.id().toHexString(), entry.tenant().value(), entry.sequence(),
                        entry.time().toString(), e.action().name(), e.outcome().name(), e.reason(), e.actorId(),
                        e.actorType(), e.targetType(), e.targetId(), e.summary(), e.ip(), e.userAgent(),
                        e.requestId(), entry.formatVersion(), entry.previousHash(), entry.hash());
                count[0]++;
            });
        }
        return count[0];
    }

    @Override
    public AuditVerification verify() {
        Tenants.current();
        return store.verify();
    }

    @Override
    public long purgeOlderThan(Duration retention) {
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("audit retention must not be negative, was " + retention);
        }
        TenantId tenant = Tenants.current();
        Instant cutoff = clock.instant().minus(retention);
        long through = store.purgeableThrough(cutoff);
        if (through == 0) {
            return 0;
        }
        String anchor = store.hashAt(through);
        // The anchor is recorded (and acknowledged) before anything is deleted, so the chain stays verifiable.
        AuditEvent purge = AuditEvent.of(AuditAction.AUDIT_PURGE).target("AuditLog", Long.toString(through))
                .summary(AuditStore.PURGE_SUMMARY + anchor).build();
        store.append(List.of(new AuditStore.Pending(tenant, new ObjectId(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), resolve(purge))), false);
        writtenSync.incrementAndGet();
        return store.deleteThrough(through);
    }

    @Override
    public AuditStats stats() {
        if (writer == null) {
            return new AuditStats(0, writtenSync.get(), 0, 0);
        }
        return new AuditStats(writer.queued(), writer.written() + writtenSync.get(), writer.failedAttempts(),
                writer.dropped());
    }

    @Override
    public WriteListener writeListener() {
        return event -> record(AuditEvent.of(action(event.kind())).target(event.collection(), idText(event
                .documentId())).summary(event.summary() == null ? null : truncate(event.summary())).build());
    }

    private static AuditAction action(WriteEvent.Kind kind) {
        switch (kind) {
            case INSERT:
                return AuditAction.CREATE;
            case DELETE:
                return AuditAction.DELETE;
            default:
                return AuditAction.UPDATE;
        }
    }

    private static @Nullable String idText(@Nullable BsonValue id) {
        if (id == null) {
            return null;
        }
        String text = id.isObjectId() ? id.asObjectId().getValue().toHexString()
                : id.isString() ? id.asString().getValue()
                : id.isNumber() ? String.valueOf(id.isDouble() ? id.asDouble().getValue() : id.asNumber().longValue())
                : id.toString();
        return truncate(text);
    }

    @Override
    public SystemScopeListener systemScopeListener() {
        return access -> Tenants.run(access.enclosing().orElse(systemTenant), () -> record(
                AuditEvent.of(AuditAction.SYSTEM_ACCESS).summary(truncate(access.reason()))
                        .target("thread", truncate(access.threadName())).build()));
    }

    private static String truncate(String text) {
        return text.length() <= AuditEvent.MAX_FIELD ? text : text.substring(0, AuditEvent.MAX_FIELD);
    }

    @Override
    public void close() {
        if (systemRegistration != null) {
            systemRegistration.close();
        }
        if (writer != null) {
            writer.close();
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting and the hook runs (or ran) close() itself
                }
            }
        }
    }
}
