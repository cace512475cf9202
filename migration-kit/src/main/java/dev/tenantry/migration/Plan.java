package dev.tenantry.migration;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a migration would touch, from a dry run: counts by name, e.g. {@code "customers to create" -> 1200}.
 *
 * @param counts the counts, in the order they were added
 * @since 0.1
 */
public record Plan(Map<String, Long> counts) {

    private static final Plan EMPTY = new Plan(Map.of());

    /** Copies {@code counts}, keeping their order. */
    public Plan {
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(counts, "counts")));
    }

    /** A plan that touches nothing. */
    public static Plan empty() {
        return EMPTY;
    }

    /** A plan with one count. */
    public static Plan of(String name, long count) {
        return empty().with(name, count);
    }

    /** This plan plus {@code count} under {@code name} (added to any count already there). */
    public Plan with(String name, long count) {
        Map<String, Long> copy = new LinkedHashMap<>(counts);
        copy.merge(Objects.requireNonNull(name, "name"), count, Long::sum);
        return new Plan(copy);
    }
}
