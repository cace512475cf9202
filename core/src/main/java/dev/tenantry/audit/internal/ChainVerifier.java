package dev.tenantry.audit.internal;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditVerification;
import java.util.regex.Pattern;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * Checks a tenant's hash chain from its start, or from its purge anchor where its oldest entries were purged, to its
 * head. Whatever is stored (edited, forged, of the wrong type), it returns a verdict naming the first broken link and
 * never throws because of the data it reads.
 *
 * <p>An anchor is trusted only where entries are actually missing from the start of the chain, and only once it
 * passes the same check as every entry: its hash (HMAC with the trail's key, when there is one) must match its
 * content, and it must name an earlier sequence and a well-formed hash. So a forged anchor cannot make the entries
 * before it unverifiable; without a key, someone able to rewrite the collection could still recompute every hash.
 */
final class ChainVerifier {

    /** The summary of a purge anchor: this prefix, then the hash of the last entry purged. */
    static final String PURGE_SUMMARY = "anchor ";

    private static final Pattern SEQUENCE = Pattern.compile("[1-9][0-9]{0,18}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final AuditStore store;
    private final AuditCodec codec;

    ChainVerifier(AuditStore store) {
        this.store = store;
        this.codec = store.codec();
    }

    AuditVerification verify(TenantId tenant) {
        BsonDocument stray = store.documents(tenant, Filters.not(Filters.type("seq", BsonType.INT64)),
                Sorts.ascending("_id")).limit(1).first();
        if (stray != null) {
            return AuditVerification.broken(0, 0, "an entry without a valid sequence (id " + stray.get("_id")
                    + ") was inserted into the log");
        }
        BsonDocument oldest = store.documents(tenant, null, Sorts.ascending("seq")).limit(1).first();
        long start = 0;
        String expectedPrevious = AuditCodec.GENESIS;
        if (oldest != null && oldest.getInt64("seq").getValue() > 1) {
            long lowest = oldest.getInt64("seq").getValue();
            BsonDocument anchorDoc = store.documents(tenant, Filters.eq("action", AuditAction.AUDIT_PURGE
                    .name()), Sorts.descending("seq")).limit(1).first();
            if (anchorDoc == null) {
                return AuditVerification.broken(0, 1, "entries 1.." + (lowest - 1) + " are missing: deleted from the "
                        + "log, with no purge anchor");
            }
            long anchorSequence = anchorDoc.getInt64("seq").getValue();
            AuditEntry anchor;
            try {
                anchor = codec.fromDocument(anchorDoc);
            } catch (RuntimeException e) {
                return AuditVerification.broken(0, anchorSequence, "the purge anchor at sequence " + anchorSequence
                        + " cannot be read: it was modified");
            }
            if (!codec.recompute(anchor).equals(anchor.hash())) {
                return AuditVerification.broken(0, anchorSequence, "the purge anchor at sequence " + anchorSequence
                        + " does not match its hash: it was forged or modified");
            }
            String anchored = anchor.event().targetId();
            String summary = anchor.event().summary();
            if (anchored == null || !SEQUENCE.matcher(anchored).matches() || summary == null
                    || !summary.startsWith(PURGE_SUMMARY)
                    || !HASH.matcher(summary.substring(PURGE_SUMMARY.length())).matches()
                    || Long.parseLong(anchored) >= anchorSequence) {
                return AuditVerification.broken(0, anchorSequence, "the purge anchor at sequence " + anchorSequence
                        + " is malformed: it must name an earlier sequence and its hash");
            }
            start = Long.parseLong(anchored);
            if (start < lowest - 1) {
                return AuditVerification.broken(0, start + 1, "entries " + (start + 1) + ".." + (lowest - 1)
                        + " are missing: deleted from the log");
            }
            expectedPrevious = summary.substring(PURGE_SUMMARY.length());
        }
        return walk(tenant, start, expectedPrevious);
    }

    private AuditVerification walk(TenantId tenant, long start, String firstPrevious) {
        String expectedPrevious = firstPrevious;
        long expected = start + 1;
        long checked = 0;
        for (BsonDocument doc : store.documents(tenant, Filters.gt("seq", start), Sorts.ascending("seq"))) {
            long sequence = doc.getInt64("seq").getValue();
            checked++;
            if (sequence > expected) {
                return AuditVerification.broken(checked, expected, "entries " + expected + ".." + (sequence - 1)
                        + " are missing: deleted from the log");
            }
            if (sequence < expected) {
                return AuditVerification.broken(checked, sequence, "sequence " + sequence + " appears twice: an "
                        + "entry was inserted into the log");
            }
            AuditEntry entry;
            try {
                entry = codec.fromDocument(doc);
            } catch (RuntimeException e) {
                return AuditVerification.broken(checked, sequence, "entry " + sequence + " cannot be read: it was "
                        + "modified");
            }
            if (!entry.previousHash().equals(expectedPrevious)) {
                return AuditVerification.broken(checked, sequence, "entry " + sequence + " does not follow the entry "
                        + "before it: entries were modified, replaced or reordered");
            }
            if (!codec.recompute(entry).equals(entry.hash())) {
                return AuditVerification.broken(checked, sequence, "entry " + sequence + " does not match its hash: "
                        + "it was modified");
            }
            expectedPrevious = entry.hash();
            expected++;
        }
        long last = expected - 1;
        BsonDocument head = store.head(tenant);
        if (head == null) {
            return AuditVerification.intact(checked);
        }
        BsonValue headSequence = head.get("seq");
        BsonValue headHash = head.get("hash");
        if (headSequence == null || !headSequence.isInt64() || headHash == null || !headHash.isString()) {
            return AuditVerification.broken(checked, last, "the log's head record was modified");
        }
        if (headSequence.asInt64().getValue() > last) {
            return AuditVerification.broken(checked, last + 1, "entries after " + last + " are missing: the log's "
                    + "head records sequence " + headSequence.asInt64().getValue());
        }
        if (headSequence.asInt64().getValue() == last && last > start
                && !headHash.asString().getValue().equals(expectedPrevious)) {
            return AuditVerification.broken(checked, last, "the newest entry was replaced: it does not match the "
                    + "log's head");
        }
        return AuditVerification.intact(checked);
    }
}
