package dev.tenantry.migration.steps;

import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.Plan;

/** Seed 2 as one migration, composed as the package javadoc shows. */
final class Seed2Migration implements Migration {

    private final int batchSize;

    Seed2Migration(int batchSize) {
        this.batchSize = batchSize;
    }

    @Override
    public String id() {
        return "0002-split-customers";
    }

    @Override
    public long version() {
        return 2;
    }

    @Override
    public String description() {
        return "a customer per (user, business); bookings point at customers; users keep authentication only";
    }

    @Override
    public void execute(MigrationContext ctx) {
        Seed2Steps steps = new Seed2Steps(ctx.database(), batchSize).in(ctx);
        steps.expand();
        Seed2Steps.expanded(ctx.database()).run().assertClean(); // nothing is removed unless the expansion is clean
        steps.contract();
    }

    @Override
    public MigrationReport verify(MigrationContext ctx) {
        return Seed2Steps.contracted(ctx.database()).run().toMigrationReport();
    }

    @Override
    public Plan plan(MigrationContext ctx) {
        return new Seed2Steps(ctx.database(), batchSize).in(ctx).plan();
    }
}
