package dev.tenantry.collection.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mongodb.MongoClientSettings;
import dev.tenantry.TenantViolationException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonDocumentWrapper;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.bson.io.BasicOutputBuffer;
import org.junit.jupiter.api.Test;

/**
 * What is checked is what is sent: every value is read once into a private, plain copy that nothing the caller holds
 * can change afterwards.
 */
class PlainBsonTest {

    private static final CodecRegistry REGISTRY = MongoClientSettings.getDefaultCodecRegistry();

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

    /** A string whose value is "a" on the first read and "b" on every later one. */
    static final class FlippingString extends BsonString {
        private static final long serialVersionUID = 1L;
        private final AtomicInteger reads = new AtomicInteger();

        FlippingString() {
            super("a");
        }

        @Override
        public String getValue() {
            return reads.getAndIncrement() == 0 ? "a" : "b";
        }
    }

    @Test
    void aPlainDocumentIsCopiedSoLaterChangesToItReachNothing() {
        BsonDocument caller = BsonDocument.parse("{$set: {a: 1, b: [1, {c: 2}]}}");
        BsonDocument copy = PlainBson.copy(caller);
        assertEquals(caller, copy);
        assertNotSame(caller, copy);
        caller.getDocument("$set").put("tenantId", new BsonString("b"));
        caller.getDocument("$set").getArray("b").getValues().get(1).asDocument().put("c", new BsonString("x"));
        assertEquals(BsonDocument.parse("{$set: {a: 1, b: [1, {c: 2}]}}"), copy);
    }

    @Test
    void rawDocumentsBecomeOnePlainDocumentThatIsBothCheckedAndSent() {
        BsonDocument normalized = PlainBson.copy(smuggling());
        assertEquals(BsonDocument.class, normalized.getClass());
        assertEquals(BsonDocument.parse("{$set: {name: 'x'}}"), normalized);
        // the guard passes it, and what goes to the server no longer holds the tenant write
        new UpdateGuard("tenantId").checkUpdate(normalized);
    }

    @Test
    void nestedRawAndWrappedValuesAreNormalizedToo() {
        BsonDocument outer = new BsonDocument("$rename", smuggling().getDocument("$set"));
        BsonDocument normalized = PlainBson.copy(outer);
        for (BsonValue nested : normalized.values()) {
            assertEquals(BsonDocument.class, nested.getClass());
        }
        BsonDocument wrapped = PlainBson.copy(new BsonDocumentWrapper<>(new Document("$set",
                new Document("tenantId", "b")), new DocumentCodec()));
        assertEquals(BsonDocument.class, wrapped.getClass());
        assertThrows(TenantViolationException.class, () -> new UpdateGuard("tenantId").checkUpdate(wrapped));
    }

    @Test
    void aLeafThatAnswersDifferentlyOnTheSecondReadIsReadOnce() {
        FlippingString flipping = new FlippingString();
        BsonDocument copy = PlainBson.copy(new BsonDocument("tenantId", flipping));
        assertEquals(BsonString.class, copy.get("tenantId").getClass());
        assertEquals("a", copy.getString("tenantId").getValue());
        assertEquals("a", copy.getString("tenantId").getValue(), "the copy answers the same every time");
    }

    @Test
    void binaryDataIsCopiedNotShared() {
        byte[] data = {1, 2, 3};
        BsonDocument copy = PlainBson.copy(new BsonDocument("b", new BsonBinary(data)));
        data[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, copy.getBinary("b").getData());

        byte[] encodedData = {4, 5};
        BsonDocument encoded = PlainBson.encode(new BsonDocumentCodec(),
                new BsonDocument("b", new BsonBinary(encodedData)));
        encodedData[0] = 9;
        assertArrayEquals(new byte[] {4, 5}, encoded.getBinary("b").getData());
    }

    @Test
    void aBsonIsRenderedExactlyOnce() {
        AtomicInteger renders = new AtomicInteger();
        Bson shifting = new Bson() {
            @Override
            public <D> BsonDocument toBsonDocument(Class<D> documentClass, CodecRegistry registry) {
                return new BsonDocument("n", new BsonInt32(renders.incrementAndGet()));
            }
        };
        BsonDocument rendered = PlainBson.render(shifting, BsonDocument.class, REGISTRY);
        assertEquals(1, renders.get());
        assertEquals(new BsonDocument("n", new BsonInt32(1)), rendered);
        assertThrows(NullPointerException.class, () -> PlainBson.render(new Bson() {
            @Override
            public <D> BsonDocument toBsonDocument(Class<D> documentClass, CodecRegistry registry) {
                return null;
            }
        }, BsonDocument.class, REGISTRY));
    }

    @Test
    void immutableLeavesAreSharedAndContainersAreNot() {
        BsonString leaf = new BsonString("x");
        BsonArray array = new BsonArray(List.of(leaf));
        BsonDocument copy = PlainBson.copy(new BsonDocument("a", array));
        assertSame(leaf, copy.getArray("a").get(0));
        assertNotSame(array, copy.getArray("a"));
    }
}
