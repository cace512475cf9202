package dev.tenantry.audit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditPage;
import dev.tenantry.audit.AuditQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * The AuditLog collection and each tenant's hash chain in it. Every method names the tenant it works on and filters
 * by it itself: the store opens no tenant scope, so no {@link dev.tenantry.TenantScopeGuard} can refuse the trail's
 * own writes (an entry about a tenant that was just suspended must still be written).
 *
 * <p>Appending is optimistic and needs no lock across app servers: read the chain's tail, chain the batch after it,
 * insert in order. A unique index on {@code (tenant, seq)} lets exactly one writer take each position; a writer that
 * loses re-reads the tail and chains what is left after the winner's entries. Inside one JVM a striped lock keeps a
 * tenant's writers from racing each other needlessly. A retry after an ambiguous failure (the insert may have been
 * applied while its reply was lost) first drops the entries already stored, by id, so each entry is stored once.
 *
 * <p>The tail this JVM wrote last is cached per tenant, so a lone writer skips the tail read; when another writer
 * got further, the insert loses the race on the unique index and the tail is read again.
 *
 * <p>A head document per tenant records the highest sequence written, so removing the newest entries is detected
 * too; it is updated after each append and may lag behind, never run ahead.
 */
final class AuditStore {

    /** An event accepted for recording: its id and time are fixed when it is recorded, its place when written. */
    record Pending(TenantId tenant, ObjectId id, Instant time, AuditEvent event) {
    }

    private record Tail(long sequence, String hash) {
    }

    private static final int STRIPES = 64;
    /** Tails this JVM wrote last, per tenant; a stale one only costs a lost insert race and a re-read. */
    private static final int CACHED_TAILS = 10_000;

    private final MongoCollection<BsonDocument> log;
    private final MongoCollection<BsonDocument> heads;
    private final String tenantField;
    private final AuditCodec codec;
    private final Object[] stripes = new Object[STRIPES];
    private final Cache<TenantId, Tail> tails = Caffeine.newBuilder().maximumSize(CACHED_TAILS).build();

