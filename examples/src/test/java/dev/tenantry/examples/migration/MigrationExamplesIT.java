package dev.tenantry.examples.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.tenantry.migration.MigrationRunner;
import dev.tenantry.migration.MigrationState;
import dev.tenantry.migration.MigrationStatus;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.verify.VerificationReport;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.seeds.Seed2Dataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
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
        System.out.println(out);

        assertTrue(report.passed(), report.toString());
        assertTrue(out.contains("refused: migration 0002-expand-customers (version 2) reads bookings, businesses,"
                + " services, users, which database seed2example_typo does not have"), out);
        assertTrue(out.contains("collections in seed2example_typo: []"), out);
        assertTrue(out.contains("0002-expand-customers (version 2): EXECUTED"), out);
        assertTrue(out.contains("0003-contract-users (version 3): EXECUTED"), out);
        assertTrue(out.contains("quarantine-orphans: quarantined:"), out);
        assertTrue(out.contains("split-customers: conflicts: 1"), out);
        assertTrue(out.contains("ok               0  users: removed values kept or in users_archive"), out);
        assertTrue(out.matches("(?s).*business-0 looking up business-1's customer \\w+ by id finds: nothing.*"), out);
        assertTrue(out.matches("(?s).*FAILED +1 +bookings.customerId -> customers: same businessId.*"), out);
        assertTrue(out.contains("customers collection present: false; quarantine present: false"), out);
        assertFalse(Files.exists(backup), "the script removes its backup");
    }

    /** The values of a document at {@code path}, or of its elements when it is an array. */
    private static boolean holds(@Nullable Object value, Object wanted) {
        return value instanceof List<?> list ? list.contains(wanted) : Objects.equals(value, wanted);
    }

    @Test
    void onTheAwkwardDatasetTheSeed2MigrationsDoWhatTheyPlannedVerifyCleanAndLoseNoValue() {
        Seed2Dataset.Awkward awkward = Seed2Dataset.createAwkward(database, 10, 300, 900, 11L);
        Map<Object, Document> users = new HashMap<>();
        database.getCollection("users").find().forEach(u -> users.put(u.get("_id"), u));
        Map<Object, Document> bookings = new HashMap<>();
        database.getCollection("bookings").find().forEach(b -> bookings.put(b.get("_id"), b));
        MigrationRunner runner = MigrationRunner.builder(client, database.getName())
                .migrations(new ExpandCustomers(), new ContractUsers()).build();

        Map<String, Plan> plans = runner.plan();
        Plan expand = plans.get("0002-expand-customers");
        assertEquals(List.of("ensure customers", "quarantine-orphans", "split-customers", "repoint-bookings",
                "customers-tenant", "bookings-tenant"), expand.lines().stream().map(Plan.Line::step).toList(),
                "a line per step");
        assertFalse(expand.predictsFailure(), expand.toString());
        long toQuarantine = count(expand.line("quarantine-orphans"), "bookings to quarantine");
        assertEquals(awkward.orphanedBookings().size(), toQuarantine, expand.toString());
        long toCreate = count(expand.line("split-customers"), "customers to create");
        assertEquals(1, count(expand.line("split-customers"), "customers merged into another"), expand.toString());
        Plan contract = plans.get("0003-contract-users");
        assertFalse(contract.predictsFailure(), "counted before the expand ran, it says so instead: " + contract);
        assertTrue(contract.notes().stream().anyMatch(n -> n.contains("runs after pending 0002-expand-customers")),
                contract.toString());
        assertEquals(List.of(), database.listCollectionNames().into(new ArrayList<>()).stream()
                .filter(n -> !List.of("businesses", "services", "users", "bookings").contains(n)).toList(),
                "the plan wrote nothing");

        List<MigrationStatus> ran = runner.migrate();
        assertEquals(List.of(MigrationState.EXECUTED, MigrationState.EXECUTED),
                ran.stream().map(MigrationStatus::state).toList(), ran.toString());
        Map<String, Long> counts = ran.get(0).counts();
        assertEquals(toQuarantine, counts.get("quarantine-orphans: quarantined"), counts.toString());
        assertEquals(toCreate, database.getCollection("customers").countDocuments(), "as many customers as planned");
        VerificationReport verified = Seed2Steps.contracted(database).run();
        assertTrue(verified.passed(), verified.toString());

        // every booking is in bookings, pointing at a customer of its own business made from its user, or in
        // quarantine as it was
        MongoCollection<Document> customers = database.getCollection("customers");
        Map<Object, Document> customerById = new HashMap<>();
        customers.find().forEach(c -> customerById.put(c.get("_id"), c));
        Map<Object, Object> businessOfService = new HashMap<>();
        database.getCollection("services").find().forEach(sv -> businessOfService.put(sv.get("_id"),
                sv.get("businessId")));
        for (Document before : bookings.values()) {
            Document now = database.getCollection("bookings").find(Filters.eq("_id", before.get("_id"))).first();
            if (awkward.orphanedBookings().contains(before.get("_id"))) {
                assertNull(now);
                Document q = database.getCollection("bookings_quarantine").find(Filters.eq("_id", before.get("_id")))
                        .first();
                assertEquals(before, q.get("document", Document.class), "quarantined whole");
                continue;
            }
            assertNotNull(now, "booking " + before.get("_id"));
            Document customer = customerById.get(now.get("customerId"));
            assertEquals(businessOfService.get(before.get("serviceId")), customer.get("businessId"));
            assertEquals(customer.get("tenantId"), now.get("tenantId"));
            assertTrue(holds(customer.get("userId"), before.get("userId"))
                    || holds(customer.get("mergedFrom"), before.get("userId")), "the booking's own user");
        }
        // every profile value of every user lives on in one of its customers, or in the archive
        Map<Object, Document> archived = new HashMap<>();
        database.getCollection("users_archive").find().forEach(a -> archived.put(a.get("_id"), a));
        long values = 0;
        for (Document user : users.values()) {
            for (String field : Seed2Steps.CUSTOMER_FIELDS) {
                Object value = user.get(field);
                if (value == null) {
                    continue;
                }
                values++;
                Object id = user.get("_id");
                boolean kept = customerById.values().stream().anyMatch(c -> (holds(c.get("userId"), id)
                        || holds(c.get("mergedFrom"), id)) && value.equals(c.get(field)));
                Document archive = archived.get(id);
                boolean inArchive = archive != null && archive.get("values", Document.class) != null
                        && value.equals(archive.get("values", Document.class).get(field));
                assertTrue(kept || inArchive, field + " of user " + id + " is lost");
            }
        }
        assertTrue(values > 1000, "the dataset has values to keep: " + values);

        // the awkward cases, one by one
        List<Document> twinCustomers = customers.find(Filters.and(Filters.eq("businessId", awkward.twinsBusiness()),
                Filters.eq("email", "twin@example.com"))).into(new ArrayList<>());
        assertEquals(1, twinCustomers.size(), "the twins share one customer");
        assertEquals(List.of(awkward.twins().get(1)), twinCustomers.get(0).get("mergedFrom"));
        for (Object staff : awkward.staffWhoBookedElsewhere()) {
            assertEquals(1, customers.countDocuments(Filters.eq("userId", staff)), "staff who booked get a customer");
        }
        for (Object legacy : awkward.stringIdUsers()) {
            assertTrue(customers.countDocuments(Filters.eq("userId", legacy)) > 0, "string ids are split too");
        }
        for (Object never : awkward.usersWithoutBookings()) {
            assertEquals(0, customers.countDocuments(Filters.eq("userId", never)));
            assertNotNull(archived.get(never), "their profile is archived, not lost");
        }
        String hex = ((org.bson.types.ObjectId) awkward.businessWithoutSlug()).toHexString();
        assertTrue(customers.countDocuments(Filters.eq("tenantId", hex)) > 0, "a business without a slug is a tenant"
                + " by its id");
        assertEquals(0, customers.countDocuments(Filters.eq("tenantId", null)));
        for (Object missing : awkward.usersMissingFields()) {
            assertTrue(customers.countDocuments(Filters.eq("userId", missing)) > 0);
        }
        assertEquals("Unknown Customer", customers.find(Filters.eq("userId", awkward.usersMissingFields().get(0)))
                .first().getString("name"), "a user without a name gets the default");
        assertTrue(runner.migrate().isEmpty(), "a second run has nothing to do");
    }

    private static long count(Plan.Line line, String prefix) {
        return line.counts().entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(
                Map.Entry::getValue).sum();
    }

    @Test
    void theSeed1MigrationCreatesTheCollectionsAndTheFieldOnceAndPlansFirst() {
        database.getCollection("organizations").insertMany(List.of(new Document("_id", "acme"),
                new Document("_id", "globex").append("deleteScheduledAt", null), new Document("_id", "initech")));
        MigrationRunner runner = MigrationRunner.builder(client, database.getName())
                .migrations(new EnterpriseInfrastructure()).build();

        Map<String, Plan> plan = runner.plan();
        assertEquals(Map.of("collections to create", 3L, "organizations without deleteScheduledAt", 2L),
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
