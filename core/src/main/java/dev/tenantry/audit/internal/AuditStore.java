package dev.tenantry.audit.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
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
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditPage;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditVerification;
import dev.tenantry.collection.TenantCollection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * The AuditLog collection and each tenant's hash chain in it. Every method works on the current tenant's log,
 * through tenant-scoped collections.
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

    private final TenantCollection<BsonDocument> log;
    private final TenantCollection<BsonDocument> heads;
    private final AuditCodec codec;
    private final Object[] stripes = new Object[STRIPES];
    private final com.github.benmanes.caffeine.cache.Cache<TenantId, Tail> tails =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(CACHED_TAILS).build();

    AuditStore(TenantCollection<BsonDocument> log, TenantCollection<BsonDocument> heads, AuditCodec codec) {
        this.log = log;
        this.heads = heads;
        this.codec = codec;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** The indexes the chain and the queries need, declared on the log's collection (they lead with the tenant). */
    static final List<IndexModel> INDEXES = List.of(
            new IndexModel(Indexes.ascending("seq"), new IndexOptions().unique(true)),
            new IndexModel(Indexes.descending("time")),
            new IndexModel(Indexes.compoundIndex(Indexes.ascending("actorId"), Indexes.descending("seq"))),
            new IndexModel(Indexes.compoundIndex(Indexes.ascending("action"), Indexes.descending("seq"))),
            new IndexModel(Indexes.compoundIndex(Indexes.ascending("targetType"), Indexes.ascending("targetId"),
                    Indexes.descending("seq"))));

    /**
     * Writes {@code batch} (all for the current tenant) at the end of its chain and returns the entries as stored.
     *
     * @param retry whether an earlier attempt for these entries may have been applied
     */
    List<AuditEntry> append(List<Pending> batch, boolean retry) {
        TenantId tenant = Tenants.current();
        synchronized (stripes[Math.floorMod(tenant.hashCode(), STRIPES)]) {
            List<Pending> rest = retry ? withoutStored(batch) : batch;
            List<AuditEntry> written = new ArrayList<>(rest.size());
            Tail cached = retry ? null : tails.getIfPresent(tenant);
            while (!rest.isEmpty()) {
                Tail tail = cached != null ? cached : tail();
                cached = null;
                List<AuditEntry> chained = chain(tenant, tail, rest);
                List<BsonDocument> docs = new ArrayList<>(chained.size());
                chained.forEach(entry -> docs.add(codec.toDocument(entry)));
                try {
                    log.insertMany(docs, new InsertManyOptions().ordered(true));
                    written.addAll(chained);
                    rest = List.of();
                } catch (MongoBulkWriteException e) {
                    BulkWriteError error = e.getWriteErrors().get(0);
                    int stored = error.getIndex();
                    written.addAll(chained.subList(0, stored));
                    if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                        throw e;
                    }
                    // Another writer took that position, or (after a lost reply) this entry is already stored.
                    rest = withoutStored(rest.subList(stored, rest.size()));
                }
            }
            if (!written.isEmpty()) {
                AuditEntry last = written.get(written.size() - 1);
                tails.put(tenant, new Tail(last.sequence(), last.hash()));
                advanceHead(last);
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

    private Tail tail() {
        BsonDocument last = log.find().sort(Sorts.descending("seq"))
                .projection(Projections.include("seq", "hash")).limit(1).first();
        return last == null ? new Tail(0, AuditCodec.GENESIS)
                : new Tail(last.getInt64("seq").getValue(), last.getString("hash").getValue());
    }

    private List<Pending> withoutStored(List<Pending> pending) {
        if (pending.isEmpty()) {
            return pending;
        }
        List<ObjectId> ids = new ArrayList<>(pending.size());
        pending.forEach(p -> ids.add(p.id()));
        Set<ObjectId> stored = new HashSet<>();
        for (BsonDocument doc : log.find(Filters.in("_id", ids)).projection(Projections.include("_id"))) {
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

    private void advanceHead(AuditEntry last) {
        try {
            heads.updateOne(Filters.and(Filters.eq("_id", last.tenant().value()),
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

    // ---------------------------------------------------------------- reading

    AuditPage query(AuditQuery query) {
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
        Bson filter = clauses.isEmpty() ? new BsonDocument() : Filters.and(clauses);
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
    void forEach(AuditQuery query, Consumer<AuditEntry> consumer) {
        AuditQuery page = query.limit(AuditQuery.MAX_LIMIT);
        while (true) {
            AuditPage result = query(page);
            result.entries().forEach(consumer);
            if (result.nextCursor() == null) {
                return;
            }
            page = page.after(result.nextCursor());
        }
    }

    // ---------------------------------------------------------------- verification and retention

    AuditVerification verify() {
        long anchorSequence = 0;
        String expectedPrevious = AuditCodec.GENESIS;
        BsonDocument purge = log.find(Filters.eq("action", AuditAction.AUDIT_PURGE.name()))
                .sort(Sorts.descending("seq")).limit(1).first();
        if (purge != null) {
            AuditEntry anchor = codec.fromDocument(purge);
            anchorSequence = Long.parseLong(anchor.event().targetId());
            expectedPrevious = anchor.event().summary().substring(PURGE_SUMMARY.length());
        }
        long expected = anchorSequence + 1;
        long checked = 0;
        for (BsonDocument doc : log.find(Filters.gt("seq", anchorSequence)).sort(Sorts.ascending("seq"))) {
            AuditEntry entry = codec.fromDocument(doc);
            checked++;
            if (entry.sequence() > expected) {
                return AuditVerification.broken(checked, expected, "entries " + expected + ".." + (entry.sequence()
                        - 1) + " are missing: deleted from the log");
            }
            if (entry.sequence() < expected) {
                return AuditVerification.broken(checked, entry.sequence(), "sequence " + entry.sequence()
                        + " appears twice: an entry was inserted into the log");
            }
            if (!entry.previousHash().equals(expectedPrevious)) {
                return AuditVerification.broken(checked, entry.sequence(), "entry " + entry.sequence()
                        + " does not follow the entry before it: entries were modified, replaced or reordered");
            }
            if (!codec.recompute(entry).equals(entry.hash())) {
                return AuditVerification.broken(checked, entry.sequence(), "entry " + entry.sequence()
                        + " does not match its hash: it was modified");
            }
            expectedPrevious = entry.hash();
            expected++;
        }
        BsonDocument head = heads.find(Filters.eq("_id", Tenants.current().value())).first();
        long last = expected - 1;
        if (head != null && head.getInt64("seq").getValue() > last) {
            return AuditVerification.broken(checked, last + 1, "entries after " + last + " are missing: the log's "
                    + "head records sequence " + head.getInt64("seq").getValue());
        }
        if (head != null && head.getInt64("seq").getValue() == last && last > anchorSequence
                && !head.getString("hash").getValue().equals(expectedPrevious)) {
            return AuditVerification.broken(checked, last, "the newest entry was replaced: it does not match the "
                    + "log's head");
        }
        return AuditVerification.intact(checked);
    }

    static final String PURGE_SUMMARY = "anchor ";

    /**
     * The newest sequence that can be purged for {@code cutoff}: the entries before the first one at or after the
     * cutoff, so what is purged is always a prefix of the chain. Returns 0 when there is nothing to purge.
     */
    long purgeableThrough(Instant cutoff) {
        BsonDocument firstKept = log.find(Filters.gte("time", cutoff)).sort(Sorts.ascending("seq"))
                .projection(Projections.include("seq")).limit(1).first();
        long through;
        if (firstKept != null) {
            through = firstKept.getInt64("seq").getValue() - 1;
        } else {
            BsonDocument newest = log.find().sort(Sorts.descending("seq")).projection(Projections.include("seq"))
                    .limit(1).first();
            through = newest == null ? 0 : newest.getInt64("seq").getValue();
        }
        // Nothing left at or below it (an earlier purge took it all): nothing to purge.
        boolean anyLeft = through > 0 && log.find(Filters.lte("seq", through))
                .projection(Projections.include("_id")).limit(1).first() != null;
        return anyLeft ? through : 0;
    }

    /** The hash of the entry at {@code sequence}. */
    String hashAt(long sequence) {
        BsonDocument doc = log.find(Filters.eq("seq", sequence)).projection(Projections.include("hash")).first();
        if (doc == null) {
            throw new IllegalStateException("audit entry " + sequence + " is missing; verify the log before purging");
        }
        return doc.getString("hash").getValue();
    }

    /** Deletes the entries up to and including {@code sequence} (older purge records too: the newest anchors). */
    long deleteThrough(long sequence) {
        return log.deleteMany(Filters.lte("seq", sequence)).getDeletedCount();
    }
}
