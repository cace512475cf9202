package dev.tenantry.collection.internal;

import dev.tenantry.TenantId;
import dev.tenantry.collection.WriteEvent;
import dev.tenantry.collection.WriteEvent.Kind;
import dev.tenantry.collection.WriteListener;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Turns acknowledged writes into {@link WriteEvent}s for a collection's listeners. Costs nothing when a collection
 * has none. Summaries name operators and fields, never values.
 */
final class WriteNotifier {

    private static final int MAX_NAMES = 12;

    private final String collection;
    private final List<WriteListener> listeners;

    WriteNotifier(String collection, List<WriteListener> listeners) {
        this.collection = collection;
        this.listeners = listeners;
    }

    boolean active() {
        return !listeners.isEmpty();
    }

    void emit(TenantId tenant, Kind kind, @Nullable BsonValue id, @Nullable String summary) {
        WriteEvent event = new WriteEvent(collection, tenant, kind, id, summary);
        for (WriteListener listener : listeners) {
            listener.onWrite(event);
        }
    }

    void inserted(TenantId tenant, List<BsonDocument> documents) {
        for (BsonDocument document : documents) {
            emit(tenant, Kind.INSERT, document.get("_id"), null);
        }
    }

    /**
     * After an update, replacement or delete by filter.
     *
     * @param matched documents matched (deleted, for deletes); -1 where unknown (unacknowledged, bulk)
     */
    void applied(TenantId tenant, Kind kind, BsonDocument filter, @Nullable BsonValue upsertedId, long matched,
                 @Nullable String change) {
        if (upsertedId != null) {
            emit(tenant, Kind.INSERT, upsertedId, join("upserted", change));
            return;
        }
        if (matched == 0) {
            return; // nothing was written
        }
        BsonValue id = idOf(filter);
        if (id != null) {
            emit(tenant, kind, id, change);
        } else {
            emit(tenant, kind, null, join(change, "filter on " + names(filterFields(filter))
                    + (matched > 0 ? ", " + matched + " matched" : "")));
        }
    }

    /** The {@code _id} a filter pins down, if it names exactly one. */
    static @Nullable BsonValue idOf(BsonDocument filter) {
        BsonValue id = filter.get("_id");
        if (id != null) {
            if (!id.isDocument()) {
                return id;
            }
            BsonDocument operator = id.asDocument();
            if (operator.size() == 1 && operator.containsKey("$eq")) {
                return operator.get("$eq");
            }
        }
        BsonValue and = filter.get("$and");
        if (and != null && and.isArray()) {
            for (BsonValue clause : and.asArray()) {
                if (clause.isDocument()) {
                    BsonValue found = idOf(clause.asDocument());
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    private static Set<String> filterFields(BsonDocument filter) {
        Set<String> fields = new LinkedHashSet<>();
        for (Map.Entry<String, BsonValue> entry : filter.entrySet()) {
            if ("$and".equals(entry.getKey()) && entry.getValue().isArray()) {
                for (BsonValue clause : entry.getValue().asArray()) {
                    if (clause.isDocument()) {
                        fields.addAll(filterFields(clause.asDocument()));
                    }
                }
            } else {
                fields.add(entry.getKey());
            }
        }
        return fields;
    }

    /** {@code "$set name, email; $inc count"}. */
    static String describeUpdate(BsonDocument update) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, BsonValue> operator : update.entrySet()) {
            parts.add(operator.getKey() + (operator.getValue().isDocument()
                    ? " " + names(operator.getValue().asDocument().keySet()) : ""));
        }
        return String.join("; ", parts);
    }

    /** {@code "pipeline $set total; $unset draft"}. */
    static String describePipeline(List<BsonDocument> stages) {
        List<String> parts = new ArrayList<>();
        for (BsonDocument stage : stages) {
            String name = stage.getFirstKey();
            BsonValue spec = PlainBson.firstValue(stage);
            parts.add(name + (spec.isDocument() ? " " + names(spec.asDocument().keySet())
                    : spec.isString() ? " " + spec.asString().getValue() : ""));
        }
        return "pipeline " + String.join("; ", parts);
    }

    private static String names(Set<String> names) {
        List<String> shown = new ArrayList<>();
        for (String name : names) {
            if (shown.size() == MAX_NAMES) {
                shown.add("+" + (names.size() - MAX_NAMES) + " more");
                break;
            }
            shown.add(name);
        }
        return String.join(", ", shown);
    }

    private static @Nullable String join(@Nullable String first, @Nullable String second) {
        if (first == null) {
            return second;
        }
        return second == null ? first : first + "; " + second;
    }
}
