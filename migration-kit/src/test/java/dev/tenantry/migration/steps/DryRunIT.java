package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private Plan expectedPlan() {
        return Plan.of("collections to create", 1).with("indexes to create", 1)
                .with("bookings to backfill with businessId", 900)
                .with("customers to create", data.pairs.size())
                .with("bookings to re-point", 900)
                .with("bookings to strip", 900)
                .with("users to strip", data.usersWithCustomerFields());
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

        assertEquals(expectedPlan(), plan[0]);
        assertEquals(List.of(), commands.stream().filter(WRITE_COMMANDS::contains).toList(), commands.toString());
        assertTrue(commands.contains("aggregate") && commands.contains("find"), commands.toString());
        assertEquals(before, Seed2Data.dump(db), "no collection or document changed");
    }

    @Test
    void afterTheMigrationEveryPlanIsEmpty() {
        Seed2Steps steps = new Seed2Steps(db, 100);
        steps.expand();
        steps.contract();
        assertEquals(Plan.of("collections to create", 0).with("indexes to create", 0)
                .with("bookings to backfill with businessId", 0).with("customers to create", 0)
                .with("bookings to re-point", 0).with("bookings to strip", 0).with("users to strip", 0),
                steps.plan());
    }

    @Test
    void throughTheRunnerTheDryRunWritesNothingAndTheMigrationThenDoesWhatItPlanned(MongoBackend backend) {
        Map<String, List<Document>> before = Seed2Data.dump(db);
        Map<String, Plan> plans = new HashMap<>();
        List<String> commands = commandsOf(backend, watched -> plans.putAll(MigrationRunner.builder(watched,
                db.getName()).migrations(new Seed2Migration(100)).build().plan()));
        assertEquals(Map.of("0002-split-customers", expectedPlan()), plans);
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
