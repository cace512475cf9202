package dev.tenantry.export.internal;

import static dev.tenantry.export.internal.DataExportsImpl.LEASE_UNTIL;
import static dev.tenantry.export.internal.DataExportsImpl.OWNER;
import static dev.tenantry.export.internal.DataExportsImpl.PARTIAL;
import static dev.tenantry.export.internal.DataExportsImpl.TENANT;

import com.mongodb.client.MongoCollection;
import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.export.ExportStatus;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes what runs could not: fails exports whose lease ran out (their runner died or hung), and removes partial
 * output that failed exports still name. Run from {@code expireDue()}, in system scope.
 */
final class ExportRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(ExportRecovery.class);

    private final MongoCollection<BsonDocument> records;
    private final ExportTargets targets;
    private final Duration lease;
    private final Consumer<BsonDocument> releaseSlots;
    private final BiConsumer<TenantId, AuditEvent> audit;

    ExportRecovery(MongoCollection<BsonDocument> records, ExportTargets targets, Duration lease,
                   Consumer<BsonDocument> releaseSlots, BiConsumer<TenantId, AuditEvent> audit) {
        this.records = records;
        this.targets = targets;
        this.lease = lease;
        this.releaseSlots = releaseSlots;
        this.audit = audit;
    }

    /**
     * Fails every running export whose lease ran out (a record from before leases existed counts from its start),
     * removing its partial output first.
     */
    int failStalled(Instant now) {
        BsonArray stalled = new BsonArray();
        stalled.add(new BsonDocument(LEASE_UNTIL, new BsonDocument("$lte", DataExportsImpl.date(now))));
        stalled.add(new BsonDocument(LEASE_UNTIL, new BsonDocument("$exists", BsonBoolean.FALSE))
                .append("startedAt", new BsonDocument("$lte", DataExportsImpl.date(now.minus(lease)))));
        int failed = 0;
        for (BsonDocument doc : records.find(new BsonDocument("status", new BsonString(ExportStatus.RUNNING.name()))
                .append("$or", stalled))) {
            BsonDocument partial = doc.getDocument(PARTIAL, null);
            boolean removed = partial == null || removePartial(doc, partial);
            BsonValue until = doc.get(LEASE_UNTIL);
            String why = "its runner stopped: the lease ran out at " + (until != null && until.isDateTime()
                    ? Instant.ofEpochMilli(until.asDateTime().getValue()) : "(no lease)") + " and it was recovered";
            BsonDocument filter = new BsonDocument("_id", doc.get("_id")).append("status",
                    new BsonString(ExportStatus.RUNNING.name()));
            filter.append(OWNER, doc.containsKey(OWNER) ? doc.get(OWNER)
                    : new BsonDocument("$exists", BsonBoolean.FALSE));
            BsonDocument unset = new BsonDocument(OWNER, new BsonString("")).append(LEASE_UNTIL, new BsonString(""));
            if (removed) {
                unset.append(PARTIAL, new BsonString(""));
            }
            if (records.updateOne(filter, new BsonDocument("$set", new BsonDocument("status",
                            new BsonString(ExportStatus.FAILED.name())).append("completedAt", DataExportsImpl.date(now))
                            .append("error", new BsonString(why))).append("$unset", unset))
                    .getModifiedCount() == 1) {
                failed++;
                releaseSlots.accept(doc);
                LOG.warn("data export {} of tenant '{}' failed: {}", doc.get("_id"), doc.get(TENANT), why);
                TenantId tenant = TenantId.of(doc.getString(TENANT).getValue());
                audit.accept(tenant, AuditEvent.of(AuditAction.EXPORT).target("export",
                        doc.getObjectId("_id").getValue().toHexString()).failed(why).build());
            }
        }
        return failed;
    }

    /** Removes the partial output failed exports still name (their run could not, e.g. during an outage). */
    void removeLeftovers() {
        for (BsonDocument doc : records.find(new BsonDocument("status", new BsonString(ExportStatus.FAILED.name()))
                .append(PARTIAL, new BsonDocument("$exists", BsonBoolean.TRUE)))) {
            if (removePartial(doc, doc.getDocument(PARTIAL))) {
                records.updateOne(new BsonDocument("_id", doc.get("_id")), new BsonDocument("$unset",
                        new BsonDocument(PARTIAL, new BsonString(""))));
            }
        }
    }

    private boolean removePartial(BsonDocument doc, BsonDocument partial) {
        try {
            targets.remove(partial);
            return true;
        } catch (UncheckedIOException e) {
            LOG.warn("could not remove the partial output of data export {} ({}): {}", doc.get("_id"), partial,
                    e.toString());
            return false;
        }
    }
}
