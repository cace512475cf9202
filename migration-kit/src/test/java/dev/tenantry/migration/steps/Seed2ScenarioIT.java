package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.sun.management.OperatingSystemMXBean;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tenantry.migration.verify.Check;
import dev.tenantry.migration.verify.VerificationReport;
import dev.tenantry.testing.MongoTest;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;

/**
 * Seed 2 at full size: 50 businesses, 10,000 users, 30,000 bookings; backfill, split, re-point, verify, contract,
 * verify; then planted violations are each reported. Randomized: the seed is printed, and {@code -Dtenantry.seed=N}
 * reruns one.
 */
@MongoTest
class Seed2ScenarioIT {

    private static final int BUSINESSES = 50;
    private static final int USERS = 10_000;
    private static final int BOOKINGS = 30_000;
    /**
     * Documents per batch. On the embedded server every page query of a step sorts all the documents still to go
     * (it has no index range scan), so a step's cost there grows with the number of pages; 5,000 keeps this test
     * near 40 s on a shared two-core machine (1,000 took about 70 s) and still gives six pages per step.
     */
    private static final int BATCH = 5000;

    private final MongoDatabase db;

    Seed2ScenarioIT(MongoDatabase db) {
        this.db = db;
    }

    @Test
    void theCustomerSplitIsolatesEveryBusinessAndTheVerifierCatchesEachPlantedViolation() {
        long seed = Long.getLong("tenantry.seed", System.nanoTime());
        System.out.println("Seed2ScenarioIT seed: " + seed + " (rerun with -Dtenantry.seed=" + seed + ")");
        long start = System.nanoTime();
        Seed2Data data = Seed2Data.generate(db, seed, BUSINESSES, USERS, BOOKINGS);
        lap("seeded", start);
        MongoCollection<BsonDocument> bookings = Seed2Data.collection(db, "bookings");
        MongoCollection<BsonDocument> customers = Seed2Data.collection(db, "customers");
        MongoCollection<BsonDocument> users = Seed2Data.collection(db, "users");
        Seed2Steps steps = new Seed2Steps(db, BATCH);

        steps.customers.run();
        StepReport backfill = steps.backfill.run();
        assertTrue(backfill.clean(), backfill::toString);
        assertEquals(BOOKINGS, backfill.batch().modified());
        lap("backfilled", start);
        StepReport split = steps.split.run();
        assertTrue(split.clean(), split::toString);
        assertEquals(data.pairs.size(), split.batch().upserted(), "one customer per distinct (user, business)");
        lap("split", start);
        StepReport repoint = steps.repoint.run();
        assertTrue(repoint.clean(), repoint::toString);
        assertEquals(BOOKINGS, repoint.batch().modified());
        lap("re-pointed", start);

        VerificationReport expanded = Seed2Steps.expanded(db)
                .reconcile("bookings before and after", BOOKINGS, bookings.countDocuments())
                .reconcile("customers and distinct (user, business) pairs", data.pairs.size(),
                        customers.countDocuments())
                .run();
        assertTrue(expanded.passed(), expanded::toString);
        lap("verified", start);

        Map<BsonValue, BsonDocument> customerById = new HashMap<>();
        Set<List<BsonValue>> customerPairs = new HashSet<>();
        for (BsonDocument c : customers.find()) {
            customerById.put(c.get("_id"), c);
            assertTrue(customerPairs.add(List.of(c.get("userId"), c.get("businessId"))), "one customer per pair");
            BsonDocument user = data.users.get(c.get("userId"));
            BsonValue name = user.get("name");
            String expectedName = name.isNull() || name.asString().getValue().isEmpty() ? "Unknown Customer"
                    : name.asString().getValue();
            assertEquals(expectedName, c.getString("name").getValue());
            for (String field : Seed2Data.COPIED) {
                if (!field.equals("name")) {
                    assertEquals(user.get(field), c.get(field), field + " of customer " + c.get("_id"));
                }
            }
            assertEquals(IdScheme.sha256().id(c.get("userId"), c.get("businessId")), c.get("_id"));
        }
        assertEquals(data.pairs, customerPairs);
        for (BsonDocument b : bookings.find()) {
            BsonValue business = data.businessOfBooking.get(b.get("_id"));
            assertEquals(business, b.get("businessId"), "backfilled from the service");
            BsonDocument customer = customerById.get(b.get("customerId"));
            assertNotNull(customer, "booking " + b.get("_id") + " points at a customer");
            assertEquals(business, customer.get("businessId"), "a customer of the booking's own business");
            assertEquals(data.userOfBooking.get(b.get("_id")), customer.get("userId"), "the booking's own user");
        }
        lap("checked by hand", start);

        steps.contract();
        lap("contracted", start);
        assertEquals(0, bookings.countDocuments(Filters.exists("userId")));
        for (String field : Seed2Data.CUSTOMER_ONLY) {
            assertEquals(0, users.countDocuments(Filters.exists(field)), field);
        }
        assertEquals(USERS, users.countDocuments(Filters.exists("email")), "users keep their authentication fields");
        VerificationReport contracted = Seed2Steps.contracted(db).run();
        assertTrue(contracted.passed(), contracted::toString);
        lap("verified after contract", start);

        List<BsonDocument> some = bookings.find().limit(3).into(new ArrayList<>());
        BsonDocument crossing = some.get(0);
        BsonDocument foreign = customers.find(Filters.ne("businessId", crossing.get("businessId"))).first();
        assertNotNull(foreign);
        bookings.updateOne(Filters.eq("_id", crossing.get("_id")), Updates.set("customerId", foreign.get("_id")));
        VerificationReport planted = Seed2Steps.contracted(db).run();
        System.out.print(planted);
        assertEquals(1, planted.failures().size(), planted::toString);
        Check cross = planted.check("bookings.customerId -> customers: same businessId");
        assertEquals(1, cross.violations());
        assertEquals(List.of(crossing.get("_id")), cross.samples());

        BsonDocument orphan = some.get(1);
        bookings.updateOne(Filters.eq("_id", orphan.get("_id")), Updates.set("customerId", new BsonObjectId()));
        BsonDocument first = customers.find().first();
        assertNotNull(first);
        BsonDocument twin = customers.find(Filters.and(Filters.eq("businessId", first.get("businessId")),
                Filters.ne("_id", first.get("_id")))).first();
        assertNotNull(twin);
        customers.dropIndex("email_1"); // a database whose unique index is missing lets a duplicate in
        customers.updateOne(Filters.eq("_id", twin.get("_id")), Updates.set("email", first.get("email")));
        VerificationReport all = Seed2Steps.contracted(db).run();
        System.out.print(all);
        assertEquals(3, all.failures().size(), all::toString);
        assertEquals(List.of(crossing.get("_id")),
                all.check("bookings.customerId -> customers: same businessId").samples());
        Check orphans = all.check("bookings.customerId -> customers: no orphans");
        assertEquals(1, orphans.violations());
        assertEquals(List.of(orphan.get("_id")), orphans.samples());
        Check unique = all.check("customers: email unique per businessId");
        assertEquals(1, unique.violations());
        assertEquals(Set.of(first.get("_id"), twin.get("_id")), Set.copyOf(unique.samples()));
        assertFalse(all.toMigrationReport().passed());
        assertNotEquals(new BsonString(""), first.get("email"));
        lap("planted violations reported", start);
    }

    /** Prints wall time and this JVM's CPU time (client and embedded server both), as the machine may be shared. */
    private static void lap(String what, long start) {
        double cpu = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getProcessCpuTime() / 1e9;
        System.out.printf("Seed2ScenarioIT: %s after %.1f s (JVM CPU %.1f s)%n", what,
                (System.nanoTime() - start) / 1e9, cpu);
    }
}
