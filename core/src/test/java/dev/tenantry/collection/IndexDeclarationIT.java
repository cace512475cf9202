package dev.tenantry.collection;

import static com.mongodb.client.model.Filters.eq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoWriteException;
import com.mongodb.client.ListIndexesIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Indexes are schema: declared on the registry and created by the library (a shared collection's once, each tenant's
 * own when first used or created), never changed from a tenant's scope on a shared collection; and no error a tenant
 * can see quotes another tenant's values.
 */
@MongoTest
class IndexDeclarationIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final MongoBackend backend;
    private final MongoClient client;
    private final MongoDatabase database;
    private final String prefix = "ix" + Integer.toString((int) (System.nanoTime() & 0xFFFFF), 36) + "_";

    IndexDeclarationIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        this.backend = backend;
        this.client = client;
        this.database = database;
    }

    @AfterEach
    void dropAll() {
        database.drop();
        for (TenantId tenant : List.of(ACME, GLOBEX, TenantId.of("initech"))) {
            client.getDatabase(prefix + tenant.value()).drop();
        }
    }

    private TenantDatabase.Builder builder(IsolationStrategy strategy) {
        return TenantDatabase.builder(client, database.getName()).tenantDatabasePrefix(prefix)
                .collection("customers", strategy);
    }

    private Map<String, Document> indexes(TenantDatabase tdb, String logical, TenantId tenant) {
        MongoNamespace ns = tdb.namespaceFor(logical, tenant);
        return client.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName()).listIndexes()
                .into(new ArrayList<>()).stream().collect(Collectors.toMap(i -> i.getString("name"),
                        Function.identity()));
    }

    private static void assertRefusedPointingToTheDeclaration(Runnable ddl) {
        TenantViolationException e = assertThrows(TenantViolationException.class, ddl::run);
        assertTrue(e.getMessage().contains(".index(") && e.getMessage().contains("runAsSystem"), e.getMessage());
    }

    // ---------------------------------------------------------------- shared: no DDL from a tenant scope

    @Test
    void indexDdlOnASharedCollectionFromATenantScopeIsRefusedAndChangesNothing() {
        TenantDatabase tdb = builder(IsolationStrategy.SHARED).build();
        database.getCollection("customers").createIndex(Indexes.ascending("tenantId", "email"),
                new IndexOptions().unique(true).name("email_1"));
        TenantCollection<Document> customers = tdb.getCollection("customers");
        Tenants.run(GLOBEX, () -> customers.insertOne(new Document("email", "g@example.com")));
        Map<String, Document> before = indexes(tdb, "customers", ACME);
        Tenants.run(ACME, () -> {
            assertRefusedPointingToTheDeclaration(() -> customers.createIndex(Indexes.ascending("name"),
                    new IndexOptions().unique(true)));
            assertRefusedPointingToTheDeclaration(() -> customers.createIndex(Indexes.ascending("createdAt"),
                    new IndexOptions().expireAfter(0L, TimeUnit.SECONDS)));
            assertRefusedPointingToTheDeclaration(() -> customers.createIndex(Indexes.ascending("x"),
                    new IndexOptions().partialFilterExpression(eq("tenantId", "globex"))));
            assertRefusedPointingToTheDeclaration(() -> customers.createIndexes(List.of(
                    new IndexModel(Indexes.ascending("y")))));
            assertRefusedPointingToTheDeclaration(() -> customers.dropIndex("email_1"));
            assertRefusedPointingToTheDeclaration(() -> customers.dropIndex(Indexes.ascending("email")));
            assertRefusedPointingToTheDeclaration(customers::dropIndexes);
            assertRefusedPointingToTheDeclaration(customers::listIndexes);
            assertRefusedPointingToTheDeclaration(() -> customers.listIndexes(BsonDocument.class));
        });
        assertEquals(before, indexes(tdb, "customers", ACME));
        assertThrows(MissingTenantException.class, customers::listIndexes, "no tenant and no system scope");
    }

    @Test
    void adHocIndexDdlOnASharedCollectionRunsInSystemScopeAndKeepsTheRules() {
        TenantDatabase tdb = builder(IsolationStrategy.SHARED).build();
        TenantCollection<Document> customers = tdb.getCollection("customers");
        ListIndexesIterable<Document> listing = Tenants.callAsSystem("test: index maintenance", () -> {
            assertEquals("code_1", customers.createIndex(Indexes.ascending("code"), new IndexOptions().unique(true)));
            return customers.listIndexes();
        });
        assertEquals(new Document("tenantId", 1).append("code", 1), indexes(tdb, "customers", ACME).get("code_1")
                .get("key"), "keys lead with the tenant in system scope too");
        assertThrows(MissingTenantException.class, () -> listing.into(new ArrayList<>()),
                "a listing built in system scope runs only there");
        assertEquals(2, Tenants.callAsSystem("test", () -> listing.into(new ArrayList<>())).size());
        Tenants.runAsSystem("test: index maintenance", () -> customers.dropIndex(Indexes.ascending("code")));
        assertFalse(indexes(tdb, "customers", ACME).containsKey("code_1"));
    }

    // ---------------------------------------------------------------- declared: created by the library

    @Test
    void declaredIndexesOfASharedCollectionAreCreatedWithoutATenantAndOnceOnFirstUse() {
        AtomicInteger creates = new AtomicInteger();
        CommandListener counting = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if ("createIndexes".equals(event.getCommandName())) {
                    creates.incrementAndGet();
                }
            }
        };
        try (MongoClient counted = backend.newClient(s -> s.addCommandListener(counting))) {
            TenantDatabase tdb = TenantDatabase.builder(counted, database.getName())
                    .collection("customers", IsolationStrategy.SHARED, SoftDelete.retainFor(java.time.Duration.ZERO))
                    .index("customers", Indexes.ascending("email"), new IndexOptions().unique(true))
                    .index("customers", Indexes.compoundIndex(Indexes.ascending("a"), Indexes.descending("b")))
                    .index("customers", Indexes.ascending("createdAt"), new IndexOptions()
                            .expireAfter(30L, TimeUnit.DAYS))
                    .build();
            TenantCollection<Document> customers = tdb.getCollection("customers");
            List<dev.tenantry.SystemAccess> entries = new java.util.concurrent.CopyOnWriteArrayList<>();
            Tenants.Registration listening = tdb.addSystemScopeListener(entries::add);
            List<TenantId> uses = List.of(ACME, GLOBEX, ACME);
            for (int i = 0; i < uses.size(); i++) {
                String email = "user" + i + "@example.com";
                Tenants.run(uses.get(i), () -> {
                    customers.insertOne(new Document("email", email));
                    customers.countDocuments();
                });
            }
            listening.close();
            assertEquals(1, creates.get(), "a shared collection's indexes are created once, on first use");
            assertEquals(List.of(), entries, "schema work runs in system scope but touches no tenant's data, so the "
                    + "database has no access to report");
            Map<String, Document> made = indexes(tdb, "customers", ACME);
            assertEquals(new Document("tenantId", 1).append("email", 1).append("deletionKey", 1),
                    made.get("email_1").get("key"), "unique per tenant, and deleted documents do not block");
            assertEquals(new Document("tenantId", 1).append("a", 1).append("b", -1), made.get("a_1_b_-1").get("key"));
            assertEquals(new Document("createdAt", 1), made.get("createdAt_1").get("key"),
                    "a declared TTL index keeps its single key");
            assertEquals(List.of(new BsonDocument("tenantId", new BsonInt32(1)).append("email", new BsonInt32(1))
                    .append("deletionKey", new BsonInt32(1))), tdb.getIndexes("customers").stream()
                    .filter(i -> "email_1".equals(i.getOptions().getName())).map(IndexModel::getKeys)
                    .collect(Collectors.toList()));

            tdb.ensureIndexes(); // at start-up: no tenant, no system scope
            assertEquals(2, creates.get());
        }
    }

    @ParameterizedTest
    @EnumSource(value = IsolationStrategy.class, names = {"COLLECTION_PER_TENANT", "DATABASE_PER_TENANT"})
    void declaredIndexesOfPerTenantCollectionsAreCreatedWhenATenantIsCreatedOrFirstUsesThem(
            IsolationStrategy strategy) {
        TenantDatabase tdb = builder(strategy)
                .index("customers", Indexes.ascending("email"), new IndexOptions().unique(true)).build();
        TenantDirectory directory = TenantDirectory.builder(client, database.getName()).tenantDatabase(tdb).build();
        TenantId initech = TenantId.of("initech");
        directory.create(initech, "Initech", "free");
        assertEquals(new Document("tenantId", 1).append("email", 1),
                indexes(tdb, "customers", initech).get("email_1").get("key"),
                "created with the tenant, before any use (the case Spring Data cannot cover)");

        TenantCollection<Document> customers = tdb.getCollection("customers");
        Tenants.run(ACME, () -> customers.insertOne(new Document("email", "a@example.com")));
        assertTrue(indexes(tdb, "customers", ACME).containsKey("email_1"), "created on first use");
        assertFalse(indexes(tdb, "customers", GLOBEX).containsKey("email_1"), "not for tenants not used yet");
        tdb.ensureIndexes(GLOBEX);
        assertTrue(indexes(tdb, "customers", GLOBEX).containsKey("email_1"));

        MongoWriteException duplicate = assertThrows(MongoWriteException.class,
                () -> Tenants.run(ACME, () -> customers.insertOne(new Document("email", "a@example.com"))));
        assertEquals(ErrorCategory.DUPLICATE_KEY, duplicate.getError().getCategory());
        Tenants.run(ACME, () -> { // a tenant's own collection: index DDL acts on it alone
            customers.createIndex(Indexes.ascending("createdAt"), new IndexOptions().expireAfter(1L,
                    TimeUnit.DAYS));
            assertEquals(3, customers.listIndexes().into(new ArrayList<>()).size());
        });
        assertFalse(indexes(tdb, "customers", GLOBEX).containsKey("createdAt_1"));
    }

    @Test
    void declarationsAreCheckedWhenMadeAndCopied() {
        TenantDatabase.Builder builder = builder(IsolationStrategy.SHARED);
        IllegalArgumentException unregistered = assertThrows(IllegalArgumentException.class,
                () -> builder.index("orders", Indexes.ascending("x")));
        assertTrue(unregistered.getMessage().contains("orders"), unregistered.getMessage());
        IllegalArgumentException compoundTtl = assertThrows(IllegalArgumentException.class,
                () -> builder.index("customers", Indexes.ascending("a", "b"), new IndexOptions().expireAfter(1L,
                        TimeUnit.DAYS)));
        assertTrue(compoundTtl.getMessage().contains("TTL"), compoundTtl.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.index("customers", Indexes.ascending("a"),
                new IndexOptions().unique(true).expireAfter(1L, TimeUnit.DAYS)), "a unique TTL index is refused");
        assertThrows(IllegalArgumentException.class, () -> builder.index("customers", new Document()));
        BsonDocument keys = new BsonDocument("email", new BsonInt32(1));
        IndexOptions options = new IndexOptions().unique(true);
        builder.index("customers", keys, options);
        assertThrows(IllegalArgumentException.class, () -> builder.index("customers", Indexes.descending("email"),
                new IndexOptions().name("email_1")), "a second index of the same name");
        keys.put("other", new BsonInt32(1));
        options.unique(false).name("changed");
        IndexModel declared = builder.build().getIndexes("customers").get(0);
        assertEquals(new BsonDocument("tenantId", new BsonInt32(1)).append("email", new BsonInt32(1)),
                declared.getKeys(), "what was declared, not what the caller changed afterwards");
        assertTrue(declared.getOptions().isUnique());
        assertEquals("email_1", declared.getOptions().getName());
    }

    // ---------------------------------------------------------------- errors a tenant sees

    @Test
    void duplicateKeyErrorsOnASharedCollectionQuoteOnlyTheTenantsOwnWrite() {
        TenantDatabase tdb = builder(IsolationStrategy.SHARED)
                .index("customers", Indexes.ascending("email"), new IndexOptions().unique(true)).build();
        TenantCollection<Document> customers = tdb.getCollection("customers");
        Tenants.run(GLOBEX, () -> customers.insertOne(new Document("_id", "taken-id").append("name",
                "Globex's secret customer").append("email", "secret@globex.example")));
        Tenants.run(ACME, () -> customers.insertOne(new Document("email", "ann@acme.example")));
        List<MongoException> seen = new ArrayList<>();
        Tenants.run(ACME, () -> {
            seen.add(assertThrows(MongoWriteException.class, () -> customers.insertOne(
                    new Document("_id", "taken-id"))));
            seen.add(assertThrows(MongoBulkWriteException.class, () -> customers.insertMany(List.of(
                    new Document("_id", "taken-id")))));
            seen.add(assertThrows(MongoBulkWriteException.class, () -> customers.bulkWrite(List.of(
                    new InsertOneModel<>(new Document("_id", "taken-id"))))));
            seen.add(assertThrows(MongoWriteException.class, () -> customers.replaceOne(eq("_id", "taken-id"),
                    new Document("name", "mine"), new ReplaceOptions().upsert(true))));
            seen.add(assertThrows(MongoWriteException.class, () -> customers.updateOne(eq("_id", "taken-id"),
                    Updates.set("name", "mine"), new UpdateOptions().upsert(true))));
            seen.add(assertThrows(MongoException.class, () -> customers.findOneAndUpdate(eq("_id", "taken-id"),
                    Updates.set("name", "mine"), new FindOneAndUpdateOptions().upsert(true))));
        });
        for (MongoException e : seen) {
            assertEquals(ErrorCategory.DUPLICATE_KEY, category(e), e.toString());
            String everything = e.getMessage() + (e instanceof MongoCommandException
                    ? ((MongoCommandException) e).getResponse().toJson() : "");
            for (String theirs : List.of("globex", "Globex's secret customer", "secret@globex.example")) {
                assertFalse(everything.contains(theirs), "another tenant's value " + theirs + " in: " + everything);
            }
        }
        // on a tenant-leading unique index the colliding document is the tenant's own, and the error says which key
        MongoWriteException own = assertThrows(MongoWriteException.class,
                () -> Tenants.run(ACME, () -> customers.insertOne(new Document("email", "ann@acme.example"))));
        assertEquals(ErrorCategory.DUPLICATE_KEY, own.getError().getCategory());
        assertTrue(own.getError().getMessage().contains("ann@acme.example"), own.getError().getMessage());
        assertEquals("Globex's secret customer", Tenants.call(GLOBEX, () -> customers.find(eq("_id", "taken-id"))
                .first()).getString("name"));
    }

    private static ErrorCategory category(MongoException e) {
        if (e instanceof MongoWriteException) {
            return ((MongoWriteException) e).getError().getCategory();
        }
        if (e instanceof MongoBulkWriteException) {
            return ErrorCategory.fromErrorCode(((MongoBulkWriteException) e).getWriteErrors().get(0).getCode());
        }
        return ErrorCategory.fromErrorCode(e.getCode());
    }

    @Test
    void aDeclaredIndexThatFailsToBuildOnFirstUseTellsTheTenantNoOtherTenantsValues() {
        MongoCollection<Document> raw = database.getCollection("customers");
        raw.insertMany(List.of(new Document("tenantId", "globex").append("code", "globex-secret-code"),
                new Document("tenantId", "globex").append("code", "globex-secret-code")));
        TenantDatabase tdb = builder(IsolationStrategy.SHARED)
                .index("customers", Indexes.ascending("code"), new IndexOptions().unique(true)).build();
        TenantCollection<Document> customers = tdb.getCollection("customers");
        MongoException refused = assertThrows(MongoException.class,
                () -> Tenants.run(ACME, () -> customers.insertOne(new Document("code", "mine"))));
        assertEquals(ErrorCategory.DUPLICATE_KEY, ErrorCategory.fromErrorCode(refused.getCode()), refused.toString());
        assertFalse(refused.getMessage().contains("globex"), refused.getMessage());
        assertInstanceOf(MongoCommandException.class, refused);
        assertFalse(((MongoCommandException) refused).getResponse().toJson().contains("globex"));
        assertEquals(0, raw.countDocuments(eq("tenantId", "acme")), "nothing ran while the schema is not in place");
        MongoException atStartUp = assertThrows(MongoException.class, tdb::ensureIndexes);
        assertTrue(atStartUp.getMessage().contains("globex-secret-code") || atStartUp.getMessage().contains("dup"),
                "at start-up (no tenant) the server's own message is kept for the operator: " + atStartUp);
    }
}
