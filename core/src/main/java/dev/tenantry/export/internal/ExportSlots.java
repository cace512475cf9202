package dev.tenantry.export.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import dev.tenantry.TenantId;
import dev.tenantry.export.DataExports;
import dev.tenantry.export.ExportLimitExceededException;
import dev.tenantry.export.ExportStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * The caps on exports pending or running at once, kept by slots: a tenant has {@code maxPerTenant} slot documents it
 * may hold ({@code t|<tenant>|0}, {@code t|<tenant>|1}, ...) and each requester {@code maxPerRequester} of its own.
 * Taking a slot is an insert with that {@code _id}, which the unique {@code _id} index lets exactly one writer win on
 * every server (the embedded test server included), so concurrent requests never take more slots than there are: no
 * check-then-act. A request takes a requester slot and a tenant slot before its record is written; the export gives
 * both back when it completes or fails.
 *
 * <p>A slot can outlive its export (a crash between taking the slot and writing the record, or a release lost in an
 * outage). When every slot is taken, the holders are looked at: a slot whose export is no longer pending or running,
 * or was never recorded and is older than {@link #GRACE}, is freed, and the slot is tried again. So the caps heal
 * themselves without a counter that could drift.
 */
final class ExportSlots {

    /** How long a slot may exist without its export's record before it is taken to be orphaned. */
    static final Duration GRACE = Duration.ofMinutes(1);

    private static final Set<String> ACTIVE = Set.of(ExportStatus.PENDING.name(), ExportStatus.RUNNING.name());

    private final MongoCollection<BsonDocument> slots;
    private final MongoCollection<BsonDocument> records;
    private final int maxPerRequester;
    private final int maxPerTenant;
    private final Clock clock;

    ExportSlots(MongoCollection<BsonDocument> slots, MongoCollection<BsonDocument> records,
                DataExports.Settings settings) {
        this.slots = slots;
        this.records = records;
        this.maxPerRequester = settings.maxActivePerRequester();
        this.maxPerTenant = settings.maxActivePerTenant();
        this.clock = settings.clock();
    }

    /**
     * Takes a requester slot and a tenant slot for export {@code exportId}.
     *
     * @return the two slot ids, to keep with the export
     * @throws ExportLimitExceededException if either cap is reached (then nothing is held)
     */
    List<String> take(TenantId tenant, String requestedBy, ObjectId exportId) {
        String requester = take(requesterPrefix(tenant, requestedBy), maxPerRequester, exportId, tenant,
                ExportLimitExceededException.Limit.PER_REQUESTER);
        try {
            String whole = take("t|" + tenant.value() + "|", maxPerTenant, exportId, tenant,
                    ExportLimitExceededException.Limit.PER_TENANT);
            return List.of(requester, whole);
        } catch (RuntimeException e) {
            release(exportId);
            throw e;
        }
    }

    /** Gives back every slot export {@code exportId} holds. */
    void release(ObjectId exportId) {
        slots.deleteMany(new BsonDocument("export", new BsonObjectId(exportId)));
    }

    private String take(String prefix, int max, ObjectId exportId, TenantId tenant,
                        ExportLimitExceededException.Limit limit) {
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < max; k++) {
                String id = prefix + k;
                try {
                    slots.insertOne(new BsonDocument("_id", new BsonString(id))
                            .append("export", new BsonObjectId(exportId))
                            .append("at", new BsonDateTime(clock.millis())).append("v", new BsonInt32(1)));
                    return id;
                } catch (MongoWriteException e) {
                    if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                        throw e;
                    }
                }
            }
            if (round == 0 && freeOrphans(prefix, max) == 0) {
                break;
            }
        }
        throw new ExportLimitExceededException(tenant, limit, max);
    }

    /** Frees the slots under {@code prefix} whose export is over or was never recorded; returns how many. */
    private int freeOrphans(String prefix, int max) {
        int freed = 0;
        Instant orphanedBefore = clock.instant().minus(GRACE);
        BsonArray ids = new BsonArray();
        for (int k = 0; k < max; k++) {
            ids.add(new BsonString(prefix + k));
        }
        for (BsonDocument slot : slots.find(new BsonDocument("_id", new BsonDocument("$in", ids)))) {
            BsonValue export = slot.get("export");
            BsonDocument record = export == null ? null : records.find(new BsonDocument("_id", export)).first();
            boolean over = record != null && !ACTIVE.contains(record.getString("status", new BsonString(""))
                    .getValue());
            boolean neverRecorded = record == null && slot.isDateTime("at")
                    && slot.getDateTime("at").getValue() < orphanedBefore.toEpochMilli();
            if ((over || neverRecorded) && slots.deleteOne(new BsonDocument("_id", slot.get("_id"))
                    .append("export", export)).getDeletedCount() == 1) {
                freed++;
            }
        }
        return freed;
    }

    /** Slot ids of a requester: hashed, so any requester id gives a short, safe key. */
    private String requesterPrefix(TenantId tenant, String requestedBy) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(requestedBy.getBytes(StandardCharsets.UTF_8));
            return "r|" + tenant.value() + "|" + HexFormat.of().formatHex(digest, 0, 16) + "|";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
