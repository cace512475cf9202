package dev.tenantry.examples.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.tenantry.migration.MigrationRunner;
import dev.tenantry.migration.MigrationState;
import dev.tenantry.migration.MigrationStatus;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.verify.VerificationReport;
import dev.tenantry.testing.MongoTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seeds' migration examples do what their documentation says. */
@MongoTest
class MigrationExamplesIT {

    private final MongoClient client;
    private final MongoDatabase database;

    MigrationExamplesIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @BeforeEach
    void drop() {
        database.drop();
    }

    @Test
    void theSeed2ScriptMigratesVerifiesCatchesAPlantedReferenceAndRollsBack(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path backup = Files.createDirectory(dir.resolve("backup"));
        VerificationReport report = InsecureToIsolated.run(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                null, backup);
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(report.passed(), report.toString());
        assertTrue(out.contains("0002-expand-customers (version 2): EXECUTED"), out);
        assertTrue(out.contains("0003-contract-users (version 3): EXECUTED"), out);
        assertTrue(out.matches("(?s).*business-0 looking up business-1's customer \\w+ by id finds: nothing.*"), out);
        assertTrue(out.matches("(?s).*FAILED +1 +bookings.customerId -> customers: same businessId.*"), out);
        assertTrue(out.contains("customers collection present: false"), out);
        assertFalse(Files.exists(backup), "the script removes its backup");
    }

    @Test
    void theSeed1MigrationCreatesTheCollectionsAndTheFieldOnceAndPlansFirst() {
        database.getCollection("organizations").insertMany(List.of(new Document("_id", "acme"),
                new Document("_id", "globex").append("deleteScheduledAt", null), new Document("_id", "initech")));
        MigrationRunner runner = MigrationRunner.builder(client, database.getName())
                .migrations(new EnterpriseInfrastructure()).build();

        Map<String, Plan> plan = runner.plan();
        assertEquals(Map.of("collections to create", 3L, "organizations to add deleteScheduledAt", 2L),
                plan.get("0001-enterprise-infrastructure").counts());
        assertFalse(database.listCollectionNames().into(new HashSet<>()).contains("AuditLog"), "the plan writes nothing");

        List<MigrationStatus> ran = runner.migrate();
        assertEquals(MigrationState.EXECUTED, ran.get(0).state());
        Set<String> collections = database.listCollectionNames().into(new HashSet<>());
        assertTrue(collections.containsAll(EnterpriseInfrastructure.COLLECTIONS), collections.toString());
        for (String name : EnterpriseInfrastructure.COLLECTIONS) {
            assertTrue(database.getCollection(name).listIndexes().into(new ArrayList<>()).size() > 1, name);
        }
        assertEquals(3, database.getCollection("organizations").countDocuments(Filters.exists("deleteScheduledAt")));
        assertEquals(3, database.getCollection("organizations").countDocuments(Filters.eq("deleteScheduledAt", null)));

        assertTrue(runner.migrate().isEmpty(), "a second run has nothing to do");
    }
}
