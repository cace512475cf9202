package dev.tenantry.migration.batch;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Where a batched step remembers how far it got: the {@code _id} of the last document of the last acknowledged
 * batch, and how many documents were done.
 *
 * @since 0.1
 */
public interface Checkpoint {

    /** The last {@code _id} done, or null to start at the beginning. */
    @Nullable BsonValue lastId();

    /** Documents done before, for progress. */
    long done();

    /** Records that everything up to {@code lastId} is done, {@code done} documents in all. */
    void save(BsonValue lastId, long done);

    /**
     * Records the position inside {@code session}'s transaction, so it commits with the batch it follows. By default
     * the session is ignored, which suits checkpoints held outside MongoDB.
     */
    default void save(ClientSession session, BsonValue lastId, long done) {
        save(lastId, done);
    }

    /** Forgets the position, once the step is complete. */
    void clear();

    /** A checkpoint kept only in memory (for steps that need no resumption, and tests). */
    static Checkpoint inMemory() {
        return new Checkpoint() {
            private @Nullable BsonValue last;
            private long count;

            @Override
            public @Nullable BsonValue lastId() {
                return last;
            }

            @Override
            public long done() {
                return count;
            }

            @Override
            public void save(BsonValue lastId, long done) {
                this.last = lastId;
                this.count = done;
            }

            @Override
            public void clear() {
                last = null;
                count = 0;
            }
        };
    }

    /** A checkpoint stored as the document {@code {_id: step}} of {@code collection}, so it survives a crash. */
    static Checkpoint stored(MongoCollection<BsonDocument> collection, String step) {
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(step, "step");
        BsonDocument id = new BsonDocument("_id", new BsonString(step));
        return new Checkpoint() {
            @Override
            public @Nullable BsonValue lastId() {
                BsonDocument doc = collection.find(id).first();
                return doc == null ? null : doc.get("lastId");
            }

            @Override
            public long done() {
                BsonDocument doc = collection.find(id).first();
                return doc == null ? 0 : doc.getNumber("done", new BsonInt64(0)).longValue();
            }

            @Override
            public void save(BsonValue lastId, long done) {
                collection.replaceOne(id, state(lastId, done), new ReplaceOptions().upsert(true));
            }

            @Override
            public void save(ClientSession session, BsonValue lastId, long done) {
                collection.replaceOne(session, id, state(lastId, done), new ReplaceOptions().upsert(true));
            }

            private BsonDocument state(BsonValue lastId, long done) {
                return id.clone().append("lastId", lastId).append("done", new BsonInt64(done));
            }

            @Override
            public void clear() {
                collection.deleteOne(id);
            }
        };
    }
}
