package dev.tenantry.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BiConsumer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Purge anchors cannot be forged: callers cannot record the trail's reserved actions, an anchor is trusted only where
 * the entries before it are gone and only once it passes the same hash check as every entry (an HMAC with the
 * trail's key), and {@code verify()} reports whatever is stored as a broken link rather than throwing.
 */
@MongoTest
class AuditForgeryIT {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock(START);
    private AuditTrail trail;
    private MongoCollection<Document> raw;
    private int tenants;

    AuditForgeryIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @BeforeEach
    void open() {
        trail = AuditTrail.builder(client, database.getName()).clock(clock).hmacKey(KEY).build();
        raw = database.getCollection(AuditTrail.DEFAULT_COLLECTION);
    }

    @AfterEach
    void close() {
        trail.close();
    }

    private TenantId freshTenant() {
        return TenantId.of("f" + (++tenants) + "-" + Long.toHexString(System.nanoTime()));
    }

    private void record(TenantId tenant, int count) {
        Tenants.run(tenant, () -> {
            for (int i = 0; i < count; i++) {
                clock.advance(Duration.ofSeconds(1));
                trail.record(AuditAction.UPDATE, "row", Integer.toString(i));
            }
        });
    }

    private Document entry(TenantId tenant, long seq) {
        return raw.find(Filters.and(Filters.eq("tenantId", tenant.value()), Filters.eq("seq", seq))).first();
    }

    /** A purge anchor as a forger writes it, straight into the collection. */
    private Document anchor(TenantId tenant, long seq, String anchored, String summary) {
        return new Document("_id", new ObjectId()).append("v", 1).append("tenantId", tenant.value())
                .append("seq", seq).append("prev", "0".repeat(64)).append("hash", "f".repeat(64))
                .append("time", java.util.Date.from(clock.instant())).append("action", "AUDIT_PURGE")
                .append("outcome", "SUCCESS").append("targetType", "AuditLog").append("targetId", anchored)
                .append("summary", summary);
    }

    @Test
    void callersCannotRecordTheTrailsReservedActions() {
        TenantId a = freshTenant();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Tenants.run(a,
                () -> trail.record(AuditEvent.of(AuditAction.AUDIT_PURGE).target("AuditLog", "1000000")
                        .summary("anchor " + "0".repeat(64)).build())));
        assertTrue(refused.getMessage().contains("AUDIT_PURGE") && refused.getMessage().contains("reserved"),
                refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tenants.run(a, () -> trail.record(
                AuditAction.of("AUDIT_ANYTHING"), "x", "y")));
        assertEquals(0, raw.countDocuments(Filters.eq("tenantId", a.value())), "nothing recorded");
        assertTrue(AuditAction.AUDIT_PURGE.isReserved());
        assertFalse(AuditAction.of("AUDITED_INVOICE").isReserved());
    }

    @Test
    void aCraftedAnchorCannotHideAnEditedEntry() {
        TenantId a = freshTenant();
        record(a, 5);
        // An anchor that claims everything up to 1,000,000 was purged, then an edit it would hide.
        raw.insertOne(anchor(a, 6, "1000000", "anchor " + "0".repeat(64)));
        raw.updateOne(Filters.eq("_id", entry(a, 2).getObjectId("_id")), Updates.set("targetId", "edited"));
        AuditVerification result = Tenants.call(a, trail::verify);
        assertFalse(result.intact(), "the edit is hidden: " + result);
        assertEquals(2, result.firstBrokenSequence());
    }

    @Test
    void aForgedAnchorIsRefusedWhereEntriesAreMissing() {
        TenantId a = freshTenant();
        record(a, 10);
        // Entries 1..8 removed and an anchor forged after the head that claims they were purged: without the key,
        // its hash cannot be made to match.
        raw.deleteMany(Filters.and(Filters.eq("tenantId", a.value()), Filters.lte("seq", 8L)));
        raw.insertOne(anchor(a, 11, "8", "anchor " + "a".repeat(64)));
        AuditVerification result = Tenants.call(a, trail::verify);
        assertFalse(result.intact());
        assertEquals(11, result.firstBrokenSequence());
        assertTrue(result.problem().contains("anchor") && result.problem().contains("hash"), result.problem());
    }

    @Test
    void anAnchorThatPointsAtOrPastItselfIsMalformed() {
        TenantId a = freshTenant();
        record(a, 10);
        clock.advance(Duration.ofDays(2));
        record(a, 2);
        assertEquals(10, Tenants.call(a, () -> trail.purgeOlderThan(Duration.ofDays(1))));
        assertTrue(Tenants.call(a, trail::verify).intact(), "a real purge verifies");
        // Re-point the real anchor past itself: it would skip every entry after it.
        Document real = raw.find(Filters.and(Filters.eq("tenantId", a.value()), Filters.eq("action",
                "AUDIT_PURGE"))).first();
        raw.updateOne(Filters.eq("_id", real.getObjectId("_id")), Updates.set("targetId", "1000"));
        AuditVerification result = Tenants.call(a, trail::verify);
        assertFalse(result.intact(), "0 entries checked is not intact: " + result);
    }

    @Test
    void verifyReportsMalformedStoredDataInsteadOfThrowing() {
        Map<String, BiConsumer<TenantId, Long>> corruptions = new java.util.LinkedHashMap<>();
        corruptions.put("anchor id not a number", (t, anchorSeq) -> raw.updateOne(Filters.and(
                Filters.eq("tenantId", t.value()), Filters.eq("seq", anchorSeq)), Updates.set("targetId", "x")));
        corruptions.put("anchor without summary", (t, anchorSeq) -> raw.updateOne(Filters.and(
                Filters.eq("tenantId", t.value()), Filters.eq("seq", anchorSeq)), Updates.unset("summary")));
        corruptions.put("anchor summary cut short", (t, anchorSeq) -> raw.updateOne(Filters.and(
                Filters.eq("tenantId", t.value()), Filters.eq("seq", anchorSeq)), Updates.set("summary", "an")));
        corruptions.put("sequence as text", (t, anchorSeq) -> raw.updateOne(Filters.and(
                Filters.eq("tenantId", t.value()), Filters.eq("seq", anchorSeq + 1)), Updates.set("seq", "x")));
        corruptions.put("action not an action", (t, anchorSeq) -> raw.updateOne(Filters.and(
                Filters.eq("tenantId", t.value()), Filters.eq("seq", anchorSeq + 1)), Updates.set("action", "a b")));
        corruptions.put("outcome unknown", (t, anchorSeq) -> raw.updateOne(Filters.and(
                Filters.eq("tenantId", t.value()), Filters.eq("seq", anchorSeq + 1)), Updates.set("outcome", "NOPE")));
        corruptions.put("hash missing", (t, anchorSeq) -> raw.updateOne(Filters.and(
                Filters.eq("tenantId", t.value()), Filters.eq("seq", anchorSeq + 1)), Updates.unset("hash")));
        corruptions.put("time as text", (t, anchorSeq) -> raw.updateOne(Filters.and(
                Filters.eq("tenantId", t.value()), Filters.eq("seq", anchorSeq + 1)), Updates.set("time", "now")));
        corruptions.put("head sequence as text", (t, anchorSeq) -> database.getCollection(
                AuditTrail.DEFAULT_COLLECTION + "Heads").updateOne(Filters.eq("_id", t.value()),
                Updates.set("seq", "x")));
        for (Map.Entry<String, BiConsumer<TenantId, Long>> corruption : corruptions.entrySet()) {
            TenantId a = freshTenant();
            record(a, 5);
            clock.advance(Duration.ofDays(2));
            record(a, 3);
            Tenants.run(a, () -> trail.purgeOlderThan(Duration.ofDays(1))); // anchor at 9
            record(a, 2);
            corruption.getValue().accept(a, 9L);
            AuditVerification result = Tenants.call(a, trail::verify);
            assertFalse(result.intact(), corruption.getKey() + ": " + result);
            assertTrue(result.problem() != null && !result.problem().isBlank(), corruption.getKey());
        }
    }
}
