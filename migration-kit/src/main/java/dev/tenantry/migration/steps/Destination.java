package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.BsonDocument;
import org.jspecify.annotations.Nullable;

/**
 * Where the values an {@link Unset} removes are kept: documents of another collection that hold the same values,
 * found either by a back-reference to the stripped document ({@link #by}: customers whose {@code userId} is the
 * user's {@code _id}) or through a reference the stripped document holds ({@link #via}: the customer a booking's
 * {@code customerId} names). A removed value is kept when one of those documents holds it in the same-named field,
 * or in the fields {@link #field} names (an array field holding it counts). Immutable.
 *
 * <pre>{@code
 * Destination.of(customers).by("userId", "mergedFrom")               // a user's customers
 * Destination.of(customers).via("customerId").field("userId", "userId", "mergedFrom")
 * }</pre>
 *
 * @since 0.1
 */
public final class Destination {

    private final MongoCollection<BsonDocument> collection;
    private final List<String> backReferences;
    private final @Nullable String localKey;
    private final Map<String, List<String>> fields;

    private Destination(MongoCollection<BsonDocument> collection, List<String> backReferences,
            @Nullable String localKey, Map<String, List<String>> fields) {
        this.collection = collection;
        this.backReferences = List.copyOf(backReferences);
        this.localKey = localKey;
        this.fields = Map.copyOf(fields);
    }

    /**
     * Values kept in documents of {@code collection}; say how they are found with {@link #by} or {@link #via}.
     *
     * @param collection e.g. customers
     * @return the destination, to configure
     */
    public static Destination of(MongoCollection<BsonDocument> collection) {
        return new Destination(Objects.requireNonNull(collection, "collection"), List.of(), null, Map.of());
    }

    /**
     * The destination documents are those whose field {@code backReference} (or one of {@code more}) holds the
     * stripped document's {@code _id}, as a value or in an array.
     *
     * @param backReference e.g. {@code "userId"}
     * @param more further fields, e.g. {@code "mergedFrom"}
     * @return a destination found that way
     * @throws IllegalArgumentException if a field is not a usable field path
     */
    public Destination by(String backReference, String... more) {
        List<String> refs = new ArrayList<>(List.of(Fields.check("backReference", backReference)));
        for (String r : more) {
            refs.add(Fields.check("backReference", r));
        }
        return new Destination(collection, refs, null, fields);
    }

    /**
     * The destination document is the one whose {@code _id} the stripped document's {@code localKey} holds.
     *
     * @param localKey e.g. {@code "customerId"}
     * @return a destination found that way
     * @throws IllegalArgumentException if it is not a usable field path
     */
    public Destination via(String localKey) {
        return new Destination(collection, List.of(), Fields.check("localKey", localKey), fields);
    }

    /**
     * The value of the removed field {@code removed} is kept in one of {@code destinationFields} of the destination
     * document (by default, in its same-named field).
     *
     * @param removed a field the unset removes
     * @param destinationFields the destination's fields that may hold its value
     * @return a destination with that mapping
     * @throws IllegalArgumentException if a field is not a usable field path, or none is given
     */
    public Destination field(String removed, String... destinationFields) {
        Fields.check("removed", removed);
        if (destinationFields.length == 0) {
            throw new IllegalArgumentException("field(" + removed + ") needs at least one destination field");
        }
        List<String> to = new ArrayList<>();
        for (String f : destinationFields) {
            to.add(Fields.check("destinationField", f));
        }
        Map<String, List<String>> copy = new LinkedHashMap<>(fields);
        copy.put(removed, List.copyOf(to));
        return new Destination(collection, backReferences, localKey, copy);
    }

    MongoCollection<BsonDocument> collection() {
        return collection;
    }

    String name() {
        return collection.getNamespace().getCollectionName();
    }

    List<String> backReferences() {
        return backReferences;
    }

    @Nullable String localKey() {
        return localKey;
    }

    /** The destination fields that may hold {@code removed}'s value. */
    List<String> fieldsFor(String removed) {
        return fields.getOrDefault(removed, List.of(removed));
    }

    /** Every destination field a look-up reads. */
    List<String> projected(List<String> removed) {
        List<String> out = new ArrayList<>(backReferences);
        for (String f : removed) {
            for (String d : fieldsFor(f)) {
                if (!out.contains(d)) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    /**
     * Checks that the destination says how it is found.
     *
     * @throws IllegalStateException if neither {@link #by} nor {@link #via} was given
     */
    Destination validated() {
        if (backReferences.isEmpty() && localKey == null) {
            throw new IllegalStateException("destination " + name() + " needs by(backReference) or via(localKey)");
        }
        return this;
    }

    @Override
    public String toString() {
        return name() + (localKey != null ? " via " + localKey : " by " + String.join("/", backReferences));
    }
}
