package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.InvalidTenantIdException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * How physical names are derived (issue 16 §4): never a database MongoDB reserves, never over MongoDB's limits, and
 * always mapped back to the logical name and tenant they came from. No server is needed: nothing here connects.
 */
class PhysicalNamesTest {

    private static final MongoClient CLIENT = MongoClients.create(MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString("mongodb://localhost:1"))
            .applyToClusterSettings(c -> c.serverSelectionTimeout(1, TimeUnit.MILLISECONDS)).build());

    @AfterAll
    static void close() {
        CLIENT.close();
    }

    private static TenantDatabase.Builder builder(String database) {
        return TenantDatabase.builder(CLIENT, database);
    }

    @Test
    void aTenantWhoseDatabaseWouldBeReservedIsRefusedWhenFirstUsed() {
        TenantDatabase db = builder("main").tenantDatabasePrefix("a").collection("orders",
                IsolationStrategy.DATABASE_PER_TENANT).collection("notes").build();
        InvalidTenantIdException e = assertThrows(InvalidTenantIdException.class,
                () -> db.namespaceFor("orders", TenantId.of("dmin")));
        assertTrue(e.getMessage().contains("'dmin'") && e.getMessage().contains("'admin'")
                && e.getMessage().contains("prefix 'a'"), e.getMessage());
        TenantCollection<org.bson.Document> orders = db.getCollection("orders");
        assertThrows(InvalidTenantIdException.class, () -> Tenants.run(TenantId.of("dmin"), () -> orders.find()));
        assertEquals(new MongoNamespace("main", "notes"), db.namespaceFor("notes", TenantId.of("dmin")),
                "only its own database is refused");
        assertEquals("admin2", db.namespaceFor("orders", TenantId.of("dmin2")).getDatabaseName());
        assertEquals(Optional.empty(), db.tenantOf(new MongoNamespace("admin", "orders")),
                "the admin database is no tenant's");
        assertEquals(Optional.empty(), db.logicalNameOf(new MongoNamespace("admin", "orders")));

        for (String[] reserved : new String[][] {{"A", "dmin"}, {"loca", "l"}, {"Con", "fig"}, {"LOCAL_", null}}) {
            TenantDatabase other = builder("main").tenantDatabasePrefix(reserved[0])
                    .collection("orders", IsolationStrategy.DATABASE_PER_TENANT).build();
            if (reserved[1] != null) {
                assertThrows(InvalidTenantIdException.class,
                        () -> other.namespaceFor("orders", TenantId.of(reserved[1])), reserved[0] + reserved[1]);
            }
            assertNotNull(other.namespaceFor("orders", TenantId.of("acme")));
        }
    }

    @Test
    void aMainDatabaseMongoDbReservesIsRefused() {
        for (String reserved : List.of("admin", "local", "config", "Admin", "CONFIG")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder(reserved));
            assertTrue(e.getMessage().contains(reserved), e.getMessage());
        }
    }

    @Test
    void aMainDatabaseNamedAsATenantsDatabaseWouldBeIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder("app_acme")
                .tenantDatabasePrefix("app_").collection("orders", IsolationStrategy.DATABASE_PER_TENANT).build());
        assertTrue(e.getMessage().contains("'app_acme'") && e.getMessage().contains("'acme'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> builder("App_Acme").tenantDatabasePrefix("app_")
                .collection("orders", IsolationStrategy.DATABASE_PER_TENANT).build(), "names differing in case only");
        builder("app_acme").tenantDatabasePrefix("app_").collection("orders").build(); // no per-tenant databases
    }

    @Test
    void namespacesThatCouldExceedMongoDbsLimitsAreRefusedAtBuild() {
        String database = "app";
        // <database>.<logical>__<48-character tenant> may be 235 bytes: 3 + 1 + L + 2 + 48
        String longest = "c".repeat(235 - 3 - 1 - 2 - 48);
        builder(database).collection(longest, IsolationStrategy.COLLECTION_PER_TENANT).build();
        IllegalStateException tooLong = assertThrows(IllegalStateException.class, () -> builder(database)
                .collection(longest + "c", IsolationStrategy.COLLECTION_PER_TENANT).build());
        assertTrue(tooLong.getMessage().contains("236 bytes") && tooLong.getMessage().contains("235"),
                tooLong.getMessage());

        // bytes, not characters: 120 two-byte characters are 240 bytes
        IllegalStateException multiByte = assertThrows(IllegalStateException.class,
                () -> builder(database).collection("é".repeat(120)).build());
        assertTrue(multiByte.getMessage().contains("244 bytes"), multiByte.getMessage());
        builder(database).collection("é".repeat(115)).build(); // 3 + 1 + 230

        // <prefix><48-character tenant>.<logical>: 15 + 48 + 1 + L
        String perDatabase = "d".repeat(235 - 15 - 48 - 1);
        builder(database).tenantDatabasePrefix("p".repeat(15))
                .collection(perDatabase, IsolationStrategy.DATABASE_PER_TENANT).build();
        assertThrows(IllegalStateException.class, () -> builder(database).tenantDatabasePrefix("p".repeat(15))
                .collection(perDatabase + "d", IsolationStrategy.DATABASE_PER_TENANT).build());
        IllegalStateException prefix = assertThrows(IllegalStateException.class,
                () -> builder("a".repeat(15)).collection("x", IsolationStrategy.DATABASE_PER_TENANT).build());
        assertTrue(prefix.getMessage().contains("tenantDatabasePrefix"), prefix.getMessage());
    }

    @Test
    void aPerTenantCollectionNameEndingInTheSeparatorCharacterIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder("app")
                .collection("orders_", IsolationStrategy.COLLECTION_PER_TENANT));
        assertTrue(e.getMessage().contains("'orders_'") && e.getMessage().contains("'_'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder("app").collection("a__b"));
        builder("app").collection("orders_").collection("_orders", IsolationStrategy.COLLECTION_PER_TENANT)
                .collection("orders_x", IsolationStrategy.DATABASE_PER_TENANT).build();
    }

    /** Seeded: every derived name maps back to the logical name and tenant it came from, and no two coincide. */
    @Test
    void everyPhysicalNameMapsBackToItsLogicalNameAndTenant() {
        long seed = Long.getLong("tenantry.seed", System.nanoTime());
        System.out.println("PhysicalNamesTest seed=" + seed + " (replay with -Dtenantry.seed=" + seed + ")");
        Random random = new Random(seed);
        String alphabet = "abz09_-.AZ";
        for (int round = 0; round < 200; round++) {
            TenantDatabase.Builder builder = builder("app").tenantDatabasePrefix("t_");
            Map<String, IsolationStrategy> registered = new HashMap<>();
            while (registered.size() < 6) {
                String name = randomName(random, alphabet, 1 + random.nextInt(8));
                IsolationStrategy strategy = IsolationStrategy.values()[random.nextInt(3)];
                if (registered.containsKey(name) || name.startsWith("system.")) {
                    continue;
                }
                try {
                    builder.collection(name, strategy);
                    registered.put(name, strategy);
                } catch (IllegalArgumentException refused) {
                    // a name the rules refuse: it must be one that could not map back
                    boolean ambiguous = strategy == IsolationStrategy.COLLECTION_PER_TENANT && name.endsWith("_");
                    assertTrue(name.contains("__") || name.startsWith(".") || ambiguous,
                            "seed " + seed + ": refused '" + name + "': " + refused);
                }
            }
            TenantDatabase db = builder.build();
            Map<MongoNamespace, String> seen = new HashMap<>();
            List<TenantId> tenants = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String id = randomName(random, "ab09", 1) + randomName(random, "ab09_-", random.nextInt(6));
                tenants.add(TenantId.of(id));
            }
            for (Map.Entry<String, IsolationStrategy> e : registered.entrySet()) {
                for (TenantId tenant : tenants) {
                    MongoNamespace ns = db.namespaceFor(e.getKey(), tenant);
                    String where = "seed " + seed + ": " + e.getKey() + " (" + e.getValue() + ") of " + tenant
                            + " at " + ns;
                    assertEquals(Optional.of(e.getKey()), db.logicalNameOf(ns), where);
                    assertEquals(e.getValue() == IsolationStrategy.SHARED ? Optional.empty() : Optional.of(tenant),
                            db.tenantOf(ns), where);
                    String owner = e.getKey() + "/" + (e.getValue() == IsolationStrategy.SHARED ? "*" : tenant);
                    String before = seen.put(ns, owner);
                    assertTrue(before == null || before.equals(owner), where + " also holds " + before);
                }
            }
        }
    }

    private static String randomName(Random random, String alphabet, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
