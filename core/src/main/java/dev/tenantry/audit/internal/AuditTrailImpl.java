package dev.tenantry.audit.internal;

import com.mongodb.client.MongoDatabase;
import dev.tenantry.SystemScopeListener;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditCloseReport;
import dev.tenantry.audit.AuditContext;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditPage;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditStats;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.AuditVerification;
import dev.tenantry.collection.WriteEvent;
import dev.tenantry.collection.WriteListener;
import dev.tenantry.ExportFormat;
import dev.tenantry.internal.RecordWriter;
import dev.tenantry.internal.Arguments;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit trail: resolves events, then writes them in the caller's thread or through the batcher. */
public final class AuditTrailImpl implements AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrailImpl.class);

    private final Clock clock;
    private final TenantId systemTenant;
    private final AuditStore store;
    private final ChainVerifier verifier;
    private final @Nullable AsyncWriter writer;
    private final Duration closeTimeout;
    private final AtomicLong writtenSync = new AtomicLong();
    private final @Nullable Thread shutdownHook;

    /** Built by {@link AuditTrail.Builder}, which validated every setting. */
    public AuditTrailImpl(Settings settings) {
        this.clock = settings.clock();
        this.systemTenant = settings.systemTenant();
        this.closeTimeout = settings.closeTimeout();
        MongoDatabase database = settings.client().getDatabase(settings.databaseName());
        AuditCodec codec = new AuditCodec(settings.tenantField(), settings.hmacKey());
        this.store = new AuditStore(database.getCollection(settings.collectionName(), BsonDocument.class),
                database.getCollection(settings.collectionName() + "Heads", BsonDocument.class),
                settings.tenantField(), codec);
        this.verifier = new ChainVerifier(store);
        // A shared collection: one set of indexes, each leading with the tenant; the library's own schema, so it is
        // created in system scope, like every collection-wide DDL.
        Tenants.runAsSystem("tenantry: create the audit trail's indexes", store::ensureIndexes);
        if (settings.asynchronous()) {
            DeadLetters deadLetters = new DeadLetters(database.getCollection(settings.collectionName()
                    + DEAD_LETTER_SUFFIX, BsonDocument.class), settings.deadLetterFile(), codec, clock);
            this.writer = new AsyncWriter(store::append, deadLetters, settings);
            // An application that exits without close() still gets its queued entries written, within the close
            // timeout: the JVM's shutdown is never held up longer than that (plus the dead letters' own bound).
            this.shutdownHook = new Thread(this::closeAtShutdown, "tenantry-audit-flush");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            this.writer = null;
            this.shutdownHook = null;
        }
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        if (event.action().isReserved()) {
            throw new IllegalArgumentException("audit action " + event.action() + " is reserved: actions starting "
                    + "with " + AuditAction.RESERVED_PREFIX + " are the trail's own bookkeeping and cannot be "
                    + "recorded by callers");
        }
        record(Tenants.current(), event);
    }

    /**
     * Records {@code event} in {@code tenant}'s log. A synchronous write runs in that tenant's scope (within whatever
     * system scope is in force), so what is sent is attributable to the log it writes; opening a scope consults no
     * guard, and the trail's own collection is no tenant database's to guard.
     */
    private void record(TenantId tenant, AuditEvent event) {
        AuditStore.Pending pending = new AuditStore.Pending(tenant, new ObjectId(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), resolve(event));
        if (writer != null) {
            writer.enqueue(pending);
        } else {
            Tenants.run(tenant, () -> store.append(tenant, List.of(pending), false, null));
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
                first(e.requestId(), context.requestId()), first(e.clientRequestId(), context.clientRequestId()));
    }

    private static @Nullable String first(@Nullable String own, @Nullable String fallback) {
        return own != null ? own : fallback;
    }

    @Override
    public AuditPage query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        return store.query(Tenants.current(), query);
    }

    /** Export columns, in order. */
    private static final List<String> COLUMNS = List.of("id", "tenant", "sequence", "time", "action", "outcome",
            "reason", "actorId", "actorType", "targetType", "targetId", "summary", "ip", "userAgent", "requestId",
            "clientRequestId", "formatVersion", "previousHash", "hash");

    @Override
    public long export(AuditQuery query, ExportFormat format, OutputStream out) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(out, "out");
        TenantId tenant = Tenants.current();
        long[] count = {0};
        try (RecordWriter writer = new RecordWriter(format, COLUMNS, out)) {
            store.forEach(tenant, query, entry -> {
                AuditEvent e = entry.event();
                writer.write(entry.id().toHexString(), entry.tenant().value(), entry.sequence(),
                        entry.time().toString(), e.action().name(), e.outcome().name(), e.reason(), e.actorId(),
                        e.actorType(), e.targetType(), e.targetId(), e.summary(), e.ip(), e.userAgent(),
                        e.requestId(), e.clientRequestId(), entry.formatVersion(), entry.previousHash(), entry.hash());
                count[0]++;
            });
        }
        return count[0];
    }

    @Override
    public AuditVerification verify() {
        return verifier.verify(Tenants.current());
    }

    @Override
    public long purgeOlderThan(Duration retention) {
        Arguments.notNegative("audit retention", retention);
        TenantId tenant = Tenants.current();
        Instant cutoff = clock.instant().minus(retention);
        long through = store.purgeableThrough(tenant, cutoff);
        if (through == 0) {
            return 0;
        }
        String anchor = store.hashAt(tenant, through);
        // The anchor is recorded (and acknowledged) before anything is deleted, so the chain stays verifiable.
        AuditEvent purge = AuditEvent.of(AuditAction.AUDIT_PURGE).target("AuditLog", Long.toString(through))
                .summary(ChainVerifier.PURGE_SUMMARY + anchor).build();
        store.append(tenant, List.of(new AuditStore.Pending(tenant, new ObjectId(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), resolve(purge))), false, null);
        writtenSync.incrementAndGet();
        return store.deleteThrough(tenant, through);
    }

    @Override
    public AuditStats stats() {
        if (writer == null) {
            return new AuditStats(0, writtenSync.get(), 0, 0, 0);
        }
        return new AuditStats(writer.queued(), writer.written() + writtenSync.get(), writer.failedAttempts(),
                writer.dropped(), writer.deadLettered());
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
        return access -> record(access.enclosing().orElse(systemTenant), AuditEvent.of(AuditAction.SYSTEM_ACCESS)
                .summary(truncate(access.reason())).target("thread", truncate(access.threadName())).build());
    }

    private static String truncate(String text) {
        return text.length() <= AuditEvent.MAX_FIELD ? text : text.substring(0, AuditEvent.MAX_FIELD);
    }

    @Override
    public void close() {
        AuditCloseReport report = close(closeTimeout);
        if (!report.complete()) {
            LOG.error("audit trail closed with {} entries not written to the log; they are in the dead-letter {}",
                    report.unwritten(), report.deadLetterPlace());
        }
    }

    @Override
    public AuditCloseReport close(Duration timeout) {
        Arguments.notNegative("audit close timeout", timeout);
        if (writer == null) {
            return new AuditCloseReport(0, "none (a synchronous trail queues nothing)");
        }
        AuditCloseReport report = writer.close(timeout);
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting and the hook runs (or ran) close() itself
            }
        }
        return report;
    }

    /** The shutdown hook: bounded by the close timeout, and says on standard error what it could not write. */
    private void closeAtShutdown() {
        AuditCloseReport report = close(closeTimeout);
        if (!report.complete()) {
            LOG.error("JVM shutdown: {} audit entries could not be written to the log within {}; they are in the "
                    + "dead-letter {}", report.unwritten(), closeTimeout, report.deadLetterPlace());
            System.err.println("tenantry audit: " + report.unwritten() + " entries not written at shutdown; kept in "
                    + "the dead-letter " + report.deadLetterPlace());
        }
    }
}
