package dev.tenantry.migration.steps;

import dev.tenantry.migration.batch.Batches;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * What a step run counts besides its writes: the documents it could not resolve (those of the page being prepared
 * first, then settled by the step's {@link OnUnresolved} policy), its own counts and its conflicts. Saved with every
 * checkpoint ({@link Batches.Carried}), so a resumed step reports every run. Used by the thread that prepares pages.
 */
final class StepState implements Batches.Carried {

    private long unresolved;
    private final List<StepReport.Unresolved> samples = new ArrayList<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final List<Conflict> conflicts = new ArrayList<>();
    /** The page's documents that could not be resolved, in order, not yet settled. */
    private final Map<BsonValue, Miss> page = new LinkedHashMap<>();

    /**
     * Why a document cannot be resolved.
     *
     * @param category the kind of reason, the same for every document it concerns, e.g. {@code "no services
     *     document (serviceId)"}
     * @param reason the reason for this document, naming the values involved
     */
    record Miss(String category, String reason) {
    }

    /** Records that document {@code id} of the page being prepared cannot be resolved, and why (first reason wins). */
    void miss(BsonValue id, Miss miss) {
        page.putIfAbsent(id, miss);
    }

    /** As {@link #miss(BsonValue, Miss)}, with a reason that is its own category. */
    void miss(BsonValue id, String reason) {
        miss(id, new Miss(reason, reason));
    }

    /** Whether document {@code id} of the page being prepared was recorded as unresolved. */
    boolean missed(BsonValue id) {
        return page.containsKey(id);
    }

    /** The page's unresolved documents with their reasons, then forgets them. */
    Map<BsonValue, Miss> takePage() {
        Map<BsonValue, Miss> out = new LinkedHashMap<>(page);
        page.clear();
        return out;
    }

    /** Counts {@code id} as left alone. */
    void leftAlone(BsonValue id, String reason) {
        unresolved++;
        if (samples.size() < StepReport.MAX_SAMPLES) {
            samples.add(new StepReport.Unresolved(id, reason));
        }
    }

    void count(String name, long n) {
        counts.merge(name, n, Long::sum);
    }

    void conflict(Conflict conflict) {
        count(StepReport.CONFLICTS, 1);
        if (conflicts.size() < StepReport.MAX_SAMPLES) {
            conflicts.add(conflict);
        }
    }

    long unresolved() {
        return unresolved;
    }

    List<StepReport.Unresolved> samples() {
        return samples;
    }

    Map<String, Long> counts() {
        return counts;
    }

    List<Conflict> conflicts() {
        return conflicts;
    }

    @Override
    public BsonDocument snapshot() {
        BsonArray saved = new BsonArray();
        samples.forEach(u -> saved.add(new BsonDocument("id", u.id()).append("reason", new BsonString(u.reason()))));
        BsonDocument savedCounts = new BsonDocument();
        counts.forEach((k, v) -> savedCounts.append(k, new BsonInt64(v)));
        BsonArray savedConflicts = new BsonArray();
        for (Conflict c : conflicts) {
            savedConflicts.add(new BsonDocument("tenant", c.tenant()).append("values", c.values())
                    .append("source", c.source()).append("grouping", c.grouping()).append("existing", c.existing())
                    .append("existingSource", c.existingSource() == null ? BsonNull.VALUE : c.existingSource())
                    .append("resolution", new BsonString(c.resolution().name())));
        }
        return new BsonDocument("unresolved", new BsonInt64(unresolved)).append("samples", saved)
                .append("counts", savedCounts).append("conflicts", savedConflicts);
    }

    @Override
    public void restore(BsonDocument saved) {
        unresolved = saved.getNumber("unresolved", new BsonInt64(0)).longValue();
        samples.clear();
        for (BsonValue v : saved.getArray("samples", new BsonArray())) {
            samples.add(new StepReport.Unresolved(saved(v.asDocument(), "id"),
                    v.asDocument().getString("reason").getValue()));
        }
        counts.clear();
        saved.getDocument("counts", new BsonDocument()).forEach((k, v) -> counts.put(k, v.asNumber().longValue()));
        conflicts.clear();
        for (BsonValue v : saved.getArray("conflicts", new BsonArray())) {
            BsonDocument c = v.asDocument();
            BsonValue existingSource = c.get("existingSource");
            conflicts.add(new Conflict(saved(c, "tenant"), c.getDocument("values"), saved(c, "source"),
                    saved(c, "grouping"), saved(c, "existing"),
                    existingSource == null || existingSource.isNull() ? null : existingSource,
                    OnConflict.valueOf(c.getString("resolution").getValue())));
        }
    }

    /** A field this state saved itself, so present. */
    private static BsonValue saved(BsonDocument document, String field) {
        return Objects.requireNonNull(document.get(field), field);
    }
}
