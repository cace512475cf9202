package dev.tenantry.collection;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.expr;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.nor;
import static com.mongodb.client.model.Filters.or;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoWriteException;
import com.mongodb.client.AggregateIterable;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CollationAlternate;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.ForbiddenStageException;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.RequiresCapability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The collection contract: every operation of {@link TenantCollection}, scoped, in one isolation strategy; the three
 * subclasses here run it for SHARED, COLLECTION_PER_TENANT and DATABASE_PER_TENANT, and the Spring starter runs the
 * same cases through {@code MongoTemplate} ({@link #open}). The source lives in {@code core/src/contract/java}, which
 * both modules add to their test sources. Three tenants hold data throughout; after every test the
 * {@link IsolationProbe} on the client must have seen only scoped commands, and the adversarial tests compare every
 * tenant's raw documents before and after.
 */
@MongoTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTenantCollectionIT {

    static final TenantId A = TenantId.of("a");
    static final TenantId B = TenantId.of("b");
    static final TenantId C = TenantId.of("c");
    static final List<TenantId> TENANTS = List.of(A, B, C);

    /** A record decoded through the driver's codecs; it does not declare the tenant field. */
    public record Person(@BsonId ObjectId id, String name, String email) {
    }

    /** A POJO that declares the tenant field, so a caller can name (the wrong) tenant in it. */
    public static final class Account {
        private ObjectId id;
        private String tenantId;
        private String owner;

        public Account() {
        }

        Account(String tenantId, String owner) {
            this.tenantId = tenantId;
            this.owner = owner;
        }

        @BsonId
        public ObjectId getId() {
            return id;
        }

        public void setId(ObjectId id) {
            this.id = id;
        }

        public String getTenantId() {
            return tenantId;
        }

        public void setTenantId(String tenantId) {
            this.tenantId = tenantId;
        }

        public String getOwner() {
            return owner;
        }

        public void setOwner(String owner) {
            this.owner = owner;
        }
    }

    private final MongoBackend backend;
    private final MongoClient rawClient;
    private final String databaseName;
    private final String prefix = "d" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFL) + "_";

    IsolationProbe probe;
    MongoClient client;
    TenantDatabase tdb;
    TenantCollection<Document> items;
    TenantCollection<Document> others;

    AbstractTenantCollectionIT(MongoBackend backend, MongoClient rawClient, com.mongodb.client.MongoDatabase db) {
        this.backend = backend;
        this.rawClient = rawClient;
        this.databaseName = db.getName();
    }

    abstract IsolationStrategy strategy();

    @BeforeAll
    void connect() {
        TenantDatabase.Builder builder = TenantDatabase.builder(rawClient, databaseName).tenantDatabasePrefix(prefix)
                .collection("items", strategy()).collection("others", strategy());
        probe = builder.build().newIsolationProbe();
        client = backend.newClient(settings -> settings.addCommandListener(probe));
        tdb = TenantDatabase.builder(client, databaseName).tenantDatabasePrefix(prefix)
                .collection("items", strategy()).collection("others", strategy()).build();
        items = open(tdb, "items");
        others = open(tdb, "others");
    }

    /**
     * The path under test to a registered collection. Here {@link TenantDatabase#getCollection}; another module that
     * hands out the same scoping another way (the Spring starter, through {@code MongoTemplate}) overrides this and
     * runs every case through its path.
     */
    TenantCollection<Document> open(TenantDatabase registry, String logical) {
        return registry.getCollection(logical);
    }

    @AfterAll
    void disconnect() {
        client.close();
        for (TenantId tenant : TENANTS) {
            rawClient.getDatabase(prefix + tenant.value()).drop();
        }
    }

    @BeforeEach
    void seed() {
        for (TenantId tenant : TENANTS) {
            for (String logical : List.of("items", "others")) {
                raw(logical, tenant).drop();
            }
        }
        for (TenantId tenant : TENANTS) {
            Tenants.run(tenant, () -> {
                List<Document> docs = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    docs.add(new Document("_id", tenant.value() + "-" + i).append("n", i)
                            .append("name", tenant.value() + " item " + i).append("ref", i % 2)
                            .append("status", i % 2 == 0 ? "open" : "closed"));
                }
                items.insertMany(docs);
                others.insertMany(List.of(new Document("_id", tenant.value() + "-o0").append("k", 0)
                                .append("label", tenant.value() + " zero"),
                        new Document("_id", tenant.value() + "-o1").append("k", 1)
                                .append("label", tenant.value() + " one")));
            });
        }
        probe.reset();
    }

    @AfterEach
    void probeSawOnlyScopedCommands() {
        probe.assertNoViolations(); // index DDL on a shared collection runs in system scope, never from a tenant
    }

    /** The physical collection of a tenant's documents, read without Tenantry and without the probe. */
    MongoCollection<Document> raw(String logical, TenantId tenant) {
        MongoNamespace ns = tdb.namespaceFor(logical, tenant);
        return rawClient.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName());
    }

    /** Every tenant's documents in both collections, as the server holds them. */
    Map<String, List<Document>> snapshot() {
        Map<String, List<Document>> all = new TreeMap<>();
        for (TenantId tenant : TENANTS) {
            for (String logical : List.of("items", "others")) {
                all.put(logical + "/" + tenant, raw(logical, tenant).find(eq("tenantId", tenant.value()))
                        .sort(Sorts.ascending("_id")).into(new ArrayList<>()));
            }
        }
        // and nothing in the physical collections that belongs to no tenant or to the wrong one
        for (TenantId tenant : TENANTS) {
            for (String logical : List.of("items", "others")) {
                if (strategy() != IsolationStrategy.SHARED) {
                    assertEquals(0, raw(logical, tenant).countDocuments(ne("tenantId", tenant.value())),
                            "foreign document in " + logical + " of " + tenant);
                }
            }
        }
        if (strategy() == IsolationStrategy.SHARED) {
            assertEquals(0, raw("items", A).countDocuments(nor(in("tenantId", "a", "b", "c"))));
        }
        return all;
    }

    static List<String> ids(Iterable<Document> docs) {
        List<String> out = new ArrayList<>();
        docs.forEach(d -> out.add(String.valueOf(d.get("_id"))));
        return out;
    }

    static <T> T as(TenantId tenant, Tenants.Call<T, RuntimeException> call) {
        return Tenants.call(tenant, call);
    }

    // ---------------------------------------------------------------- reads

    @Test
    void findSeesOnlyTheCurrentTenantWithEveryOption() {
        assertEquals(List.of("a-0", "a-1", "a-2", "a-3", "a-4"), as(A, () -> ids(items.find())));
        assertEquals(List.of("b-4", "b-3"), as(B, () -> ids(items.find(gt("n", 2)).sort(Sorts.descending("n")))));
        assertEquals(List.of("c-2"), as(C, () -> ids(items.find().sort(Sorts.ascending("n")).skip(2).limit(1))));
        Document projected = as(A, () -> items.find(eq("n", 1)).projection(Projections.include("name")).first());
        assertEquals(new Document("_id", "a-1").append("name", "a item 1"), projected);
        assertEquals(5, as(B, () -> items.find().batchSize(2).into(new ArrayList<>()).size()));
        List<String> names = as(C, () -> items.find(eq("ref", 0)).map(d -> d.getString("name"))
                .into(new ArrayList<>()));
        assertEquals(List.of("c item 0", "c item 2", "c item 4"), names);
        int seen = as(A, () -> {
            int count = 0;
            try (MongoCursor<Document> cursor = items.find().cursor()) {
                while (cursor.hasNext()) {
                    assertEquals("a", cursor.next().getString("tenantId"));
                    count++;
                }
            }
            return count;
        });
        assertEquals(5, seen);
        assertNull(as(A, () -> items.find(eq("_id", "b-1")).first()), "another tenant's id is not found");
        assertEquals(List.of("a-2"), as(A, () -> ids(items.find().filter(eq("n", 2)))),
                "filter() set later stays scoped");
        assertTrue(probe.commandsChecked() > 0);
    }

    @Test
    void recordsAndPojosRoundTripStampedWithTheTenant() {
        TenantCollection<Person> people = items.withDocumentClass(Person.class);
        Person ada = new Person(new ObjectId(), "Ada", "ada@example.com");
        Tenants.run(A, () -> people.insertOne(ada));
        assertEquals(ada, as(A, () -> people.find(eq("_id", ada.id())).first()));
        assertNull(as(B, () -> people.find(eq("_id", ada.id())).first()));
        assertEquals("a", raw("items", A).find(eq("_id", ada.id())).first().getString("tenantId"));

        TenantCollection<Account> accounts = items.withDocumentClass(Account.class);
        Account own = new Account(null, "ada");
        Tenants.run(A, () -> accounts.insertOne(own));
        assertNotNull(own.getId(), "the generated id reaches the caller's object, as with the driver");
        assertEquals("a", as(A, () -> accounts.find(eq("_id", own.getId())).first()).getTenantId());
        Map<String, List<Document>> before = snapshot();
        TenantViolationException e = assertThrows(TenantViolationException.class,
                () -> Tenants.run(A, () -> accounts.insertOne(new Account("b", "mallory"))));
        assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("tenantId"), e.getMessage());
        assertEquals(before, snapshot());
    }

    @Test
    void countsAndDistinctAreScoped() {
        assertEquals(5, as(A, () -> items.countDocuments()));
        assertEquals(3, as(A, () -> items.countDocuments(eq("status", "open"))));
        assertEquals(5, as(B, () -> items.estimatedDocumentCount()), "estimate answers the scoped count");
        Tenants.run(C, () -> items.insertOne(new Document("status", "pending")));
        assertEquals(6, as(C, () -> items.estimatedDocumentCount(
                new com.mongodb.client.model.EstimatedDocumentCountOptions().maxTime(5, TimeUnit.SECONDS))));
        assertEquals(List.of("a item 0", "a item 1", "a item 2", "a item 3", "a item 4"),
                as(A, () -> items.distinct("name", String.class).into(new ArrayList<>())).stream().sorted()
                        .collect(Collectors.toList()));
        assertEquals(List.of("b"), as(B, () -> items.distinct("tenantId", String.class).into(new ArrayList<>())));
        assertEquals(List.of("closed", "pending"), as(C, () -> items.distinct("status", ne("status", "open"),
                String.class).into(new ArrayList<>())).stream().sorted().collect(Collectors.toList()));
    }

    @Test
    void adversarialFiltersNeverReachAnotherTenant() {
        List<Bson> attacks = new ArrayList<>(List.of(
                or(eq("tenantId", "b"), exists("_id")),
                nor(eq("tenantId", "a")),
                expr(new Document("$ne", List.of("$tenantId", "a"))),
                ne("tenantId", "a"),
                in("tenantId", "b", "c"),
                eq("tenantId", null),
                exists("tenantId", false),
                or(eq("_id", "b-1"), eq("_id", "c-1")),
                new Document("$and", List.of(new Document("tenantId", "b")))));
        for (Bson attack : attacks) {
            Map<String, List<Document>> before = snapshot();
            Tenants.run(A, () -> {
                for (Document d : items.find(attack)) {
                    assertEquals("a", d.getString("tenantId"), "read a foreign document through " + attack);
                }
                assertTrue(items.countDocuments(attack) <= 5);
                for (String t : items.distinct("tenantId", attack, String.class)) {
                    assertEquals("a", t);
                }
                items.updateMany(attack, Updates.set("touched", true));
                items.deleteMany(attack);
            });
            Map<String, List<Document>> after = snapshot();
            for (TenantId other : List.of(B, C)) {
                assertEquals(before.get("items/" + other), after.get("items/" + other), "changed " + other
                        + " through " + attack);
            }
            seed();
        }
    }

    @Test
    void whereClauseCannotWiden() {
        Bson where = new Document("$where", "this.tenantId != 'a'");
        try {
            assertEquals(0, as(A, () -> items.countDocuments(where)));
        } catch (com.mongodb.MongoException serverRefused) {
            // The embedded server has no JavaScript and real servers may disable it; refused is also contained.
            assertTrue(backend.isEmbedded() || serverRefused.getCode() > 0);
        }
    }

    /** Raw BSON with a key twice: what is checked must be what is sent. */
    static org.bson.RawBsonDocument duplicateKeys(String outer, String... keysAndValues) {
        org.bson.io.BasicOutputBuffer buffer = new org.bson.io.BasicOutputBuffer();
        try (org.bson.BsonBinaryWriter writer = new org.bson.BsonBinaryWriter(buffer)) {
            writer.writeStartDocument();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                if (outer != null) {
                    writer.writeStartDocument(outer);
                }
                writer.writeString(keysAndValues[i], keysAndValues[i + 1]);
                if (outer != null) {
                    writer.writeEndDocument();
                }
            }
            writer.writeEndDocument();
        }
        return new org.bson.RawBsonDocument(buffer.toByteArray());
    }

    @Test
    void rawBsonWithDuplicateKeysCannotSmuggleAnotherTenant() {
        Map<String, List<Document>> before = snapshot();
        Tenants.run(A, () -> {
            for (org.bson.RawBsonDocument filter : List.of(duplicateKeys(null, "tenantId", "b", "tenantId", "a"),
                    duplicateKeys(null, "tenantId", "a", "tenantId", "b"))) {
                try {
                    for (Document d : items.find(filter)) {
                        assertEquals("a", d.getString("tenantId"));
                    }
                } catch (com.mongodb.MongoException refused) {
                    // the embedded server drops the connection on duplicate keys: refused, nothing read
                }
            }
            for (org.bson.RawBsonDocument update : List.of(duplicateKeys("$set", "tenantId", "b", "name", "x"),
                    duplicateKeys("$set", "name", "x", "tenantId", "b"))) {
                try {
                    items.updateMany(new Document(), update);
                    items.updateOne(eq("n", 1), update, new UpdateOptions().upsert(true));
                } catch (TenantViolationException | com.mongodb.MongoException refused) {
                    // refused by Tenantry or by the server: either way no tenant may change
                }
            }
        });
        Map<String, List<Document>> after = snapshot();
        assertEquals(before.get("items/b"), after.get("items/b"));
        assertEquals(before.get("items/c"), after.get("items/c"));
        assertEquals(5, raw("items", A).countDocuments(eq("tenantId", "a")));
    }

    // ---------------------------------------------------------------- writes

    @Test
    void insertsAreStampedAndForeignTenantsRefused() {
        Document plain = new Document("name", "new");
        Tenants.run(B, () -> items.insertOne(plain));
        assertEquals("b", raw("items", B).find(eq("_id", plain.get("_id"))).first().getString("tenantId"));
        Tenants.run(B, () -> items.insertOne(new Document("name", "explicit own").append("tenantId", "b")));

        Map<String, List<Document>> before = snapshot();
        for (Object foreign : List.of("a", "B", 7, new Document("$ne", "b"))) {
            assertThrows(TenantViolationException.class,
                    () -> Tenants.run(B, () -> items.insertOne(new Document("tenantId", foreign))));
        }
        assertThrows(TenantViolationException.class, () -> Tenants.run(B, () -> items.insertMany(List.of(
                new Document("name", "fine"), new Document("name", "bad").append("tenantId", "c")))));
        assertEquals(before, snapshot(), "a refused insertMany inserts none of its documents");
    }

    @Test
    void updatesTouchingTheTenantFieldAreRefusedAndChangeNothing() {
        List<Bson> updates = List.of(
                Updates.set("tenantId", "b"),
                Updates.unset("tenantId"),
                Updates.rename("tenantId", "was"),
                Updates.rename("name", "tenantId"),
                Updates.setOnInsert("tenantId", "b"),
                Updates.inc("tenantId", 1),
                Updates.push("tenantId", "b"),
                Updates.set("tenantId.x", 1),
                Updates.set("tenantId.$", "b"),
                Updates.combine(Updates.set("name", "x"), Updates.set("tenantId", "c")));
        Map<String, List<Document>> before = snapshot();
        for (Bson update : updates) {
            Tenants.run(A, () -> {
                assertThrows(TenantViolationException.class, () -> items.updateOne(eq("n", 1), update));
                assertThrows(TenantViolationException.class, () -> items.updateMany(new Document(), update));
                assertThrows(TenantViolationException.class, () -> items.updateOne(eq("n", 9), update,
                        new UpdateOptions().upsert(true)));
                assertThrows(TenantViolationException.class, () -> items.findOneAndUpdate(eq("n", 1), update));
            });
        }
        List<List<Bson>> pipelines = List.of(
                List.of(new Document("$set", new Document("tenantId", "b"))),
                List.of(new Document("$unset", "tenantId")),
                List.of(new Document("$replaceWith", new Document("x", 1))),
                List.of(new Document("$project", new Document("name", 1))));
        for (List<Bson> pipeline : pipelines) {
            Tenants.run(A, () -> {
                assertThrows(TenantViolationException.class, () -> items.updateOne(eq("n", 1), pipeline));
                assertThrows(TenantViolationException.class, () -> items.updateMany(new Document(), pipeline));
                assertThrows(TenantViolationException.class, () -> items.findOneAndUpdate(eq("n", 1), pipeline));
            });
        }
        assertEquals(before, snapshot());
    }

    @Test
    void updatesAndDeletesApplyOnlyInsideTheTenant() {
        assertEquals(5, as(A, () -> items.updateMany(new Document(), Updates.inc("n", 100)).getModifiedCount()));
        assertEquals(0, as(A, () -> items.updateOne(eq("_id", "b-1"), Updates.set("x", 1)).getMatchedCount()));
        assertEquals(1, as(A, () -> items.updateOne(eq("_id", "a-1"), Updates.set("x", 1)).getModifiedCount()));
        assertEquals(0, as(A, () -> items.deleteOne(eq("_id", "c-0")).getDeletedCount()));
        assertEquals(5, as(C, () -> items.deleteMany(new Document()).getDeletedCount()));
        assertEquals(0, as(C, () -> items.countDocuments()));
        assertEquals(5, as(B, () -> items.countDocuments()));
        assertEquals(0, as(B, () -> items.countDocuments(gt("n", 99))), "a's update reached b");
        assertEquals(5, raw("items", A).countDocuments(and(eq("tenantId", "a"), gt("n", 99))));
    }

    @Test
    void upsertsCreateDocumentsCarryingTheTenant() {
        Tenants.run(A, () -> {
            items.updateOne(eq("email", "new@a"), Updates.set("name", "upserted"), new UpdateOptions().upsert(true));
            items.replaceOne(eq("email", "rep@a"), new Document("email", "rep@a"), new ReplaceOptions().upsert(true));
            Document returned = items.findOneAndUpdate(eq("email", "fau@a"), Updates.set("v", 1),
                    new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
            assertEquals("a", returned.getString("tenantId"));
            items.updateOne(eq("email", "own@a"), Updates.set("v", 2), new UpdateOptions().upsert(true));
            items.updateOne(and(eq("tenantId", "a"), eq("email", "named@a")), Updates.set("v", 3),
                    new UpdateOptions().upsert(true));
        });
        for (String email : List.of("new@a", "rep@a", "fau@a", "own@a", "named@a")) {
            Document stored = raw("items", A).find(eq("email", email)).first();
            assertNotNull(stored, email);
            assertEquals("a", stored.getString("tenantId"), email);
        }
        assertEquals(5, as(B, () -> items.countDocuments()));
    }

    @Test
    void replacementsAndUpsertsNamingAnotherTenantAreRefused() {
        Map<String, List<Document>> before = snapshot();
        Tenants.run(A, () -> {
            assertThrows(TenantViolationException.class,
                    () -> items.replaceOne(eq("_id", "a-1"), new Document("tenantId", "b").append("name", "stolen")));
            assertThrows(TenantViolationException.class, () -> items.replaceOne(eq("tenantId", "b"),
                    new Document("name", "x"), new ReplaceOptions().upsert(true)));
            assertThrows(TenantViolationException.class, () -> items.updateOne(eq("tenantId", "b"),
                    Updates.set("v", 1), new UpdateOptions().upsert(true)));
            assertThrows(TenantViolationException.class, () -> items.updateOne(
                    and(eq("email", "x"), eq("tenantId", "c")), Updates.set("v", 1), new UpdateOptions().upsert(true)));
            assertThrows(TenantViolationException.class, () -> items.findOneAndReplace(eq("_id", "a-1"),
                    new Document("tenantId", "c")));
            assertThrows(TenantViolationException.class, () -> items.findOneAndUpdate(in("tenantId", "b"),
                    Updates.set("v", 1), new FindOneAndUpdateOptions().upsert(true)));
        });
        assertEquals(before, snapshot());
    }

    @Test
    void findOneAndOperationsAreScoped() {
        assertNull(as(A, () -> items.findOneAndDelete(eq("_id", "b-0"))));
        assertNull(as(A, () -> items.findOneAndUpdate(eq("_id", "b-0"), Updates.set("x", 1))));
        assertNull(as(A, () -> items.findOneAndReplace(eq("_id", "b-0"), new Document("x", 1))));
        assertEquals("b item 0", raw("items", B).find(eq("_id", "b-0")).first().getString("name"));

        Document deleted = as(A, () -> items.findOneAndDelete(eq("n", 0)));
        assertEquals("a-0", deleted.get("_id"));
        Document replaced = as(A, () -> items.findOneAndReplace(eq("_id", "a-1"), new Document("name", "r"),
                new FindOneAndReplaceOptions().returnDocument(ReturnDocument.AFTER)));
        assertEquals(new Document("_id", "a-1").append("name", "r").append("tenantId", "a"), replaced);
        Document updated = as(A, () -> items.findOneAndUpdate(eq("_id", "a-2"), Updates.set("name", "u"),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
        assertEquals("u", updated.getString("name"));
    }

    @Test
    void bulkWritesAreScopedAndAViolationAnywhereSendsNothing() {
        List<WriteModel<Document>> ok = List.of(
                new InsertOneModel<>(new Document("_id", "a-new").append("n", 50)),
                new UpdateOneModel<>(eq("_id", "b-1"), Updates.set("hit", true)),
                new UpdateManyModel<>(new Document(), Updates.inc("n", 1)),
                new ReplaceOneModel<>(eq("_id", "a-1"), new Document("name", "replaced")),
                new DeleteOneModel<>(eq("_id", "c-2")),
                new DeleteManyModel<>(eq("_id", "a-3")),
                new UpdateOneModel<>(eq("_id", "a-up"), Updates.set("v", 1), new UpdateOptions().upsert(true)));
        Tenants.run(A, () -> {
            com.mongodb.bulk.BulkWriteResult result = items.bulkWrite(ok, new BulkWriteOptions().ordered(true));
            assertEquals(1, result.getInsertedCount());
            assertEquals(1, result.getDeletedCount(), "only a-3; c-2 is another tenant's");
            assertEquals(1, result.getUpserts().size());
        });
        assertEquals(0, raw("items", B).countDocuments(eq("hit", true)));
        assertEquals(5, raw("items", C).countDocuments(eq("tenantId", "c")));
        assertEquals("a", raw("items", A).find(eq("_id", "a-up")).first().getString("tenantId"));

        Map<String, List<Document>> before = snapshot();
        List<List<WriteModel<Document>>> bad = List.of(
                List.of(new InsertOneModel<>(new Document("x", 1)), new InsertOneModel<>(new Document("tenantId", "b"))),
                List.of(new DeleteManyModel<>(new Document()), new UpdateOneModel<>(eq("n", 1),
                        Updates.set("tenantId", "b"))),
                List.of(new DeleteManyModel<>(new Document()), new ReplaceOneModel<>(eq("n", 1),
                        new Document("tenantId", "c"))),
                List.of(new DeleteManyModel<>(new Document()), new UpdateManyModel<>(eq("tenantId", "b"),
                        Updates.set("v", 1), new UpdateOptions().upsert(true))),
                List.of(new DeleteManyModel<>(new Document()), new UpdateOneModel<>(eq("n", 1),
                        List.of(new Document("$unset", "tenantId")))));
        for (List<WriteModel<Document>> models : bad) {
            assertThrows(TenantViolationException.class, () -> Tenants.run(A, () -> items.bulkWrite(models)));
        }
        assertEquals(before, snapshot());
    }

    // ---------------------------------------------------------------- aggregation

    @Test
    void aggregationStartsWithTheTenantAndGroupsOnlyItsDocuments() {
        List<Document> grouped = as(B, () -> items.aggregate(List.of(
                Aggregates.match(new Document()),
                Aggregates.group("$status", Accumulators.sum("count", 1)),
                Aggregates.sort(Sorts.ascending("_id")))).into(new ArrayList<>()));
        assertEquals(List.of(new Document("_id", "closed").append("count", 2),
                new Document("_id", "open").append("count", 3)), grouped);
        List<Document> escaping = as(A, () -> items.aggregate(List.of(
                Aggregates.match(or(eq("tenantId", "b"), eq("tenantId", "c"))))).into(new ArrayList<>()));
        assertTrue(escaping.isEmpty(), escaping.toString());
    }

    @Test
    void lookupsInBothFormsJoinOnlyTheTenantsDocuments() {
        List<Document> local = as(A, () -> items.aggregate(List.of(
                Aggregates.match(eq("n", 1)),
                Aggregates.lookup("others", "ref", "k", "joined"))).into(new ArrayList<>()));
        assertEquals(1, local.size());
        assertEquals(List.of("a-o1"), ids(local.get(0).getList("joined", Document.class)));

        List<Document> piped = as(B, () -> items.aggregate(List.of(
                Aggregates.match(eq("n", 0)),
                Aggregates.lookup("others", List.of(new com.mongodb.client.model.Variable<>("r", "$ref")),
                        List.of(Aggregates.match(expr(new Document("$eq", List.of("$k", "$$r"))))), "joined")))
                .into(new ArrayList<>()));
        assertEquals(List.of("b-o0"), ids(piped.get(0).getList("joined", Document.class)));

        List<Document> faceted = as(C, () -> items.aggregate(List.of(
                Aggregates.match(eq("n", 0)),
                Aggregates.facet(new com.mongodb.client.model.Facet("j",
                        Aggregates.lookup("others", "ref", "k", "joined"),
                        Aggregates.lookup("items", List.of(), List.of(Aggregates.count("n")), "all")))))
                .into(new ArrayList<>()));
        Document facet = faceted.get(0).getList("j", Document.class).get(0);
        assertEquals(List.of("c-o0"), ids(facet.getList("joined", Document.class)));
        assertEquals(5, facet.getList("all", Document.class).get(0).getInteger("n"));
    }

    @Test
    void forbiddenStagesAreRefusedBeforeAnythingRuns() {
        Map<String, List<Document>> before = snapshot();
        List<List<Bson>> pipelines = List.of(
                List.of(Aggregates.out("stolen")),
                List.of(Aggregates.merge("others")),
                List.of(new Document("$unknownStage", 1)),
                List.of(Aggregates.lookup("unregistered", "ref", "k", "x")),
                List.of(Aggregates.unionWith("unregistered", List.of())),
                List.of(Aggregates.graphLookup("unregistered", "$ref", "ref", "k", "x")),
                List.of(Aggregates.facet(new com.mongodb.client.model.Facet("f", Aggregates.out("stolen")))),
                List.of(new Document("$collStats", new Document("count", new Document()))));
        for (List<Bson> pipeline : pipelines) {
            assertThrows(ForbiddenStageException.class, () -> Tenants.run(A, () -> items.aggregate(pipeline)));
        }
        AggregateIterable<Document> plain = as(A, () -> items.aggregate(List.of()));
        assertThrows(ForbiddenStageException.class, () -> Tenants.run(A, plain::toCollection));
        assertEquals(before, snapshot());
        assertFalse(rawClient.getDatabase(databaseName).listCollectionNames().into(new ArrayList<>())
                .contains("stolen"));
    }

    @Test
    @RequiresCapability(Capability.UNION_WITH)
    void unionWithReadsOnlyTheTenantsDocuments() {
        List<Document> all = as(A, () -> items.aggregate(List.of(Aggregates.unionWith("others", List.of())))
                .into(new ArrayList<>()));
        assertEquals(7, all.size());
        all.forEach(d -> assertEquals("a", d.getString("tenantId")));
    }

    @Test
    @RequiresCapability(Capability.GRAPH_LOOKUP_RESTRICT)
    void graphLookupTraversesOnlyTheTenantsDocuments() {
        List<Document> out = as(A, () -> items.aggregate(List.of(Aggregates.match(eq("n", 1)),
                Aggregates.graphLookup("others", "$ref", "k", "k", "chain"))).into(new ArrayList<>()));
        assertEquals(List.of("a-o1"), ids(out.get(0).getList("chain", Document.class)));
    }

    @Test
    @RequiresCapability(Capability.GEO_NEAR)
    void geoNearFirstStaysInTheTenant() {
        for (TenantId tenant : TENANTS) {
            Tenants.run(tenant, () -> items.insertOne(new Document("place", new Document("type", "Point")
                    .append("coordinates", List.of(0.0, 0.0)))));
        }
        Tenants.run(A, () -> items.createIndex(Indexes.geo2dsphere("place")));
        List<Document> near = as(A, () -> items.aggregate(List.of(new Document("$geoNear",
                new Document("near", new Document("type", "Point").append("coordinates", List.of(0.0, 0.0)))
                        .append("distanceField", "d").append("key", "place")))).into(new ArrayList<>()));
        assertEquals(1, near.size());
        assertEquals("a", near.get(0).getString("tenantId"));
    }

    @Test
    @RequiresCapability(Capability.UPDATE_PIPELINES)
    void allowedUpdatePipelinesRunInsideTheTenant() {
        Tenants.run(A, () -> items.updateMany(new Document(), List.of(new Document("$set",
                new Document("double", new Document("$multiply", List.of("$n", 2)))))));
        assertEquals(5, raw("items", A).countDocuments(exists("double")));
        assertEquals(0, raw("items", B).countDocuments(and(eq("tenantId", "b"), exists("double"))));
    }

    @Test
    @RequiresCapability(Capability.COLLATION)
    void collationCannotMakeTwoTenantIdsCompareEqual() {
        TenantId dashed = TenantId.of("a-b");
        TenantId plain = TenantId.of("ab");
        Tenants.run(plain, () -> items.insertOne(new Document("secret", "ab's")));
        Tenants.run(dashed, () -> items.insertOne(new Document("secret", "a-b's")));
        Collation shifted = Collation.builder().locale("en").collationAlternate(CollationAlternate.SHIFTED).build();
        List<Document> seen = as(dashed, () -> items.find().collation(shifted).into(new ArrayList<>()));
        assertEquals(List.of("a-b's"), seen.stream().map(d -> d.getString("secret")).collect(Collectors.toList()));
        assertEquals(1, as(dashed, () -> items.countDocuments(new Document(),
                new com.mongodb.client.model.CountOptions().collation(shifted))));
        assertEquals(1, as(dashed, () -> items.aggregate(List.of()).collation(shifted).into(new ArrayList<>())
                .size()));
        raw("items", plain).drop();
        raw("items", dashed).drop();
        rawClient.getDatabase(prefix + "ab").drop();
        rawClient.getDatabase(prefix + "a-b").drop();
    }

    // ---------------------------------------------------------------- change streams

    @Test
    @RequiresCapability(Capability.CHANGE_STREAMS)
    void watchSeesOnlyTheTenantsChanges() {
        try (com.mongodb.client.MongoChangeStreamCursor<com.mongodb.client.model.changestream.ChangeStreamDocument<
                Document>> cursor = as(A, () -> items.watch().cursor())) {
            Tenants.run(B, () -> items.insertOne(new Document("name", "b's")));
            Tenants.run(A, () -> items.insertOne(new Document("name", "a's")));
            com.mongodb.client.model.changestream.ChangeStreamDocument<Document> event = as(A, cursor::next);
            assertEquals("a's", event.getFullDocument().getString("name"));
        }
    }

    // ---------------------------------------------------------------- indexes

    /**
     * Index DDL as {@code tenant}: on a shared collection that is schema work, which runs in system scope (here with
     * the tenant opened inside it); on a per-tenant collection it acts on the tenant's own collection.
     */
    <R> R ddl(TenantId tenant, Tenants.Call<R, RuntimeException> call) {
        return strategy() == IsolationStrategy.SHARED
                ? Tenants.callAsSystem("test: index DDL on a shared collection", () -> Tenants.call(tenant, call))
                : Tenants.call(tenant, call);
    }

    @Test
    void uniqueIndexesAreUniquePerTenant() {
        for (TenantId tenant : TENANTS) {
            Tenants.run(tenant, () -> items.deleteMany(new Document()));
        }
        String name = ddl(A, () -> items.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true)));
        assertEquals("email_1", name);
        ddl(B, () -> items.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true)));
        ddl(C, () -> items.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true)));
        Tenants.run(A, () -> items.insertOne(new Document("email", "ada@example.com")));
        Tenants.run(B, () -> items.insertOne(new Document("email", "ada@example.com")));
        MongoWriteException duplicate = assertThrows(MongoWriteException.class,
                () -> Tenants.run(A, () -> items.insertOne(new Document("email", "ada@example.com"))));
        assertEquals(ErrorCategory.DUPLICATE_KEY, duplicate.getError().getCategory());
        MongoBulkWriteException bulkDuplicate = assertThrows(MongoBulkWriteException.class,
                () -> Tenants.run(B, () -> items.insertMany(List.of(new Document("email", "ada@example.com")))));
        assertEquals(ErrorCategory.DUPLICATE_KEY, ErrorCategory.fromErrorCode(
                bulkDuplicate.getWriteErrors().get(0).getCode()));

        Document index = ddl(A, () -> items.listIndexes().into(new ArrayList<>())).stream()
                .filter(i -> "email_1".equals(i.getString("name"))).findFirst().orElseThrow();
        assertEquals(new Document("tenantId", 1).append("email", 1), index.get("key", Document.class));
        assertTrue(index.getBoolean("unique"));

        List<String> names = ddl(A, () -> items.createIndexes(List.of(
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("a"), Indexes.descending("b"))),
                new IndexModel(Indexes.ascending("createdAt"), new IndexOptions().expireAfter(1L, TimeUnit.DAYS)))));
        assertEquals(List.of("a_1_b_-1", "createdAt_1"), names);
        Map<String, Document> byName = ddl(A, () -> items.listIndexes().into(new ArrayList<>())).stream()
                .collect(Collectors.toMap(i -> i.getString("name"), Function.identity()));
        assertEquals(new Document("tenantId", 1).append("a", 1).append("b", -1), byName.get("a_1_b_-1").get("key"));
        assertEquals(new Document("createdAt", 1), byName.get("createdAt_1").get("key"),
                "a TTL index keeps its single key: MongoDB expires only through single-field indexes");

        ddl(A, () -> {
            items.dropIndex(Indexes.compoundIndex(Indexes.ascending("a"), Indexes.descending("b")));
            items.dropIndex("createdAt_1");
            return null;
        });
        List<String> left = ddl(A, () -> items.listIndexes().map(i -> i.getString("name")).into(new ArrayList<>()));
        assertFalse(left.contains("a_1_b_-1"));
        assertFalse(left.contains("createdAt_1"));
        assertTrue(left.contains("email_1"));
    }

    // ---------------------------------------------------------------- binding

    @Test
    void anOperationRunsOnlyInTheTenantItWasBuiltFor() {
        FindIterable<Document> built = as(A, () -> items.find());
        TenantViolationException other = assertThrows(TenantViolationException.class,
                () -> Tenants.run(B, () -> built.first()));
        assertTrue(other.getMessage().contains("'a'") && other.getMessage().contains("'b'"), other.getMessage());
        assertThrows(MissingTenantException.class, built::first);
        assertThrows(MissingTenantException.class, () -> built.into(new ArrayList<>()));
        AggregateIterable<Document> agg = as(A, () -> items.aggregate(List.of()));
        assertThrows(TenantViolationException.class, () -> Tenants.run(B, () -> agg.first()));
        com.mongodb.client.MongoIterable<String> mapped = as(A, () -> items.find().map(d -> d.getString("name")));
        assertThrows(MissingTenantException.class, mapped::first);
        assertEquals(5, as(A, () -> built.into(new ArrayList<>()).size()));
    }

    @Test
    void namespaceFollowsTheStrategy() {
        MongoNamespace ns = as(B, () -> items.getNamespace());
        switch (strategy()) {
            case SHARED:
                assertEquals(new MongoNamespace(databaseName, "items"), ns);
                break;
            case COLLECTION_PER_TENANT:
                assertEquals(new MongoNamespace(databaseName, "items__b"), ns);
                break;
            default:
                assertEquals(new MongoNamespace(prefix + "b", "items"), ns);
        }
        assertEquals(java.util.Optional.of("items"), tdb.logicalNameOf(ns));
        assertEquals(strategy() == IsolationStrategy.SHARED ? java.util.Optional.empty()
                : java.util.Optional.of(B), tdb.tenantOf(ns));
        assertEquals(strategy(), tdb.getCollection("items").getIsolation());
    }
}
