package dev.tenantry.examples.migration;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.steps.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Seed 2, expand: a {@code customers} collection (email unique per business), bookings whose service or user is gone
 * quarantined, one customer per (user, business) the user booked with (twins sharing an email at one business
 * merged), every booking given its business and re-pointed at its customer, and the Tenantry tenant id on both.
 * Nothing is removed, so the old code keeps working until {@link ContractUsers}. It reads the seed's four
 * collections, so the runner refuses it on a database that lacks them.
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
    public Set<String> reads() {
        return Seed2Steps.EXPAND_READS;
    }

    @Override
    public void execute(MigrationContext ctx) {
        new Seed2Steps(ctx).expand();
    }

    @Override
    public MigrationReport verify(MigrationContext ctx) {
        List<String> problems = new ArrayList<>(Seed2Steps.expanded(ctx.database()).run().toMigrationReport()
                .problems());
        problems.addAll(Seed2Steps.tenants(ctx.database()).run().toMigrationReport().problems());
        return new MigrationReport(problems);
    }

    @Override
    public Plan plan(MigrationContext ctx) {
        return Step.plan(new Seed2Steps(ctx).expandSteps());
    }
}
