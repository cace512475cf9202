package dev.tenantry.migration.steps;

import dev.tenantry.migration.batch.BatchReport;
import dev.tenantry.migration.internal.BsonValues;
import java.util.List;
import java.util.Objects;
import org.bson.BsonValue;

/**
 * What a data step did: the {@link BatchReport} of its writes, and the documents it left alone because a relation
 * they need could not be resolved (a booking whose service is missing, a user that does not exist). Neither refused
 * writes nor unresolved documents stop a step; both are here to be printed or asserted on. Immutable.
 *
 * @param batch what the batched writes did (documents read, written, refused)
 * @param unresolved how many documents were left alone for want of a relation
 * @param samples the first of those (at most {@value #MAX_SAMPLES}), each with its reason
 * @since 0.1
 */
public record StepReport(BatchReport batch, long unresolved, List<Unresolved> samples) {

    /** How many unresolved documents a report names. */
    public static final int MAX_SAMPLES = 100;

    /** Copies the samples. */
    public StepReport {
        Objects.requireNonNull(batch, "batch");
        samples = List.copyOf(samples);
    }

    /** The step's name. */
    public String step() {
        return batch.step();
    }

    /** Whether every document read was resolved and every write accepted. */
    public boolean clean() {
        return unresolved == 0 && batch.failed() == 0;
    }

    @Override
    public String toString() {
        return batch.step() + ": read " + batch.read() + " in " + batch.batches() + " batches, inserted "
                + batch.inserted() + ", upserted " + batch.upserted() + ", modified " + batch.modified()
                + ", refused " + batch.failed() + ", unresolved " + unresolved
                + (samples.isEmpty() ? "" : " (first: " + samples.get(0) + ")");
    }

    /**
     * A document a step left alone.
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
