package dev.tenantry.audit.internal;

import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditOutcome;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * Stored form of audit entries and the hash that chains them. The hash covers the previous hash and a canonical
 * encoding of every field in a fixed order (absent values as null), so the stored field order, or a field added or
 * removed, changes nothing but a real change in content. Fields added to the format later ({@code clientRequestId})
 * are covered only when present, after the others: an entry written before they existed hashes exactly as it did, and
 * one that has them cannot lose or gain them unnoticed. Thread-safe.
 */
final class AuditCodec {

    /** The previous hash of a tenant's first entry. */
    static final String GENESIS = "0".repeat(64);

    private static final String[] TEXT_FIELDS = {"actorId", "actorType", "targetType", "targetId", "summary",
        "reason", "ip", "userAgent", "requestId"};
    /** Covered by the hash when present only (see the class comment). */
    private static final String CLIENT_REQUEST_ID = "clientRequestId";
    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    private final String tenantField;
    private final byte @Nullable [] hmacKey;

    AuditCodec(String tenantField, byte @Nullable [] hmacKey) {
        this.tenantField = tenantField;
        this.hmacKey = hmacKey == null ? null : hmacKey.clone();
    }

    /** The stored document of an entry (the tenant field is stamped by the tenant-scoped collection too). */
    BsonDocument toDocument(AuditEntry entry) {
        BsonDocument doc = new BsonDocument("_id", new BsonObjectId(entry.id()))
                .append("v", new BsonInt32(entry.formatVersion()))
                .append(tenantField, new BsonString(entry.tenant().value()))
                .append("seq", new BsonInt64(entry.sequence()))
                .append("prev", new BsonString(entry.previousHash()))
                .append("hash", new BsonString(entry.hash()))
                .append("time", new BsonDateTime(entry.time().toEpochMilli()))
                .append("action", new BsonString(entry.event().action().name()))
                .append("outcome", new BsonString(entry.event().outcome().name()));
        AuditEvent e = entry.event();
        String[] values = {e.actorId(), e.actorType(), e.targetType(), e.targetId(), e.summary(), e.reason(), e.ip(),
            e.userAgent(), e.requestId()};
        for (int i = 0; i < TEXT_FIELDS.length; i++) {
            if (values[i] != null) {
                doc.append(TEXT_FIELDS[i], new BsonString(values[i]));
            }
        }
        if (e.clientRequestId() != null) {
            doc.append(CLIENT_REQUEST_ID, new BsonString(e.clientRequestId()));
        }
        return doc;
    }

    /** The entry a stored document holds. */
    AuditEntry fromDocument(BsonDocument doc) {
        AuditEvent event = new AuditEvent(new AuditAction(doc.getString("action").getValue()),
                text(doc, "targetType"), text(doc, "targetId"), text(doc, "summary"),
                AuditOutcome.valueOf(doc.getString("outcome").getValue()), text(doc, "reason"),
                text(doc, "actorId"), text(doc, "actorType"), text(doc, "ip"), text(doc, "userAgent"),
                text(doc, "requestId"), text(doc, CLIENT_REQUEST_ID));
        return new AuditEntry(doc.getObjectId("_id").getValue(), doc.getInt32("v").getValue(),
                TenantId.of(doc.getString(tenantField).getValue()), doc.getInt64("seq").getValue(),
                doc.getString("prev").getValue(), doc.getString("hash").getValue(),
                Instant.ofEpochMilli(doc.getDateTime("time").getValue()), event);
    }

    private static @Nullable String text(BsonDocument doc, String field) {
        BsonValue value = doc.get(field);
        return value == null || value.isNull() ? null : value.asString().getValue();
    }

    /** The hash of an entry with everything but its own hash filled in. */
    String hash(ObjectId id, int version, TenantId tenant, long sequence, String previousHash, Instant time,
                AuditEvent e) {
        BsonDocument canonical = new BsonDocument("_id", new BsonObjectId(id))
                .append("v", new BsonInt32(version))
                .append("tenant", new BsonString(tenant.value()))
                .append("seq", new BsonInt64(sequence))
                .append("prev", new BsonString(previousHash))
                .append("time", new BsonDateTime(time.toEpochMilli()))
                .append("action", new BsonString(e.action().name()))
                .append("outcome", new BsonString(e.outcome().name()));
        String[] values = {e.actorId(), e.actorType(), e.targetType(), e.targetId(), e.summary(), e.reason(), e.ip(),
            e.userAgent(), e.requestId()};
        for (int i = 0; i < TEXT_FIELDS.length; i++) {
            canonical.append(TEXT_FIELDS[i], values[i] == null ? BsonNull.VALUE : new BsonString(values[i]));
        }
        if (e.clientRequestId() != null) {
            canonical.append(CLIENT_REQUEST_ID, new BsonString(e.clientRequestId()));
        }
        BasicOutputBuffer buffer = new BasicOutputBuffer(256);
        try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
            CODEC.encode(writer, canonical, EncoderContext.builder().build());
        }
        return HexFormat.of().formatHex(digest(previousHash.getBytes(StandardCharsets.US_ASCII),
                buffer.toByteArray()));
    }

    /** The hash an entry should carry, recomputed from its content. */
    String recompute(AuditEntry entry) {
        return hash(entry.id(), entry.formatVersion(), entry.tenant(), entry.sequence(), entry.previousHash(),
                entry.time(), entry.event());
    }

    private byte[] digest(byte[] previous, byte[] content) {
        try {
            if (hmacKey != null) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
                mac.update(previous);
                return mac.doFinal(content);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previous);
            return sha.digest(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 / HmacSHA256 are required of every Java platform", e);
        }
    }
}