    AuditStore(MongoCollection<BsonDocument> log, MongoCollection<BsonDocument> heads, String tenantField,
               AuditCodec codec) {
        this.log = log;
        this.heads = heads;
        this.tenantField = tenantField;
        this.codec = codec;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** The tenant's documents matching {@code filter} (or all of them). */
    Bson of(TenantId tenant, @Nullable Bson filter) {
        Bson own = Filters.eq(tenantField, tenant.value());
        return filter == null ? own : Filters.and(own, filter);
    }

    /**
     * Creates the indexes the chain and the queries need, each leading with the tenant and named as the keys after
     * it (as tenant-scoped collections name them, so trails made by earlier versions find theirs); idempotent.
     */
    void ensureIndexes() {
        log.createIndexes(List.of(
                index(Indexes.ascending("seq"), true),
                index(Indexes.descending("time"), false),
                index(Indexes.compoundIndex(Indexes.ascending("actorId"), Indexes.descending("seq")), false),
                index(Indexes.compoundIndex(Indexes.ascending("action"), Indexes.descending("seq")), false),
                index(Indexes.compoundIndex(Indexes.ascending("targetType"), Indexes.ascending("targetId"),
                        Indexes.descending("seq")), false)));
    }

    private IndexModel index(Bson keys, boolean unique) {
        BsonDocument given = keys.toBsonDocument();
        BsonDocument leading = new BsonDocument(tenantField, new org.bson.BsonInt32(1));
        given.forEach(leading::append);
        return new IndexModel(leading, new IndexOptions().unique(unique).name(indexName(given)));
    }

    /** The driver's name for {@code keys}: {@code seq_1}, {@code actorId_1_seq_-1}. */
    private static String indexName(BsonDocument keys) {
        StringBuilder name = new StringBuilder();
        keys.forEach((field, value) -> name.append(name.length() == 0 ? "" : "_").append(field).append('_')
                .append(value.asNumber().intValue()));
        return name.toString();
    }

    private MongoCollection<BsonDocument> timed(MongoCollection<BsonDocument> collection, @Nullable Duration timeout) {
        return timeout == null ? collection : collection.withTimeout(Math.max(1, timeout.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Writes {@code batch} (all for {@code tenant}) at the end of its chain and returns the entries as stored.
     *
     * @param retry whether an earlier attempt for these entries may have been applied
     * @param timeout the longest the whole write may take (a client-side operation timeout), or null for the client's
     *     own timeouts
     */
    List<AuditEntry> append(TenantId tenant, List<Pending> batch, boolean retry, @Nullable Duration timeout) {
        MongoCollection<BsonDocument> entries = timed(log, timeout);
        synchronized (stripes[Math.floorMod(tenant.hashCode(), STRIPES)]) {
            List<Pending> rest = retry ? withoutStored(entries, tenant, batch) : batch;
            List<AuditEntry> written = new ArrayList<>(rest.size());
            Tail cached = retry ? null : tails.getIfPresent(tenant);
            while (!rest.isEmpty()) {
                Tail tail = cached != null ? cached : tail(entries, tenant);
                cached = null;
                List<AuditEntry> chained = chain(tenant, tail, rest);
                List<BsonDocument> docs = new ArrayList<>(chained.size());
                chained.forEach(entry -> docs.add(codec.toDocument(entry)));
                try {
                    entries.insertMany(docs, new InsertManyOptions().ordered(true));
                    written.addAll(chained);
                    rest = List.of();
                } catch (MongoBulkWriteException e) {
                    BulkWriteError error = e.getWriteErrors().isEmpty() ? null : e.getWriteErrors().get(0);
                    if (error == null || ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                        throw e;
                    }
                    int stored = error.getIndex();
                    written.addAll(chained.subList(0, stored));
                    // Another writer took that position, or (after a lost reply) this entry is already stored.
                    rest = withoutStored(entries, tenant, rest.subList(stored, rest.size()));
                }
            }
            if (!written.isEmpty()) {
                AuditEntry last = written.get(written.size() - 1);
                tails.put(tenant, new Tail(last.sequence(), last.hash()));
                advanceHead(timed(heads, timeout), last);
            }
            return written;
        }
    }

    private List<AuditEntry> chain(TenantId tenant, Tail tail, List<Pending> pending) {
        List<AuditEntry> out = new ArrayList<>(pending.size());
        long sequence = tail.sequence();
        String previous = tail.hash();
        for (Pending p : pending) {
            sequence++;
            String hash = codec.hash(p.id(), AuditEntry.FORMAT_VERSION, tenant, sequence, previous, p.time(),
                    p.event());
            out.add(new AuditEntry(p.id(), AuditEntry.FORMAT_VERSION, tenant, sequence, previous, hash, p.time(),
                    p.event()));
            previous = hash;
        }
        return out;
    }

    private Tail tail(MongoCollection<BsonDocument> entries, TenantId tenant) {
        BsonDocument last = entries.find(of(tenant, null)).sort(Sorts.descending("seq"))
                .projection(Projections.include("seq", "hash")).limit(1).first();
        return last == null ? new Tail(0, AuditCodec.GENESIS)
                : new Tail(last.getInt64("seq").getValue(), last.getString("hash").getValue());
    }

    private List<Pending> withoutStored(MongoCollection<BsonDocument> entries, TenantId tenant,
                                        List<Pending> pending) {
        if (pending.isEmpty()) {
            return pending;
        }
        List<ObjectId> ids = new ArrayList<>(pending.size());
        pending.forEach(p -> ids.add(p.id()));
        Set<ObjectId> stored = new HashSet<>();
        for (BsonDocument doc : entries.find(of(tenant, Filters.in("_id", ids)))
                .projection(Projections.include("_id"))) {
            stored.add(doc.getObjectId("_id").getValue());
        }
        if (stored.isEmpty()) {
            return pending;
        }
        List<Pending> rest = new ArrayList<>(pending.size());
        pending.forEach(p -> {
            if (!stored.contains(p.id())) {
                rest.add(p);
            }
        });
        return rest;
    }

    private void advanceHead(MongoCollection<BsonDocument> headsTimed, AuditEntry last) {
        String tenant = last.tenant().value();
        try {
            headsTimed.updateOne(Filters.and(Filters.eq("_id", tenant), Filters.eq(tenantField, tenant),
                            Filters.lt("seq", last.sequence())),
                    Updates.combine(Updates.set("seq", last.sequence()), Updates.set("hash", last.hash())),
                    new UpdateOptions().upsert(true));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // The head is already at or past this entry: another writer got further.
        }
    }

    /** The tenant's head document (the highest sequence written, and its hash), or null. */
    @Nullable BsonDocument head(TenantId tenant) {
        return heads.find(Filters.and(Filters.eq("_id", tenant.value()), Filters.eq(tenantField, tenant.value())))
                .first();
    }

    // ---------------------------------------------------------------- reading

    AuditPage query(TenantId tenant, AuditQuery query) {
        List<Bson> clauses = new ArrayList<>();
        if (query.after() != null) {
            clauses.add(Filters.lt("seq", query.afterSequence()));
        }
        if (query.from() != null) {
            clauses.add(Filters.gte("time", query.from()));
        }
        if (query.to() != null) {
            clauses.add(Filters.lt("time", query.to()));
        }
        if (query.actorId() != null) {
            clauses.add(Filters.eq("actorId", query.actorId()));
        }
        if (query.action() != null) {
            clauses.add(Filters.eq("action", query.action().name()));
        }
        if (query.targetType() != null) {
            clauses.add(Filters.eq("targetType", query.targetType()));
        }
        if (query.targetId() != null) {
            clauses.add(Filters.eq("targetId", query.targetId()));
        }
        if (query.outcome() != null) {
            clauses.add(Filters.eq("outcome", query.outcome().name()));
        }
        Bson filter = of(tenant, clauses.isEmpty() ? null : Filters.and(clauses));
        List<AuditEntry> entries = new ArrayList<>(query.limit() + 1);
        for (BsonDocument doc : log.find(filter).sort(Sorts.descending("seq")).limit(query.limit() + 1)) {
            entries.add(codec.fromDocument(doc));
        }
        String next = null;
        if (entries.size() > query.limit()) {
            entries.remove(entries.size() - 1);
            next = AuditQuery.cursorFor(entries.get(entries.size() - 1).sequence());
        }
        return new AuditPage(entries, next);
    }

    /** Streams the entries a query matches, newest first, without holding more than a batch in memory. */
    void forEach(TenantId tenant, AuditQuery query, Consumer<AuditEntry> consumer) {
        AuditQuery page = query.limit(AuditQuery.MAX_LIMIT);
        while (true) {
            AuditPage result = query(tenant, page);
            result.entries().forEach(consumer);
            if (result.nextCursor() == null) {
                return;
            }
            page = page.after(result.nextCursor());
        }
    }

    /** The tenant's stored documents matching {@code filter}, sorted by {@code sort}. */
    FindIterable<BsonDocument> documents(TenantId tenant, @Nullable Bson filter, Bson sort) {
        return log.find(of(tenant, filter)).sort(sort);
    }

    /** The codec entries are stored and hashed with. */
    AuditCodec codec() {
        return codec;
    }

    // ---------------------------------------------------------------- retention

    /**
     * The newest sequence that can be purged for {@code cutoff}: the entries before the first one at or after the
     * cutoff, so what is purged is always a prefix of the chain. Returns 0 when there is nothing to purge.
     */
    long purgeableThrough(TenantId tenant, Instant cutoff) {
        BsonDocument firstKept = log.find(of(tenant, Filters.gte("time", cutoff))).sort(Sorts.ascending("seq"))
                .projection(Projections.include("seq")).limit(1).first();
        long through;
        if (firstKept != null) {
            through = firstKept.getInt64("seq").getValue() - 1;
        } else {
            BsonDocument newest = log.find(of(tenant, null)).sort(Sorts.descending("seq"))
                    .projection(Projections.include("seq")).limit(1).first();
            through = newest == null ? 0 : newest.getInt64("seq").getValue();
        }
        // Nothing left at or below it (an earlier purge took it all): nothing to purge.
        boolean anyLeft = through > 0 && log.find(of(tenant, Filters.lte("seq", through)))
                .projection(Projections.include("_id")).limit(1).first() != null;
        return anyLeft ? through : 0;
    }

    /** The hash of the tenant's entry at {@code sequence}. */
    String hashAt(TenantId tenant, long sequence) {
        BsonDocument doc = log.find(of(tenant, Filters.eq("seq", sequence))).projection(Projections.include("hash"))
                .first();
        if (doc == null) {
            throw new IllegalStateException("audit entry " + sequence + " is missing; verify the log before purging");
        }
        return doc.getString("hash").getValue();
    }

    /** Deletes the tenant's entries up to and including {@code sequence} (older anchors too: the newest anchors). */
    long deleteThrough(TenantId tenant, long sequence) {
        return log.deleteMany(of(tenant, Filters.lte("seq", sequence))).getDeletedCount();
    }
}
