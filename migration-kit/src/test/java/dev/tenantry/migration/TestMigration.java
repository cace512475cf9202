package dev.tenantry.migration;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** A configurable migration for tests; counts its executions and rollbacks. */
final class TestMigration implements Migration {

    final AtomicInteger executions = new AtomicInteger();
    final AtomicInteger rollbacks = new AtomicInteger();
    private final String id;
    private final long version;
    private Consumer<MigrationContext> execute = ctx -> { };
    private Consumer<MigrationContext> rollback = ctx -> {
        throw new UnsupportedOperationException("no rollback");
    };
    private Function<MigrationContext, MigrationReport> verify = ctx -> MigrationReport.ok();
    private Function<MigrationContext, Plan> plan = ctx -> Plan.empty();
    private @Nullable String fingerprint;
    private @Nullable List<String> order;
    private java.util.Set<String> reads = java.util.Set.of();

    TestMigration(String id, long version) {
        this.id = id;
        this.version = version;
    }

    TestMigration onExecute(Consumer<MigrationContext> step) {
        this.execute = step;
        return this;
    }

    TestMigration onRollback(Consumer<MigrationContext> step) {
        this.rollback = step;
        return this;
    }

    TestMigration onVerify(Function<MigrationContext, MigrationReport> step) {
        this.verify = step;
        return this;
    }

    TestMigration onPlan(Function<MigrationContext, Plan> step) {
        this.plan = step;
        return this;
    }

    TestMigration fingerprint(String value) {
        this.fingerprint = value;
        return this;
    }

    TestMigration reads(String... collections) {
        this.reads = java.util.Set.of(collections);
        return this;
    }

    @Override
    public java.util.Set<String> reads() {
        return reads;
    }

    TestMigration recordInto(List<String> order) {
        this.order = order;
        return this;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public String description() {
        return "test migration " + id;
    }

    @Override
    public void execute(MigrationContext ctx) {
        executions.incrementAndGet();
        if (order != null) {
            order.add(id);
        }
        execute.accept(ctx);
    }

    @Override
    public MigrationReport verify(MigrationContext ctx) {
        return verify.apply(ctx);
    }

    @Override
    public void rollback(MigrationContext ctx) {
        rollbacks.incrementAndGet();
        rollback.accept(ctx);
    }

    @Override
    public Plan plan(MigrationContext ctx) {
        return plan.apply(ctx);
    }

    @Override
    public String fingerprint() {
        return fingerprint != null ? fingerprint : Migration.super.fingerprint();
    }
}
