package dev.tenantry.collection;

import static com.mongodb.client.model.Filters.eq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.TenantryException;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TenantDatabase#asMongoDatabase()}: the driver's {@code MongoDatabase} and {@code MongoCollection} over core's
 * scoping, as frameworks written against the driver use them. Scoping itself is TenantCollection's (tested there and
 * through Spring Data in the starter); here, what the driver's API has beyond it: database-level work, collection DDL,
 * declared indexes asked for again, and system scope.
 */
@MongoTest
class DriverViewIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final MongoClient client;
    private final MongoDatabase database;
    private final String prefix = "dv" + Integer.toString((int) (System.nanoTime() & 0xFFFFF), 36) + "_";

    DriverViewIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @AfterEach
    void dropAll() {
        database.drop();
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            client.getDatabase(prefix + tenant.value()).drop();
        }
    }

    private TenantDatabase registry(IsolationStrategy strategy) {
        return TenantDatabase.builder(client, database.getName()).tenantDatabasePrefix(prefix)
                .collection("customers", strategy)
                .index("customers", Indexes.ascending("email"), new IndexOptions().unique(true)).build();
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void registeredCollectionsAreScopedAndInsertsGetTheirIdBack(IsolationStrategy strategy) {
        MongoDatabase db = registry(strategy).asMongoDatabase();
        MongoCollection<Document> customers = db.getCollection("customers");
        Document mine = new Document("email", "a@acme.test");
        Tenants.run(ACME, () -> customers.insertOne(mine));
        assertNotNull(mine.get("_id"), "the generated _id is set on the caller's document, as the driver does");
        Tenants.run(GLOBEX, () -> customers.insertOne(new Document("email", "g@globex.test")));
        Tenants.run(ACME, () -> {
            assertEquals(List.of("a@acme.test"), customers.find().map(d -> d.getString("email"))
                    .into(new ArrayList<>()));
            assertEquals(0, customers.countDocuments(eq("tenantId", "globex")));
            assertEquals(0, customers.updateMany(eq("email", "g@globex.test"), Updates.set("x", 1))
                    .getMatchedCount());
            assertThrows(TenantViolationException.class, () -> customers.updateMany(new Document(),
                    Updates.set("tenantId", "globex")));
        });
        assertThrows(MissingTenantException.class, () -> customers.find().first());
        assertEquals("customers", customers.getNamespace().getCollectionName());
    }

    @Test
    void databaseLevelWorkIsRefusedInATenantAndWithoutOneAndRunsInSystemScope() {
        MongoDatabase db = registry(IsolationStrategy.SHARED).asMongoDatabase();
        List<Consumer<MongoDatabase>> work = List.of(d -> d.runCommand(new Document("ping", 1)),
                d -> d.aggregate(List.of()), d -> d.watch(), d -> d.listCollections(),
                d -> d.createCollection("other"), d -> d.getCollection("unregistered"), MongoDatabase::drop);
        for (Consumer<MongoDatabase> refused : work) {
            TenantViolationException e = assertThrows(TenantViolationException.class,
                    () -> Tenants.run(ACME, () -> refused.accept(db)));
            assertTrue(e.getMessage().contains("acme") && e.getMessage().contains("runAsSystem"), e.getMessage());
            assertThrows(MissingTenantException.class, () -> refused.accept(db));
        }
        Tenants.runAsSystem("test: database-level work", () -> {
            assertEquals(1.0, db.runCommand(new Document("ping", 1)).get("ok", Number.class).doubleValue());
            db.getCollection("unregistered").insertOne(new Document("x", 1));
            assertTrue(db.listCollectionNames().into(new ArrayList<>()).contains("unregistered"));
        });
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void aTenantListsTheLogicalNamesOfTheRegisteredCollectionsItHas(IsolationStrategy strategy) {
        TenantDatabase registry = TenantDatabase.builder(client, database.getName()).tenantDatabasePrefix(prefix)
                .collection("customers", strategy).collection("orders", strategy).build();
        MongoDatabase db = registry.asMongoDatabase();
        assertEquals(List.of(), Tenants.call(ACME, () -> db.listCollectionNames().into(new ArrayList<>())));
        Tenants.run(GLOBEX, () -> db.getCollection("orders").insertOne(new Document("n", 1)));
        Tenants.run(ACME, () -> db.getCollection("customers").insertOne(new Document("n", 1)));
        Tenants.runAsSystem("test: a collection no tenant may see", () -> db.getCollection("unregistered")
                .insertOne(new Document("x", 1)));

        List<String> acme = Tenants.call(ACME, () -> db.listCollectionNames().into(new ArrayList<>()));
        List<String> globex = Tenants.call(GLOBEX, () -> db.listCollectionNames().into(new ArrayList<>()));
        if (strategy == IsolationStrategy.SHARED) {
            // a shared collection exists for every tenant once it exists
            assertEquals(List.of("customers", "orders"), acme);
            assertEquals(List.of("customers", "orders"), globex);
        } else {
            assertEquals(List.of("customers"), acme, "only acme's own; never globex's or a physical name");
            assertEquals(List.of("orders"), globex);
        }
        assertEquals(acme.get(0), Tenants.call(ACME, () -> db.listCollectionNames().first()));
        assertEquals(List.of(acme.get(0).length()), Tenants.call(ACME, () -> db.listCollectionNames()
                .map(String::length).into(new ArrayList<>())).subList(0, 1));

        com.mongodb.client.ListCollectionNamesIterable built = Tenants.call(ACME, db::listCollectionNames);
        assertThrows(TenantViolationException.class, () -> Tenants.run(GLOBEX, () -> built.first()),
                "bound to the tenant it was built for");
        assertThrows(MissingTenantException.class, () -> built.into(new ArrayList<>()));
        assertThrows(MissingTenantException.class, db::listCollectionNames);
        UnsupportedOperationException filter = assertThrows(UnsupportedOperationException.class,
                () -> Tenants.run(ACME, () -> db.listCollectionNames().filter(eq("name", "customers"))));
        assertTrue(filter.getMessage().contains("logical names"), filter.getMessage());
        Tenants.runAsSystem("test: the database's own listing", () -> assertTrue(db.listCollectionNames()
                .into(new ArrayList<>()).contains("unregistered")));
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void collectionDdlIsRefusedInATenantScope(IsolationStrategy strategy) {
        MongoCollection<Document> customers = registry(strategy).asMongoDatabase().getCollection("customers");
        Tenants.run(ACME, () -> {
            customers.insertOne(new Document("email", "a@acme.test"));
            assertThrows(TenantViolationException.class, customers::drop);
            assertThrows(TenantViolationException.class, () -> customers.renameCollection(
                    new MongoNamespace(database.getName(), "renamed")));
            assertThrows(TenantViolationException.class, () -> customers.listSearchIndexes().first());
            assertEquals(1, customers.countDocuments());
        });
    }

    @Test
    void aSharedCollectionDroppedInSystemScopeGetsItsDeclaredIndexesBackOnNextUse() {
        TenantDatabase registry = registry(IsolationStrategy.SHARED);
        MongoCollection<Document> customers = registry.asMongoDatabase().getCollection("customers");
        Tenants.run(ACME, () -> customers.insertOne(new Document("email", "a@acme.test")));
        Tenants.runAsSystem("test: drop the shared collection", () -> {
            assertEquals(1, customers.countDocuments(), "no tenant open: the shared collection of every tenant");
            customers.drop();
        });
        Tenants.run(ACME, () -> customers.insertOne(new Document("email", "a@acme.test")));
        List<String> names = database.getCollection("customers").listIndexes().map(i -> i.getString("name"))
                .into(new ArrayList<>());
        assertTrue(names.contains("email_1"), "declared index created again: " + names);
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void askingForADeclaredIndexNeedsNoTenantAndCreatesNothing(IsolationStrategy strategy) {
        MongoCollection<Document> customers = registry(strategy).asMongoDatabase().getCollection("customers");
        // What a framework's automatic index creation does at start-up, with no tenant.
        assertEquals("email_1", customers.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true)));
        assertEquals(List.of(), database.listCollectionNames().into(new ArrayList<>()), "nothing was created");
        // Another index is still schema work, refused without a tenant.
        assertThrows(TenantryException.class, () -> customers.createIndex(Indexes.ascending("name")));
    }

    @Test
    void inSystemScopeWithoutATenantWritesOfWholeDocumentsAskForOne() {
        MongoCollection<Document> customers = registry(IsolationStrategy.SHARED).asMongoDatabase()
                .getCollection("customers");
        Tenants.run(ACME, () -> customers.insertOne(new Document("email", "a@acme.test")));
        Tenants.runAsSystem("test: cross-tenant writes", () -> {
            List<Runnable> creating = List.of(() -> customers.insertOne(new Document("email", "x")),
                    () -> customers.insertMany(List.of(new Document("email", "x"))),
                    () -> customers.replaceOne(new Document(), new Document("email", "x")),
                    () -> customers.findOneAndReplace(new Document(), new Document("email", "x")),
                    () -> customers.updateOne(eq("email", "new"), Updates.set("x", 1),
                            new com.mongodb.client.model.UpdateOptions().upsert(true)),
                    () -> customers.bulkWrite(List.of(new com.mongodb.client.model.InsertOneModel<>(
                            new Document("email", "x")))));
            for (Runnable write : creating) {
                MissingTenantException e = assertThrows(MissingTenantException.class, write::run);
                assertTrue(e.getMessage().contains("no tenant owns"), e.getMessage());
            }
            // Cross-tenant updates and reads are the system scope's job; inside a tenant, inserts are stamped.
            assertEquals(1, customers.updateMany(new Document(), Updates.set("checked", true)).getModifiedCount());
            Tenants.run(GLOBEX, () -> customers.insertOne(new Document("email", "g@globex.test")));
            assertEquals(2, customers.countDocuments());
        });
        assertEquals(2, database.getCollection("customers").countDocuments(new Document("tenantId",
                new Document("$in", List.of("acme", "globex")))), "every document belongs to a tenant");
    }
}
