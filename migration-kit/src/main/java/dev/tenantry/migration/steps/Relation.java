package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import java.util.Objects;
import org.bson.BsonDocument;

/**
 * A many-to-one link from the documents a step pages through to another collection: each document's
 * {@code localKey} holds the {@code _id} of a document of {@code collection}. In seed 2, bookings relate to services
 * by {@code serviceId}, and a booking's business is its service's {@code businessId}.
 *
 * <p>Steps resolve a relation once per page, with {@code $in} queries on {@code _id}; a document whose key is
 * missing, or names no document, is reported by the step, never guessed. Immutable.
 *
 * @param collection the related collection
 * @param localKey the field (a dotted path is allowed) of the paged documents holding the related {@code _id}
 * @since 0.1
 */
public record Relation(MongoCollection<BsonDocument> collection, String localKey) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if {@code localKey} is not a usable field path
     */
    public Relation {
        Objects.requireNonNull(collection, "collection");
        Fields.check("localKey", localKey);
    }

    /**
     * The relation from documents' {@code localKey} to {@code collection}'s {@code _id}.
     *
     * @throws IllegalArgumentException if {@code localKey} is not a usable field path
     */
    public static Relation of(MongoCollection<BsonDocument> collection, String localKey) {
        return new Relation(collection, localKey);
    }

    /** The related collection's name. */
    String name() {
        return collection.getNamespace().getCollectionName();
    }

    @Override
    public String toString() {
        return localKey + " -> " + name() + "._id";
    }
}
