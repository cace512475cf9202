package dev.tenantry.migration.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.RequiresCapability;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paging and resumption over {@code _id}s of every type an {@code _id} can have, mixed in one collection: MongoDB
 * compares {@code $gt} only within a type bracket, so a step resumed after a string must still read the ObjectIds,
 * dates and the rest that sort after strings. A crash at every batch boundary, then a rerun from the stored
 * checkpoint, ends exactly as an uninterrupted run.
 */
@MongoTest
class MixedIdTypesIT {

    private static final int BATCH = 3;

    private final MongoDatabase database;
    private MongoCollection<BsonDocument> source;
    private MongoCollection<BsonDocument> copies;
    private MongoCollection<BsonDocument> checkpoints;

    MixedIdTypesIT(MongoDatabase database) {
        this.database = database;
    }

    /** One or more {@code _id}s of each bracket, in no particular order. */
    static List<BsonValue> mixedIds() {
        List<BsonValue> ids = new ArrayList<>();
        ids.add(new BsonObjectId(new ObjectId("65000000000000000000000a")));
        ids.add(new BsonString("legacy-2"));
        ids.add(new BsonInt32(7));
        ids.add(new BsonMaxKey());
        ids.add(new BsonObjectId(new ObjectId("650000000000000000000001")));
        ids.add(new BsonDateTime(1_700_000_000_000L));
        ids.add(new BsonInt64(3_000_000_000L));
        ids.add(new BsonString("legacy-10"));
        ids.add(new BsonDocument("tenant", new BsonString("acme")).append("n", new BsonInt32(1)));
        ids.add(BsonBoolean.FALSE);
        ids.add(new BsonDouble(2.5));
        ids.add(new BsonMinKey());
        ids.add(BsonNull.VALUE);
        ids.add(new BsonBinary(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), UuidRepresentation.STANDARD));
        ids.add(new BsonBinary(UUID.fromString("023e4567-e89b-12d3-a456-426614174000"), UuidRepresentation.STANDARD));
        ids.add(new BsonTimestamp(1_700_000_000, 1));
        ids.add(new BsonDecimal128(Decimal128.parse("4.75")));
        ids.add(BsonBoolean.TRUE);
        ids.add(new BsonString(""));
        ids.add(new BsonObjectId(new ObjectId("650000000000000000000005")));
        ids.add(new BsonDateTime(-5_000L));
        ids.add(new BsonInt32(-1));
        return ids;
    }

    @BeforeEach
    void seed() {
        database.drop();
        source = database.getCollection("source", BsonDocument.class);
        copies = database.getCollection("copies", BsonDocument.class);
        checkpoints = database.getCollection("checkpoints", BsonDocument.class);
        insert(mixedIds());
    }

    private void insert(List<BsonValue> ids) {
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            docs.add(new BsonDocument("_id", ids.get(i)).append("n", new BsonInt32(i)));
        }
        source.insertMany(docs);
    }

    /**
     * Copies each document, keyed by its source {@code _id} ({@code {_id: {source: <id>}}}: the embedded server
     * makes up an {@code _id} for an upsert on {@code {_id: null}}).
     */
    private static List<WriteModel<BsonDocument>> copy(BsonDocument doc) {
        BsonDocument id = new BsonDocument("source", doc.get("_id"));
        return List.of(new ReplaceOneModel<>(Filters.eq("_id", id),
                new BsonDocument("_id", id).append("n", doc.get("n")).append("copied", BsonBoolean.TRUE),
                new ReplaceOptions().upsert(true)));
    }

    private Batches step(boolean readAhead, Checkpoint checkpoint) {
        Batches step = Batches.over(source).into(copies).batchSize(BATCH).checkpoint(checkpoint).name("copy");
        return readAhead ? step.readAhead() : step;
    }

    /** A digest of both collections, each sorted by {@code _id} in the server's order. */
    private String digest() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (MongoCollection<BsonDocument> c : List.of(source, copies)) {
            for (BsonDocument doc : c.find().sort(new BsonDocument("_id", new BsonInt32(1)))) {
                sha.update(doc.toJson().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @ParameterizedTest(name = "read ahead: {0}")
    @ValueSource(booleans = {false, true})
    void anUninterruptedRunVisitsEveryIdOfEveryTypeOnce(boolean readAhead) {
        BatchReport report = step(readAhead, Checkpoint.inMemory()).run(MixedIdTypesIT::copy);
        assertEquals(mixedIds().size(), report.read());
        assertEquals(mixedIds().size(), copies.countDocuments());
        assertEquals(mixedIds().size(), report.upserted());
    }

    @ParameterizedTest(name = "read ahead: {0}")
    @ValueSource(booleans = {false, true})
    void aCrashAtEveryBatchBoundaryThenARerunEndsWithTheDigestOfAnUninterruptedRun(boolean readAhead)
            throws Exception {
        step(readAhead, Checkpoint.inMemory()).run(MixedIdTypesIT::copy);
        String uninterrupted = digest();
        int batches = (mixedIds().size() + BATCH - 1) / BATCH;
        for (int boundary = 1; boundary < batches; boundary++) {
            for (boolean afterWrite : new boolean[] {false, true}) {
                String where = "boundary " + boundary + (afterWrite ? " (written, not checkpointed)"
                        : " (checkpointed)");
                seed();
                Checkpoint crashing = new CrashingCheckpoint(Checkpoint.stored(checkpoints, "copy"), boundary,
                        afterWrite);
                assertThrows(CrashingCheckpoint.Crash.class, () -> step(readAhead, crashing).run(MixedIdTypesIT::copy),
                        where);
                BatchReport rerun = step(readAhead, Checkpoint.stored(checkpoints, "copy")).run(MixedIdTypesIT::copy);
                assertEquals(uninterrupted, digest(), where);
                assertEquals(mixedIds().size(), copies.countDocuments(), where);
                assertTrue(rerun.read() >= mixedIds().size(), where + ": the report counts every run, read "
                        + rerun.read());
                assertEquals(0, checkpoints.countDocuments(), where + ": the completed step clears its checkpoint");
            }
        }
    }

    @Test
    void theStoredCheckpointRecordsTheTypeBracketOfTheLastId() {
        Checkpoint stored = Checkpoint.stored(checkpoints, "copy");
        stored.save(new Checkpoint.Position(new BsonString("legacy-2"), 9, new BsonDocument()));
        BsonDocument doc = checkpoints.find().first();
        assertEquals(new BsonString("string"), doc.get("bracket"));
        assertEquals(new BsonInt32(Checkpoint.FORMAT), doc.get("v"));
        assertEquals(new Checkpoint.Position(new BsonString("legacy-2"), 9, new BsonDocument()), stored.load());

        checkpoints.updateOne(Filters.eq("_id", "copy"), Updates.set("bracket", "objectId"));
        IllegalStateException e = assertThrows(IllegalStateException.class, stored::load);
        assertTrue(e.getMessage().contains("bracket"), e.getMessage());
    }

    @Test
    void aCheckpointOfTheFirstFormatStillResumes() {
        checkpoints.insertOne(new BsonDocument("_id", new BsonString("copy")).append("lastId", new BsonString("legacy-2"))
                .append("done", new BsonInt64(12)));
        BatchReport report = step(false, Checkpoint.stored(checkpoints, "copy")).run(MixedIdTypesIT::copy);
        // after "legacy-2": the rest of the strings, then documents, binaries, ObjectIds, booleans, dates,
        // timestamps and MaxKey
        assertTrue(report.resumed());
        assertEquals(12, report.read(), copies.find().into(new ArrayList<>()).toString());
        assertEquals(1, copies.countDocuments(Filters.eq("_id", new BsonDocument("source", new BsonMaxKey()))));
        assertEquals(3, copies.countDocuments(Filters.type("_id.source", "objectId")));
    }

    @Test
    @RequiresCapability(Capability.BINARY_SUBTYPE_ORDER)
    void binaryIdsOfDifferentSubtypesResumeAsOneBracket() throws Exception {
        insert(List.of(new BsonBinary(new byte[] {1, 2, 3}), new BsonBinary((byte) 0x80, new byte[] {9}),
                new BsonBinary(new byte[16])));
        step(false, Checkpoint.inMemory()).run(MixedIdTypesIT::copy);
        String uninterrupted = digest();
        long total = source.countDocuments();
        for (int boundary = 1; boundary < (total + BATCH - 1) / BATCH; boundary++) {
            seed();
            insert(List.of(new BsonBinary(new byte[] {1, 2, 3}), new BsonBinary((byte) 0x80, new byte[] {9}),
                    new BsonBinary(new byte[16])));
            Checkpoint stored = Checkpoint.stored(checkpoints, "copy");
            int at = boundary;
            assertThrows(CrashingCheckpoint.Crash.class, () -> step(false, new CrashingCheckpoint(stored, at, false))
                    .run(MixedIdTypesIT::copy));
            step(false, Checkpoint.stored(checkpoints, "copy")).run(MixedIdTypesIT::copy);
            assertEquals(uninterrupted, digest(), "boundary " + boundary);
        }
    }
}
