package dev.tenantry.migration.batch;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import dev.tenantry.migration.internal.BsonOrder;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Where a batched step remembers how far it got: the {@code _id} of the last document of the last acknowledged batch
 * (with its BSON type bracket), how many documents were done, and what the step carried along (its tallies), so that
 * a resumed step reads on from there and reports totals across its runs.
 *
 * <p>Implementations must be safe for use by two threads one after the other (a step that reads ahead saves from a
 * second thread).
 *
 * @since 0.1
 */
public interface Checkpoint {

    /** The position saved last, or null to start at the beginning. */
    @Nullable Position load();

    /** Records that everything up to {@code position} is done. */
    void save(Position position);

    /**
     * Records the position inside {@code session}'s transaction, so it commits with the batch it follows. By default
     * the session is ignored, which suits checkpoints held outside MongoDB.
     */
    default void save(ClientSession session, Position position) {
        save(position);
    }

    /** Forgets the position, once the step is complete. */
    void clear();

    /**
     * A step's position: the last {@code _id} done, the documents done in all, and the state the step carries
     * between runs (tallies, reports), as BSON. The last {@code _id}'s BSON type bracket is part of it: MongoDB
     * compares {@code $gt} only within a bracket, so a step resumes after the last {@code _id} within its bracket and
     * then reads every later bracket ({@link Batches}).
     *
     * <p>Thread-safe to read and share; its BSON values are the driver's mutable types, which must not be changed.
     *
     * @param lastId the {@code _id} of the last document done
     * @param done how many documents were done in all
     * @param carried what the step carries between runs; empty when it carries nothing
     * @since 0.1
     */
    record Position(BsonValue lastId, long done, BsonDocument carried) {

        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException if {@code done} is negative
         */
        public Position {
            Objects.requireNonNull(lastId, "lastId");
            Objects.requireNonNull(carried, "carried");
            if (done < 0) {
                throw new IllegalArgumentException("done must not be negative, was " + done);
            }
        }

        /** The BSON type bracket of {@link #lastId()}, as stored: e.g. {@code "objectId"}, {@code "string"}. */
        public String bracket() {
            return BsonOrder.bracket(lastId).storedName();
        }
    }

    /** A checkpoint kept only in memory (for steps that need no resumption, and tests). */
    static Checkpoint inMemory() {
        return new Checkpoint() {
            private volatile @Nullable Position position;

            @Override
            public @Nullable Position load() {
                return position;
            }

            @Override
            public void save(Position position) {
                this.position = Objects.requireNonNull(position, "position");
            }

            @Override
            public void clear() {
                position = null;
            }
        };
    }

    /**
     * A checkpoint stored as the document {@code {_id: step}} of {@code collection}, so it survives a crash:
     * {@code {_id, v: 2, lastId, bracket, done, carried}}. A document of the first format ({@code lastId} and
     * {@code done} only) is read too.
     *
     * @throws IllegalStateException from {@link #load()} if the stored bracket disagrees with the stored {@code _id}'s
     *     type, or the format is newer than this version understands
     */
    static Checkpoint stored(MongoCollection<BsonDocument> collection, String step) {
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(step, "step");
        BsonDocument id = new BsonDocument("_id", new BsonString(step));
        return new Checkpoint() {
            @Override
            public @Nullable Position load() {
                BsonDocument doc = collection.find(id).first();
                if (doc == null || !doc.containsKey("lastId")) {
                    return null;
                }
                int version = doc.getNumber("v", new BsonInt32(1)).intValue();
                if (version > FORMAT) {
                    throw new IllegalStateException("checkpoint " + step + " in " + collection.getNamespace()
                            + " has format " + version + "; this version reads up to " + FORMAT);
                }
                BsonValue lastId = doc.get("lastId");
                String bracket = BsonOrder.bracket(lastId).storedName();
                if (doc.containsKey("bracket") && !doc.getString("bracket").getValue().equals(bracket)) {
                    throw new IllegalStateException("checkpoint " + step + " in " + collection.getNamespace()
                            + " records bracket " + doc.get("bracket") + " for a lastId of bracket " + bracket);
                }
                return new Position(lastId, doc.getNumber("done", new BsonInt64(0)).longValue(),
                        doc.getDocument("carried", new BsonDocument()));
            }

            @Override
            public void save(Position position) {
                collection.replaceOne(id, state(position), new ReplaceOptions().upsert(true));
            }

            @Override
            public void save(ClientSession session, Position position) {
                collection.replaceOne(session, id, state(position), new ReplaceOptions().upsert(true));
            }

            private BsonDocument state(Position p) {
                return id.clone().append("v", new BsonInt32(FORMAT)).append("lastId", p.lastId())
                        .append("bracket", new BsonString(p.bracket())).append("done", new BsonInt64(p.done()))
                        .append("carried", p.carried());
            }

            @Override
            public void clear() {
                collection.deleteOne(id);
            }
        };
    }

    /** The format of stored checkpoints. */
    int FORMAT = 2;
}
