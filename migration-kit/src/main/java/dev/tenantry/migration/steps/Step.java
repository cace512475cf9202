package dev.tenantry.migration.steps;

import dev.tenantry.migration.Plan;
import java.util.Map;

/**
 * A step of a data migration that can say, with reads only, what it would touch. Each primitive of this package is
 * one; {@link #plan(Step...)} adds up a migration's steps for its {@link dev.tenantry.migration.Migration#plan dry
 * run}.
 *
 * @since 0.1
 */
public interface Step {

    /** The step's name: its checkpoint's key in a migration run, and its name in logs and reports. */
    String name();

    /**
     * What the step would touch now, counted with reads only (nothing is written, no collection or index is
     * created), under human labels such as {@code "customers to create"}.
     *
     * @return the counts, in a stable order
     */
    Plan plan();

    /**
     * The plans of {@code steps}, in order, in one {@link Plan}; counts under the same label are added.
     *
     * @param steps the steps, each planned once
     * @return the combined plan
     */
    static Plan plan(Step... steps) {
        Plan plan = Plan.empty();
        for (Step step : steps) {
            for (Map.Entry<String, Long> count : step.plan().counts().entrySet()) {
                plan = plan.with(count.getKey(), count.getValue());
            }
        }
        return plan;
    }
}
