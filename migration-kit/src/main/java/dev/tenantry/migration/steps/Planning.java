package dev.tenantry.migration.steps;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonValue;

/**
 * What the steps planned before the one being planned will have done by the time it runs, as far as a dry run can
 * follow: the documents they remove from a collection (quarantined, by {@code _id}), which later steps leave out of
 * their counts, and the collections they write otherwise, which later steps' counts then depend on.
 */
final class Planning {

    /** The most removed {@code _id}s a plan follows per collection; past it, later counts just depend on the step. */
    static final int MAX_REMOVED = 10_000;

    private final Map<String, Set<BsonValue>> removed = new HashMap<>();
    private final Map<String, Set<String>> writers = new LinkedHashMap<>();
    private final Set<String> overflowed = new HashSet<>();

    /** Nothing planned before. */
    static Planning alone() {
        return new Planning();
    }

    /** The {@code _id}s earlier steps remove from {@code collection} (normal form); empty if none. */
    Set<BsonValue> removed(String collection) {
        return removed.getOrDefault(collection, Set.of());
    }

    /** Records that {@code step} removes {@code ids} from {@code collection}. */
    void remove(String collection, String step, List<BsonValue> ids) {
        Set<BsonValue> set = removed.computeIfAbsent(collection, c -> new LinkedHashSet<>());
        set.addAll(ids);
        if (set.size() > MAX_REMOVED) {
            set.clear();
            overflowed.add(collection);
            wrote(collection, step);
        }
    }

    /** Records that {@code step} writes {@code collection} in ways later counts cannot follow. */
    void wrote(String collection, String step) {
        writers.computeIfAbsent(collection, c -> new LinkedHashSet<>()).add(step);
    }

    /** The earlier steps that write {@code collection} in ways its counts do not follow. */
    Set<String> writersOf(String collection) {
        return writers.getOrDefault(collection, Set.of());
    }
}
