package dev.tenantry.migration.steps;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonValue;

/** The documents a step run left alone, counted, with the first few kept for its report. */
final class Misses {

    private long count;
    private final List<StepReport.Unresolved> samples = new ArrayList<>();

    void add(BsonValue id, String reason) {
        count++;
        if (samples.size() < StepReport.MAX_SAMPLES) {
            samples.add(new StepReport.Unresolved(id, reason));
        }
    }

    long count() {
        return count;
    }

    List<StepReport.Unresolved> samples() {
        return samples;
    }
}
