package dev.tenantry.collection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tenantry.TenantViolationException;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonDocumentWrapper;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.io.BasicOutputBuffer;
import org.junit.jupiter.api.Test;

/** What is checked is what is sent: raw BSON with a key twice becomes one plain document before either. */
class PlainBsonTest {

    /** {@code {$set: {tenantId: 'b'}, $set: {name: 'x'}}}: its map view shows only the second $set. */
    private static RawBsonDocument smuggling() {
        BasicOutputBuffer buffer = new BasicOutputBuffer();
        try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
            writer.writeStartDocument();
            writer.writeStartDocument("$set");
            writer.writeString("tenantId", "b");
            writer.writeEndDocument();
            writer.writeStartDocument("$set");
            writer.writeString("name", "x");
            writer.writeEndDocument();
            writer.writeEndDocument();
        }
        return new RawBsonDocument(buffer.toByteArray());
    }

    @Test
    void plainDocumentsPassThroughUntouched() {
        BsonDocument plain = BsonDocument.parse("{$set: {a: 1, b: [1, {c: 2}]}}");
        assertSame(plain, PlainBson.of(plain));
    }

    @Test
    void rawDocumentsBecomeOnePlainDocumentThatIsBothCheckedAndSent() {
        BsonDocument normalized = PlainBson.of(smuggling());
        assertEquals(BsonDocument.class, normalized.getClass());
        assertEquals(BsonDocument.parse("{$set: {name: 'x'}}"), normalized);
        // the guard passes it, and what goes to the server no longer holds the tenant write
        new UpdateGuard("tenantId").checkUpdate(normalized);
    }

    @Test
    void nestedRawValuesAreNormalizedToo() {
        BsonDocument outer = new BsonDocument("$rename", smuggling().getDocument("$set"));
        BsonDocument normalized = PlainBson.of(outer);
        for (BsonValue nested : normalized.values()) {
            assertEquals(BsonDocument.class, nested.getClass());
        }
        BsonDocument wrapped = PlainBson.of(new BsonDocumentWrapper<>(new Document("$set",
                new Document("tenantId", "b")), new DocumentCodec()));
        assertEquals(BsonDocument.class, wrapped.getClass());
        assertThrows(TenantViolationException.class, () -> new UpdateGuard("tenantId").checkUpdate(wrapped));
    }
}
