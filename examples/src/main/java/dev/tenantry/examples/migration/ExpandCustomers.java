package dev.tenantry.examples.migration;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.steps.Step;

/**
 * Seed 2, expand: a {@code customers} collection (email unique per business), one customer per (user, business)
 * the user booked with, every booking given its business and re-pointed at its customer, and the Tenantry tenant id
 * on both. Nothing is removed, so the old code keeps working until {@link ContractUsers}.
 */
public final class ExpandCustomers implements Migration {

    @Override
    public String id() {
        return "0002-expand-customers";
    }

    @Override
    public long version() {
        return 2;
    }

    @Override
    public String description() {
        return "a customer per (user, business); bookings re-pointed from userId to customerId";
    }

    @Override
    public void execute(MigrationContext ctx) {
        new Seed2Steps(ctx).expand();
    }

    @Override
    public MigrationReport verify(MigrationContext ctx) {
        return Seed2Steps.expanded(ctx.database()).run().toMigrationReport();
    }

    @Override
    public Plan plan(MigrationContext ctx) {
        return Step.plan(new Seed2Steps(ctx).expandSteps());
    }
}
