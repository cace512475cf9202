package dev.tenantry.migration.steps;

import dev.tenantry.migration.Plan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A step of a data migration that can say, with reads only, what it would do. Each primitive of this package is
 * one; {@link #plan(Step...)} plans a migration's steps in order for its {@link dev.tenantry.migration.Migration#plan
 * dry run}.
 *
 * <p>Planning and running a step happen on the calling thread; a step instance is not meant to be run by two threads at
 * once.
 *
 * @since 0.1
 */
public interface Step {

    /** The step's name: its checkpoint's key in a migration run, and its name in logs, plans and reports. */
    String name();

    /** The collections the step reads, its own included. */
    Set<String> reads();

    /** The collections the step writes (its quarantine or archive included). */
    Set<String> writes();

    /**
     * What the step would do now, counted with reads only (nothing is written, no collection or index is created):
     * its plan line, with counts under human labels such as {@code "customers to create"}, and the failures it can
     * predict (values that cannot be derived, uniqueness conflicts, values that would be lost).
     *
     * @return the step's line
     */
    Plan.Line plan();

    /**
     * The plan of {@code steps}, a line each, in order, counted as if each ran after the ones before it as far as a
     * dry run can follow: documents an earlier step quarantines are left out of later counts; a line whose step
     * reads a collection an earlier step writes otherwise says so ({@link Plan.Line#dependsOn()}), and predicts no
     * failure that the earlier step's writes could prevent.
     *
     * @param steps the steps, in the order they run
     * @return the plan
     */
    static Plan plan(Step... steps) {
        Planning planning = Planning.alone();
        List<Plan.Line> lines = new ArrayList<>();
        for (Step step : steps) {
            Plan.Line line = step instanceof BatchedStep<?> b ? b.plan(planning) : step.plan();
            Set<String> earlier = new LinkedHashSet<>();
            for (String read : step.reads()) {
                for (String writer : planning.writersOf(read)) {
                    if (!writer.equals(step.name())) {
                        earlier.add(writer + " (writes " + read + ")");
                    }
                }
            }
            for (String writer : earlier) {
                line = line.dependingOn(writer);
            }
            lines.add(line);
            // Creating a collection or its indexes changes no count; only steps that write documents are waited for.
            if (!(step instanceof EnsureCollection) && line.counts().values().stream().anyMatch(n -> n > 0)) {
                for (String written : step.writes()) {
                    if (!(step instanceof Quarantine q && q.collectionName().equals(written))) {
                        planning.wrote(written, step.name());
                    }
                }
            }
        }
        return new Plan(lines, List.of());
    }
}
