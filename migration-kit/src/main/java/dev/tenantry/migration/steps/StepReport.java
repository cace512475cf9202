package dev.tenantry.migration.steps;

import dev.tenantry.migration.batch.BatchReport;
import dev.tenantry.migration.internal.BsonValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.bson.BsonValue;

/**
 * What a data step did: the {@link BatchReport} of its writes; the documents it left alone because a relation they
 * need could not be resolved or a value could not be derived (a booking whose service is missing, a user that does
 * not exist); its own counts, e.g. {@value #QUARANTINED}, {@value #VALUES_KEPT}, {@value #VALUES_ARCHIVED}; and the
 * uniqueness conflicts it met. A step resumed from a checkpoint reports every run since it started. Immutable.
 *
 * @param batch what the batched writes did (documents read, written, refused)
 * @param unresolved how many documents were left alone for want of a relation or a derived value
 * @param samples the first of those (at most {@value #MAX_SAMPLES}), each with its reason
 * @param counts the step's own counts, by name
 * @param conflicts the first uniqueness conflicts (at most {@value #MAX_SAMPLES}); {@value #CONFLICTS} counts all
 * @since 0.1
 */
public record StepReport(BatchReport batch, long unresolved, List<Unresolved> samples, Map<String, Long> counts,
                         List<Conflict> conflicts) {

    /** How many unresolved documents (and conflicts) a report names. */
    public static final int MAX_SAMPLES = 100;
    /** Count: documents moved to the quarantine collection. */
    public static final String QUARANTINED = "quarantined";
    /** Count: uniqueness conflicts met. */
    public static final String CONFLICTS = "conflicts";
    /** Count: conflicts the step stopped at (left undone). */
    public static final String CONFLICTS_STOPPED = "conflicts stopped";
    /** Count: removed values found in their destination. */
    public static final String VALUES_KEPT = "values kept";
    /** Count: removed values archived with their source's {@code _id}. */
    public static final String VALUES_ARCHIVED = "values archived";
    /** Count: removed values destroyed, as allowed. */
    public static final String VALUES_DISCARDED = "values discarded";
    /** Count: values not removed because they exist nowhere else. */
    public static final String VALUES_REFUSED = "values refused";

    /** Copies the values. */
    public StepReport {
        Objects.requireNonNull(batch, "batch");
        samples = List.copyOf(samples);
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        conflicts = List.copyOf(conflicts);
    }

    /** The step's name. */
    public String step() {
        return batch.step();
    }

    /** The count {@code name}, 0 if the step has none. */
    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    /** How many documents were moved to quarantine. */
    public long quarantined() {
        return count(QUARANTINED);
    }

    /**
     * Whether the step did all its work: every document resolved (or quarantined), every write accepted, no conflict
     * left undone, no value kept back for want of a place to keep it.
     */
    public boolean clean() {
        return unresolved == 0 && batch.failed() == 0 && count(CONFLICTS_STOPPED) == 0 && count(VALUES_REFUSED) == 0;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(batch.step()).append(": read ").append(batch.read()).append(" in ")
                .append(batch.batches()).append(" batches, inserted ").append(batch.inserted()).append(", upserted ")
                .append(batch.upserted()).append(", modified ").append(batch.modified());
        if (batch.deleted() > 0) {
            out.append(", deleted ").append(batch.deleted());
        }
        out.append(", refused ").append(batch.failed()).append(", unresolved ").append(unresolved);
        if (!counts.isEmpty()) {
            out.append(", ").append(counts.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %d", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", ")));
        }
        if (!samples.isEmpty()) {
            out.append(" (first unresolved: ").append(samples.get(0)).append(')');
        }
        if (!conflicts.isEmpty()) {
            out.append(" (first conflict: ").append(conflicts.get(0)).append(')');
        }
        if (!batch.failures().isEmpty()) {
            out.append(" (first refused: ").append(batch.failures().get(0)).append(')');
        }
        return out.toString();
    }

    /**
     * A document a step left alone (or quarantined).
     *
     * <p>Thread-safe to read and share; its id is one of the driver's mutable BSON values, which must not be changed.
     *
     * @param id the document's {@code _id}
     * @param reason why, e.g. {@code "no services document with _id 42 (serviceId)"}
     */
    public record Unresolved(BsonValue id, String reason) {

        /** Checks the values. */
        public Unresolved {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return BsonValues.show(id) + ": " + reason;
        }
    }
}
