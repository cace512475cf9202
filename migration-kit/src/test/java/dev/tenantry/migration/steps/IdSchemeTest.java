package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** The default id scheme: pinned, deterministic, and equal for values the server treats as equal. */
class IdSchemeTest {

    private final IdScheme ids = IdScheme.sha256();

    @Test
    void theSchemeIsPinnedToTheFirst12BytesOfSha256OfTheBsonPair() {
        // Computed independently: sha256 of the BSON bytes of {s: ObjectId(..01), t: ObjectId(..aa)}, first 12 bytes.
        assertEquals(new BsonObjectId(new ObjectId("55975b7f87aa7014b4c793bf")),
                ids.id(new BsonObjectId(new ObjectId("000000000000000000000001")),
                        new BsonObjectId(new ObjectId("0000000000000000000000aa"))));
        // {s: NumberLong(42), t: "b1"}: an int32 source is encoded as int64.
        assertEquals(new BsonObjectId(new ObjectId("da391a0f109dd6247087dbed")),
                ids.id(new BsonInt32(42), new BsonString("b1")));
    }

    @Test
    void numbersTheServerTreatsAsEqualGiveOneId() {
        BsonString tenant = new BsonString("b1");
        assertEquals(ids.id(new BsonInt32(7), tenant), ids.id(new BsonInt64(7), tenant));
        assertEquals(ids.id(new BsonInt32(7), tenant), ids.id(new BsonDouble(7.0), tenant));
        assertNotEquals(ids.id(new BsonDouble(7.5), tenant), ids.id(new BsonInt32(7), tenant));
    }

    @Test
    void theSourceAndTheTenantBothMatterAndTheirOrderToo() {
        BsonString a = new BsonString("a");
        BsonString b = new BsonString("b");
        assertEquals(ids.id(a, b), ids.id(new BsonString("a"), new BsonString("b")));
        assertNotEquals(ids.id(a, b), ids.id(b, a));
        assertNotEquals(ids.id(a, b), ids.id(a, a));
        assertNotEquals(ids.id(a, b), ids.id(b, b));
    }

    @Test
    void nullArgumentsAreRefused() {
        assertThrows(NullPointerException.class, () -> ids.id(null, new BsonString("t")));
    }
}
