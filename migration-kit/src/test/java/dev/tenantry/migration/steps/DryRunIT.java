package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.migration.MigrationRunner;
import dev.tenantry.migration.MigrationState;
import dev.tenantry.migration.MigrationStatus;
import dev.tenantry.migration.Plan;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dry run: every step's plan counts what it would touch ("N customers to create, M bookings to re-point, K users to
 * strip") with reads only; no write command reaches the server, alone or through the runner.
 */
@MongoTest
class DryRunIT {

    private static final List<String> WRITE_COMMANDS = List.of("insert", "update", "delete", "findAndModify",
            "create", "createIndexes", "drop", "dropIndexes", "dropDatabase", "renameCollection", "collMod");

    private final MongoClient client;
    private final MongoDatabase db;
    private Seed2Data data;

    DryRunIT(MongoClient client, MongoDatabase db) {
        this.client = client;
        this.db = db;
    }

    @BeforeEach
    void seed() {
        db.drop();
        data = Seed2Data.generate(db, 42, 5, 300, 900);
    }

    private static final String STRIP_USERS = "unset users.phone,company,country,address,city,state,zipCode";

    /** A line per step, in order; the steps that read what earlier ones write say so. */
    private void assertExpectedPlan(Plan plan) {
        assertEquals(List.of("ensure customers", "backfill bookings.businessId",
                "split users into customers by bookings.userId", "repoint bookings.customerId", "unset bookings.userId",
                STRIP_USERS), plan.lines().stream().map(Plan.Line::step).toList());
        assertEquals(Map.of("collections to create", 1L, "indexes to create", 1L),
                plan.line("ensure customers").counts());
        assertEquals(Map.of("bookings to backfill with businessId", 900L),
                plan.line("backfill bookings.businessId").counts());
        assertEquals(Map.of("customers to create", (long) data.pairs.size()),
                plan.line("split users into customers by bookings.userId").counts());
        assertEquals(Map.of("bookings to re-point", 900L), plan.line("repoint bookings.customerId").counts());
        assertEquals(Map.of("bookings to strip", 900L, "values to look for in customers", 900L),
                plan.line("unset bookings.userId").counts());
        assertEquals(Map.of("users to strip", data.usersWithCustomerFields(), "values to look for in customers",
                data.customerFieldValues()), plan.line(STRIP_USERS).counts());
        assertTrue(plan.line("repoint bookings.customerId").dependsOn().stream()
                .anyMatch(d -> d.startsWith("split users into customers")), plan.toString());
        assertTrue(plan.line(STRIP_USERS).dependsOn().stream()
                .anyMatch(d -> d.contains("(writes customers)")), plan.toString());
        assertTrue(plan.line("split users into customers by bookings.userId").dependsOn().stream()
                .anyMatch(d -> d.startsWith("backfill")), "it reads bookings, which the backfill writes");
        assertFalse(plan.predictsFailure(), plan.toString());
    }

    /** Runs {@code work} with a client that records every command's name, and returns the names. */
    private List<String> commandsOf(MongoBackend backend, Consumer<MongoClient> work) {
        List<String> commands = Collections.synchronizedList(new ArrayList<>());
        try (MongoClient watched = backend.newClient(settings -> settings.addCommandListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.add(event.getCommandName());
            }
        }))) {
            work.accept(watched);
        }
        return commands;
    }

    @Test
    void everyPlanCountsWhatItsStepWouldTouchAndSendsNoWrite(MongoBackend backend) {
        Map<String, List<Document>> before = Seed2Data.dump(db);
        Plan[] plan = new Plan[1];
        List<String> commands = commandsOf(backend,
                watched -> plan[0] = new Seed2Steps(watched.getDatabase(db.getName()), 50).plan());

        assertExpectedPlan(plan[0]);
        assertEquals(List.of(), commands.stream().filter(WRITE_COMMANDS::contains).toList(), commands.toString());
        assertTrue(commands.contains("aggregate") && commands.contains("find"), commands.toString());
        assertEquals(before, Seed2Data.dump(db), "no collection or document changed");
    }

    @Test
    void afterTheMigrationEveryPlanIsEmpty() {
        Seed2Steps steps = new Seed2Steps(db, 100);
        steps.expand();
        steps.contract();
        Plan plan = steps.plan();
        assertEquals(Map.of("collections to create", 0L, "indexes to create", 0L,
                "bookings to backfill with businessId", 0L, "customers to create", 0L, "bookings to re-point", 0L,
                "bookings to strip", 0L, "users to strip", 0L, "values kept in customers", 0L), plan.counts());
        assertTrue(plan.lines().stream().allMatch(l -> l.dependsOn().isEmpty()), "nothing left to wait for");
    }

    @Test
    void throughTheRunnerTheDryRunWritesNothingAndTheMigrationThenDoesWhatItPlanned(MongoBackend backend) {
        Map<String, List<Document>> before = Seed2Data.dump(db);
        Map<String, Plan> plans = new HashMap<>();
        List<String> commands = commandsOf(backend, watched -> plans.putAll(MigrationRunner.builder(watched,
                db.getName()).migrations(new Seed2Migration(100)).build().plan()));
        assertEquals(List.of("0002-split-customers"), List.copyOf(plans.keySet()));
        assertExpectedPlan(plans.get("0002-split-customers"));
        assertEquals(List.of(), commands.stream().filter(WRITE_COMMANDS::contains).toList(), commands.toString());
        assertEquals(before, Seed2Data.dump(db));

        List<MigrationStatus> ran = MigrationRunner.builder(client, db.getName())
                .migrations(new Seed2Migration(100)).build().migrate();
        assertEquals(MigrationState.EXECUTED, ran.get(0).state(), ran.toString());
        Map<String, Long> counts = ran.get(0).counts();
        assertEquals(data.pairs.size(), counts.get("split users into customers by bookings.userId: written"));
        assertEquals(900L, counts.get("repoint bookings.customerId: written"));
        assertEquals(data.usersWithCustomerFields(), counts.get("unset users.phone,company,country,address,city,"
                + "state,zipCode: written"));
        assertEquals(data.pairs.size(), db.getCollection("customers").countDocuments());
    }
}
