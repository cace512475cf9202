package dev.tenantry.examples.migration;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.steps.Step;
import java.util.Set;

/**
 * Seed 2, contract: {@code userId} removed from bookings and the customer fields from users, which then hold
 * authentication data only. It refuses to start unless the expansion verifies clean; it removes only values its
 * customers hold, archiving the rest to {@code users_archive} with the user's {@code _id}, so nothing is lost.
 */
public final class ContractUsers implements Migration {

    @Override
    public String id() {
        return "0003-contract-users";
    }

    @Override
    public long version() {
        return 3;
    }

    @Override
    public String description() {
        return "userId off bookings; customer fields off users";
    }

    @Override
    public Set<String> reads() {
        return Seed2Steps.CONTRACT_READS;
    }

    @Override
    public void execute(MigrationContext ctx) {
        Seed2Steps.expanded(ctx.database()).run().assertClean();
        new Seed2Steps(ctx).contract();
    }

    @Override
    public MigrationReport verify(MigrationContext ctx) {
        return Seed2Steps.contracted(ctx.database()).run().toMigrationReport();
    }

    @Override
    public Plan plan(MigrationContext ctx) {
        return Step.plan(new Seed2Steps(ctx).contractSteps());
    }
}
