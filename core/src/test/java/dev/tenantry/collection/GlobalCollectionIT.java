package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Facet;
import com.mongodb.client.model.Indexes;
import dev.tenantry.ForbiddenStageException;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Global collections ({@code TenantDatabase.Builder.globalCollection}) through the driver view: unscoped in every
 * scope, and nothing run on them reaches tenant data outside system scope. The isolation probe on the client checks
 * every command independently.
 */
@MongoTest
class GlobalCollectionIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final MongoClient raw;
    private final MongoDatabase database;
    private final MongoClient client;
    private final IsolationProbe probe;
    private final MongoDatabase db;

    GlobalCollectionIT(MongoBackend backend, MongoClient raw, MongoDatabase database) {
        this.raw = raw;
        this.database = database;
        TenantDatabase.Builder forProbe = builder(raw);
        this.probe = forProbe.build().newIsolationProbe();
        this.client = backend.newClient(settings -> settings.addCommandListener(probe));
        this.db = builder(client).build().asMongoDatabase();
    }

    private TenantDatabase.Builder builder(MongoClient on) {
        return TenantDatabase.builder(on, database.getName()).collection("customers", IsolationStrategy.SHARED)
                .collection("orders", IsolationStrategy.COLLECTION_PER_TENANT).globalCollection("plans")
                .globalCollection("regions");
    }

    @BeforeEach
    void seed() {
        Tenants.run(ACME, () -> db.getCollection("customers").insertOne(new Document("name", "acme's").append("k", 1)));
        Tenants.run(GLOBEX, () -> db.getCollection("customers").insertOne(new Document("name", "globex's")
                .append("k", 1)));
        Tenants.run(GLOBEX, () -> db.getCollection("orders").insertOne(new Document("total", 9).append("k", 1)));
        database.getCollection("regions").insertOne(new Document("_id", "eu").append("k", 1));
        probe.reset();
    }

    @AfterEach
    void cleanUp() {
        probe.assertNoViolations();
        database.drop();
        client.close();
    }

    private Map<String, List<Document>> tenantData() {
        return Map.of("customers", database.getCollection("customers").find().into(new ArrayList<>()),
                "orders__globex", database.getCollection("orders__globex").find().into(new ArrayList<>()));
    }

    @Test
    void aGlobalCollectionServesEveryScopeWithoutATenant() {
        MongoCollection<Document> plans = db.getCollection("plans");
        // start-up: no tenant, no system scope, e.g. a framework creating the indexes of its entities
        assertEquals("name_1", plans.createIndex(Indexes.ascending("name")));
        plans.insertOne(new Document("name", "free").append("region", "eu"));
        Tenants.run(ACME, () -> {
            plans.insertOne(new Document("name", "pro").append("region", "eu"));
            assertEquals(2, plans.countDocuments());
            List<Document> joined = plans.aggregate(List.of(Aggregates.lookup("regions", "region", "_id", "r")))
                    .into(new ArrayList<>());
            assertEquals(2, joined.size());
            assertEquals(1, joined.get(0).getList("r", Document.class).size(), "a join into a global collection");
            assertTrue(db.listCollectionNames().into(new ArrayList<>()).containsAll(List.of("customers", "plans")));
        });
        assertEquals(2L, Tenants.call(GLOBEX, () -> plans.countDocuments()),
                "global: the same documents for every tenant");
        assertFalse(database.getCollection("plans").find(new Document("tenantId", new Document("$exists", true)))
                .iterator().hasNext(), "nothing is stamped with a tenant");
    }

    @Test
    void pipelinesOnAGlobalCollectionReachNoTenantData() {
        MongoCollection<Document> plans = db.getCollection("plans");
        plans.insertOne(new Document("name", "free").append("k", 1));
        Map<String, List<Document>> before = tenantData();
        List<List<Bson>> reaching = List.of(
                List.of(Aggregates.lookup("customers", "k", "k", "stolen")),
                List.of(Aggregates.lookup("orders__globex", "k", "k", "stolen")),
                List.of(Aggregates.lookup("regions", List.of(), List.of(Aggregates.lookup("customers", "k", "k",
                        "stolen")), "nested")),
                List.of(Aggregates.unionWith("customers", List.of())),
                List.of(Aggregates.unionWith("regions", List.of(Aggregates.unionWith("customers", List.of())))),
                List.of(Aggregates.graphLookup("customers", "$k", "k", "k", "stolen")),
                List.of(Aggregates.facet(new Facet("f", Aggregates.lookup("customers", "k", "k", "stolen")))),
                List.of(new Document("$lookup", new Document("from", new Document("db", database.getName())
                        .append("coll", "customers")).append("localField", "k").append("foreignField", "k")
                        .append("as", "stolen"))),
                List.of(Aggregates.out("customers")),
                List.of(Aggregates.merge("customers")),
                List.of(Aggregates.merge("regions")),
                List.of(new Document("$currentOp", new Document())),
                List.of(new Document("$unknownStage", 1)));
        for (TenantId tenant : java.util.Arrays.asList(ACME, null)) {
            for (List<Bson> pipeline : reaching) {
                Runnable run = () -> plans.aggregate(pipeline).into(new ArrayList<>());
                if (tenant == null) {
                    assertThrows(ForbiddenStageException.class, run::run, pipeline.toString());
                } else {
                    assertThrows(ForbiddenStageException.class, () -> Tenants.run(tenant, run::run),
                            pipeline.toString());
                }
            }
        }
        assertThrows(ForbiddenStageException.class, () -> Tenants.run(ACME, () -> plans.withDocumentClass(
                BsonDocument.class).aggregate(List.of(Aggregates.unionWith("customers", List.of()))).first()),
                "a derived collection is checked too");
        assertThrows(ForbiddenStageException.class, () -> Tenants.run(ACME, () -> plans.watch(List.of(
                Aggregates.lookup("customers", "k", "k", "stolen")))));
        assertEquals(before, tenantData());
        List<Document> joined = Tenants.callAsSystem("test: maintenance joins tenant data", () -> plans.aggregate(
                List.of(Aggregates.lookup("customers", "k", "k", "all"))).into(new ArrayList<>()));
        assertEquals(2, joined.get(0).getList("all", Document.class).size(), "in system scope, as the driver's");
    }

    /** A stage that renders harmless when checked and as a join into tenant data if rendered again. */
    static final class Shifty implements Bson {
        final AtomicInteger renders = new AtomicInteger();

        @Override
        public <T> BsonDocument toBsonDocument(Class<T> documentClass, CodecRegistry registry) {
            return renders.getAndIncrement() == 0 ? BsonDocument.parse("{$match: {}}")
                    : BsonDocument.parse("{$unionWith: 'customers'}");
        }
    }

    @Test
    void whatIsCheckedIsWhatIsSent() {
        MongoCollection<Document> plans = db.getCollection("plans");
        plans.insertOne(new Document("name", "free"));
        Shifty shifty = new Shifty();
        List<Document> out = Tenants.call(ACME, () -> plans.aggregate(List.of(shifty)).into(new ArrayList<>()));
        assertEquals(1, out.size(), "only the plan: the copy checked was sent, " + out);
        assertEquals(1, shifty.renders.get(), "rendered once");
    }

    @Test
    void changingAGlobalCollectionForEveryoneRunsOnlyInSystemScope() {
        MongoCollection<Document> plans = db.getCollection("plans");
        plans.insertOne(new Document("name", "free"));
        plans.createIndex(Indexes.ascending("name"));
        List<Consumer<MongoCollection<Document>>> forEveryone = List.of(MongoCollection::drop,
                c -> c.renameCollection(new MongoNamespace(database.getName(), "customers")),
                c -> c.dropIndex("name_1"), MongoCollection::dropIndexes);
        for (Consumer<MongoCollection<Document>> work : forEveryone) {
            assertThrows(TenantViolationException.class, () -> Tenants.run(ACME, () -> work.accept(plans)));
            assertThrows(MissingTenantException.class, () -> work.accept(plans));
        }
        assertEquals(1, database.getCollection("plans").countDocuments());
        Tenants.runAsSystem("test: retire the plans", () -> plans.drop());
        assertEquals(0, database.getCollection("plans").countDocuments());
    }

    @Test
    void aGlobalCollectionIsDeclaredApartFromTenantScopedOnes() {
        TenantDatabase.Builder both = TenantDatabase.builder(raw, database.getName()).collection("plans")
                .globalCollection("plans");
        IllegalStateException e = assertThrows(IllegalStateException.class, both::build);
        assertTrue(e.getMessage().contains("'plans'") && e.getMessage().contains("global"), e.getMessage());
        TenantDatabase.Builder builder = TenantDatabase.builder(raw, database.getName()).collection("customers");
        assertThrows(IllegalArgumentException.class, () -> builder.globalCollection("orders__acme"));
        assertThrows(IllegalArgumentException.class, () -> builder.globalCollection("system.views"));
        builder.globalCollection("plans");
        assertThrows(IllegalArgumentException.class, () -> builder.globalCollection("plans"));
        TenantDatabase built = builder.build();
        assertEquals(java.util.Set.of("plans"), built.getGlobalCollectionNames());
        assertThrows(IllegalArgumentException.class, () -> built.getCollection("plans"),
                "not part of the tenant-scoped API");
        assertThrows(MissingTenantException.class, () -> built.asMongoDatabase().getCollection("other"));
    }
}
