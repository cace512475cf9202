package dev.tenantry.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.data.mongodb.core.aggregation.Aggregation.lookup;
import static org.springframework.data.mongodb.core.aggregation.Aggregation.newAggregation;
import static org.springframework.data.mongodb.core.aggregation.Aggregation.out;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import dev.tenantry.ForbiddenStageException;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.TenantryException;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationProbe;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.spring.app.Booking;
import dev.tenantry.spring.app.BookingRepository;
import dev.tenantry.spring.app.CollectionNote;
import dev.tenantry.spring.app.CollectionNoteRepository;
import dev.tenantry.spring.app.DatabaseNote;
import dev.tenantry.spring.app.DatabaseNoteRepository;
import dev.tenantry.spring.app.Note;
import dev.tenantry.spring.app.NoteRepository;
import dev.tenantry.spring.app.Person;
import dev.tenantry.spring.app.PersonRepository;
import dev.tenantry.spring.app.SharedNote;
import dev.tenantry.spring.app.SharedNoteRepository;
import dev.tenantry.spring.app.TestApp;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.RequiresCapability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.MongoTransactionManager;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.data.mongodb.gridfs.GridFsTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Data MongoDB through the starter: {@code MongoTemplate} and repositories (derived queries, {@code @Query},
 * {@code @Aggregation}, bulk operations) are scoped by Tenantry core in all three isolation strategies, refuse what a
 * tenant must not do, and fail closed without a tenant; an {@link IsolationProbe} on the application's client checks
 * every command sent.
 */
@MongoTest
class SpringDataIsolationIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private static final Map<String, IsolationStrategy> COLLECTIONS = Map.of("shared_notes", IsolationStrategy.SHARED,
            "coll_notes", IsolationStrategy.COLLECTION_PER_TENANT, "db_notes", IsolationStrategy.DATABASE_PER_TENANT,
            "people", IsolationStrategy.SHARED, "bookings", IsolationStrategy.SHARED);

    private static ConfigurableApplicationContext context;
    private static MongoClient raw;
    private static IsolationProbe probe;
    private static TenantDatabase tenants;
    private static String database;

    /** One strategy's note type and repository. */
    record Kind(IsolationStrategy strategy, Class<? extends Note> type, Class<? extends NoteRepository<?>> repository) {
        @Override
        public String toString() {
            return strategy.toString();
        }

        @SuppressWarnings("unchecked")
        <N extends Note> NoteRepository<N> repo() {
            return (NoteRepository<N>) context.getBean(repository);
        }

        @SuppressWarnings("unchecked")
        <N extends Note> N note(String owner, String title, int size) {
            try {
                return (N) type.getConstructor(String.class, String.class, int.class).newInstance(owner, title, size);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        String collection() {
            return type.getAnnotation(org.springframework.data.mongodb.core.mapping.Document.class).value();
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(new Kind(IsolationStrategy.SHARED, SharedNote.class, SharedNoteRepository.class),
                new Kind(IsolationStrategy.COLLECTION_PER_TENANT, CollectionNote.class,
                        CollectionNoteRepository.class),
                new Kind(IsolationStrategy.DATABASE_PER_TENANT, DatabaseNote.class, DatabaseNoteRepository.class));
    }

    @BeforeAll
    static void start(MongoBackend backend) {
        database = "sp" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        raw = backend.newClient();
        TenantDatabase.Builder forProbe = TenantDatabase.builder(raw, database);
        COLLECTIONS.forEach(forProbe::collection);
        probe = forProbe.build().newIsolationProbe();
        List<String> properties = new ArrayList<>(List.of("spring.mongodb.uri=" + backend.connectionString(),
                "spring.mongodb.database=" + database,
                // Spring's own index creation at start-up, with no tenant: it asks for the declared indexes.
                "spring.data.mongodb.auto-index-creation=true"));
        COLLECTIONS.forEach((name, strategy) -> properties.add("tenantry.collections." + name + ".isolation="
                + strategy));
        context = new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
                .initializers(c -> c.getBeanFactory().registerSingleton("isolationProbeCustomizer",
                        (MongoClientSettingsBuilderCustomizer) settings -> settings.addCommandListener(probe)))
                .properties(properties.toArray(String[]::new)).run();
        tenants = context.getBean(TenantDatabase.class);
    }

    @AfterAll
    static void stop() {
        try {
            if (context != null) {
                context.close();
            }
            if (tenants != null) {
                for (TenantId tenant : List.of(ACME, GLOBEX)) {
                    raw.getDatabase(tenants.namespaceFor("db_notes", tenant).getDatabaseName()).drop();
                }
            }
            raw.getDatabase(database).drop();
        } finally {
            raw.close();
        }
    }

    @BeforeEach
    void empty() {
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            Tenants.run(tenant, () -> {
                kinds().forEach(kind -> kind.repo().deleteAll());
                context.getBean(PersonRepository.class).deleteAll();
                context.getBean(BookingRepository.class).deleteAll();
            });
        }
        probe.reset();
    }

    @AfterEach
    void probed() {
        probe.assertNoViolations();
    }

    private static MongoTemplate template() {
        return context.getBean(MongoTemplate.class);
    }

    /** Seeds acme with alice's and bob's notes, globex with alice's; answers globex's note. */
    private static <N extends Note> N seed(Kind kind) {
        NoteRepository<N> repo = kind.repo();
        Tenants.run(ACME, () -> repo.saveAll(List.of(kind.note("alice", "a1", 1), kind.note("bob", "a2", 5))));
        return Tenants.call(GLOBEX, () -> repo.save(kind.note("alice", "g1", 7)));
    }

    private static Set<String> titles(List<? extends Note> notes) {
        return notes.stream().map(Note::getTitle).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void derivedQueriesStayInTheTenant(Kind kind) {
        Note theirs = seed(kind);
        NoteRepository<Note> repo = kind.repo();
        Tenants.run(ACME, () -> {
            assertEquals(Set.of("a1", "a2"), titles(repo.findAll()));
            assertEquals(Set.of("a1"), titles(repo.findByOwner("alice")));
            assertEquals(List.of("a2"), repo.findBySizeGreaterThanOrderByTitle(2).stream().map(Note::getTitle)
                    .toList());
            assertEquals(2, repo.count());
            assertEquals(1, repo.countByOwner("alice"));
            assertFalse(repo.findById(theirs.getId()).isPresent(), "another tenant's id is not found");
            assertFalse(repo.existsById(theirs.getId()));
            assertEquals(1, repo.deleteByOwner("alice"));
            repo.deleteById(theirs.getId());
            repo.deleteAll();
        });
        Tenants.run(GLOBEX, () -> assertEquals(List.of("g1"), repo.findAll().stream().map(Note::getTitle).toList(),
                "acme's deletes left globex's notes alone"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void queryParametersCannotWidenTheFilter(Kind kind) {
        seed(kind);
        NoteRepository<Note> repo = kind.repo();
        Tenants.run(ACME, () -> {
            assertEquals(Set.of("a1", "a2"), titles(repo.byOwner(new Document("$ne", null))));
            assertEquals(Set.of(), titles(repo.byOwnerOrTenant("nobody", GLOBEX.value())));
            assertEquals(Set.of("a1", "a2"), titles(repo.everything()));
            assertEquals(Set.of(), titles(repo.matchTenant(GLOBEX.value())));
        });
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void updatesCannotMoveDocumentsToAnotherTenant(Kind kind) {
        seed(kind);
        NoteRepository<Note> repo = kind.repo();
        Tenants.run(ACME, () -> {
            assertThrows(TenantViolationException.class, () -> repo.moveOwnerTo("alice", GLOBEX.value()));
            assertEquals(1, repo.retitle("alice", "renamed"));
            assertEquals(Set.of("renamed", "a2"), titles(repo.findAll()));
        });
        Tenants.run(GLOBEX, () -> assertEquals(Set.of("g1"), titles(repo.findAll())));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aggregationsAreScopedAndJoinsStayInTheTenant(Kind kind) {
        seed(kind);
        NoteRepository<Note> repo = kind.repo();
        PersonRepository people = context.getBean(PersonRepository.class);
        Tenants.run(ACME, () -> people.save(new Person("alice")));
        Tenants.run(GLOBEX, () -> people.save(new Person("alice")));
        Tenants.run(ACME, () -> {
            assertEquals(List.of(new Document("_id", "alice").append("total", 1),
                    new Document("_id", "bob").append("total", 5)), repo.totalsByOwner().getMappedResults());
            if (kind.strategy() == IsolationStrategy.DATABASE_PER_TENANT) {
                // The tenant's own database cannot join the main one: core refuses, as it does for TenantCollection.
                assertThrows(ForbiddenStageException.class, repo::withPeople);
                return;
            }
            List<Document> joined = repo.withPeople().getMappedResults();
            assertEquals(1, joined.size(), "only acme's alice joins acme's note: " + joined);
            assertEquals(ACME.value(), joined.get(0).getString("of"));
            List<Document> viaTemplate = template().aggregate(newAggregation(kind.type(),
                    lookup("people", "owner", "name", "who")), kind.type(), Document.class).getMappedResults();
            assertEquals(2, viaTemplate.size());
            for (Document d : viaTemplate) {
                for (Document who : d.getList("who", Document.class)) {
                    assertEquals(ACME.value(), who.getString("tenantId"), "joined " + who);
                }
            }
        });
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void forbiddenStagesAreRefusedAndWriteNothing(Kind kind) {
        seed(kind);
        NoteRepository<Note> repo = kind.repo();
        Tenants.run(ACME, () -> {
            assertThrows(ForbiddenStageException.class, repo::lookupUnregistered);
            assertThrows(ForbiddenStageException.class, repo::outStolen);
            assertThrows(ForbiddenStageException.class, repo::mergeStolen);
            assertThrows(ForbiddenStageException.class, () -> template().aggregate(newAggregation(kind.type(),
                    out("stolen")), kind.type(), Document.class));
        });
        List<String> names = raw.getDatabase(database).listCollectionNames().into(new ArrayList<>());
        assertFalse(names.contains("stolen"), "collections: " + names);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void withoutATenantEverythingFailsClosed(Kind kind) {
        seed(kind);
        NoteRepository<Note> repo = kind.repo();
        assertThrows(MissingTenantException.class, repo::findAll);
        assertThrows(MissingTenantException.class, repo::count);
        assertThrows(MissingTenantException.class, () -> repo.save(kind.note("eve", "e", 1)));
        assertThrows(MissingTenantException.class, repo::deleteAll);
        assertThrows(MissingTenantException.class, () -> template().findAll(kind.type()));
        assertThrows(MissingTenantException.class, () -> template().updateMulti(new Query(),
                Update.update("title", "x"), kind.type()));
        assertThrows(MissingTenantException.class, () -> template().executeCommand("{ ping: 1 }"));
        Tenants.run(ACME, () -> assertEquals(2, repo.count()));
        Tenants.run(GLOBEX, () -> assertEquals(1, repo.count()));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void templateWritesAreStampedAndScoped(Kind kind) {
        Note theirs = seed(kind);
        MongoTemplate template = template();
        Tenants.run(ACME, () -> {
            assertEquals(List.of(), template.find(query(where("tenantId").is(GLOBEX.value())), kind.type()));
            assertThrows(TenantViolationException.class, () -> template.updateMulti(new Query(),
                    Update.update("tenantId", GLOBEX.value()), kind.type()));
            assertThrows(TenantViolationException.class, () -> template.updateMulti(new Query(),
                    new Update().rename("tenantId", "was"), kind.type()));
            assertEquals(0, template.updateFirst(query(where("_id").is(theirs.getId())), Update.update("title", "x"),
                    kind.type()).getMatchedCount(), "another tenant's id matches nothing");
            template.upsert(query(where("owner").is("zed")), Update.update("title", "z"), kind.type());
            Note modified = template.findAndModify(query(where("owner").is("bob")), new Update().inc("size", 1),
                    FindAndModifyOptions.options().returnNew(true), kind.type());
            assertEquals(6, modified.getSize());
            BulkOperations bulk = template.bulkOps(BulkOperations.BulkMode.ORDERED, kind.type());
            bulk.insert(List.of(kind.note("carol", "b1", 1), kind.note("carol", "b2", 2)));
            bulk.updateMulti(new Query(), Update.update("size", 9));
            bulk.remove(query(where("owner").is("alice")));
            bulk.execute();
            assertEquals(Set.of("a2", "z", "b1", "b2"), titles(template.findAll(kind.type())));
            assertEquals(0, template.remove(query(where("_id").is(theirs.getId())), kind.type())
                    .getDeletedCount());
        });
        Tenants.run(GLOBEX, () -> {
            List<? extends Note> left = template.findAll(kind.type());
            assertEquals(1, left.size());
            assertEquals("g1", left.get(0).getTitle());
            assertEquals(7, left.get(0).getSize());
        });
        // In the database, acme's documents carry acme: the tenant was stamped on insert, upsert and bulk insert.
        String physicalDb = tenants.namespaceFor(kind.collection(), ACME).getDatabaseName();
        String physical = tenants.namespaceFor(kind.collection(), ACME).getCollectionName();
        assertEquals(4, raw.getDatabase(physicalDb).getCollection(physical).countDocuments(
                Filters.eq("tenantId", ACME.value())));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aSaveOfAnotherTenantsIdNeverTouchesTheirDocument(Kind kind) {
        Note theirs = seed(kind);
        NoteRepository<Note> repo = kind.repo();
        Note forged = kind.note("mallory", "forged", 0);
        forged.setId(theirs.getId());
        Tenants.run(ACME, () -> {
            try {
                repo.save(forged);
            } catch (DataAccessException | TenantryException expected) {
                // SHARED: the upsert's insert collides with globex's _id; the collision names nothing of theirs.
            }
        });
        Tenants.run(GLOBEX, () -> assertEquals("g1", repo.findById(theirs.getId()).orElseThrow().getTitle()));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @RequiresCapability(Capability.TRANSACTIONS)
    void transactionsPassThroughTheScoping(Kind kind) {
        seed(kind);
        NoteRepository<Note> repo = kind.repo();
        TransactionTemplate tx = new TransactionTemplate(new MongoTransactionManager(
                context.getBean(MongoDatabaseFactory.class)));
        Tenants.run(ACME, () -> {
            assertThrows(IllegalStateException.class, () -> tx.executeWithoutResult(status -> {
                repo.save(kind.note("dora", "rolled back", 1));
                assertEquals(3, repo.count(), "the transaction sees its own write, in the tenant");
                throw new IllegalStateException("roll back");
            }));
            assertEquals(2, repo.count());
            tx.executeWithoutResult(status -> {
                repo.save(kind.note("dora", "committed", 1));
                assertThrows(TenantViolationException.class, () -> template().updateMulti(new Query(),
                        Update.update("tenantId", GLOBEX.value()), kind.type()));
                status.setRollbackOnly();
            });
            tx.executeWithoutResult(status -> repo.save(kind.note("dora", "committed", 1)));
            assertEquals(3, repo.count());
        });
        Tenants.run(GLOBEX, () -> assertEquals(1, repo.count()));
    }

    @Test
    void indexAnnotationsAreDeclaredIndexesEnsuredWithoutATenant() {
        // Start-up (no tenant) created the shared collection's declared indexes, tenant-leading, named as Spring does.
        Map<String, Document> people = indexes(database, "people");
        assertEquals(new Document("tenantId", 1).append("name", 1), people.get("name").get("key"), "" + people);
        assertEquals(Boolean.TRUE, people.get("name").getBoolean("unique"));
        PersonRepository repo = context.getBean(PersonRepository.class);
        Tenants.run(ACME, () -> repo.save(new Person("alice")));
        Tenants.run(GLOBEX, () -> repo.save(new Person("alice")));
        Tenants.run(ACME, () -> assertThrows(DuplicateKeyException.class, () -> repo.save(new Person("alice")),
                "unique per tenant"));
        // A per-tenant collection gets them when the tenant first uses it.
        kinds().filter(kind -> kind.strategy() != IsolationStrategy.SHARED).forEach(kind -> {
            Tenants.run(ACME, () -> kind.repo().count());
            var ns = tenants.namespaceFor(kind.collection(), ACME);
            Map<String, Document> own = indexes(ns.getDatabaseName(), ns.getCollectionName());
            assertEquals(new Document("tenantId", 1).append("owner", 1), own.get("owner").get("key"),
                    kind + ": " + own);
        });
        assertEquals(2, tenants.getIndexes("coll_notes").size() + tenants.getIndexes("people").size());
    }

    private static Map<String, Document> indexes(String db, String collection) {
        return raw.getDatabase(db).getCollection(collection).listIndexes().into(new ArrayList<>()).stream()
                .collect(Collectors.toMap(i -> i.getString("name"), i -> i));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void readsOfEveryShapeStayInTheTenantAndForeignTenantDocumentsAreRefused(Kind kind) {
        Note theirs = seed(kind);
        MongoTemplate template = template();
        String collection = kind.collection();
        Tenants.run(ACME, () -> {
            assertEquals(2, template.count(new Query(), kind.type()));
            assertEquals(2, template.estimatedCount(kind.type()));
            assertEquals(List.of("alice", "bob"), template.findDistinct(new Query(), "owner", kind.type(),
                    String.class).stream().sorted().toList());
            assertFalse(template.exists(query(where("_id").is(theirs.getId())), kind.type()));
            try (Stream<? extends Note> stream = template.stream(new Query(), kind.type())) {
                assertEquals(2, stream.count());
            }
            assertEquals(2, template.find(new Query().limit(10).skip(0).with(
                    org.springframework.data.domain.Sort.by("title")), kind.type()).size());
            // A document naming another tenant is rejected, not silently re-stamped.
            assertThrows(TenantViolationException.class, () -> template.insert(new Document("title", "forged")
                    .append("tenantId", GLOBEX.value()), collection));
            assertThrows(TenantViolationException.class, () -> template.save(new Document("title", "forged")
                    .append("tenantId", GLOBEX.value()), collection));
        });
        Tenants.run(GLOBEX, () -> assertEquals(1, template.count(new Query(), kind.type())));
    }

    @Test
    void gridFsIsNotTenantScopedSoItRunsOnlyInSystemScope() {
        GridFsTemplate gridFs = context.getBean(GridFsTemplate.class);
        Tenants.run(ACME, () -> assertThrows(TenantViolationException.class, () -> gridFs.store(
                new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), "a.bin")));
        assertThrows(MissingTenantException.class, () -> gridFs.find(new Query()).first());
        Tenants.runAsSystem("test: shared files", () -> {
            gridFs.store(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), "shared.bin");
            assertEquals("shared.bin", gridFs.findOne(query(where("filename").is("shared.bin"))).getFilename());
            gridFs.delete(new Query());
        });
    }

    @Test
    void aReferenceToAnotherTenantsDocumentResolvesToNothing() {
        PersonRepository people = context.getBean(PersonRepository.class);
        BookingRepository bookings = context.getBean(BookingRepository.class);
        Person theirs = Tenants.call(GLOBEX, () -> people.save(new Person("gina")));
        Person mine = Tenants.call(ACME, () -> people.save(new Person("alice")));
        Tenants.run(ACME, () -> {
            String forged = bookings.save(new Booking(theirs)).getId();
            String honest = bookings.save(new Booking(mine)).getId();
            assertEquals(null, bookings.findById(forged).orElseThrow().getPerson(),
                    "the @DBRef is resolved in acme, where globex's person does not exist");
            assertEquals("alice", bookings.findById(honest).orElseThrow().getPerson().getName());
        });
    }

    @Test
    void collectionNamesAreTheTenantsView() {
        kinds().forEach(SpringDataIsolationIT::seed);
        MongoTemplate template = template();
        Set<String> acme = Tenants.call(ACME, template::getCollectionNames);
        assertTrue(acme.containsAll(Set.of("shared_notes", "coll_notes", "db_notes")), acme.toString());
        assertTrue(COLLECTIONS.keySet().containsAll(acme), "only logical names of registered collections: " + acme);
        TenantId initech = TenantId.of("initech");
        Set<String> none = Tenants.call(initech, template::getCollectionNames);
        assertTrue(none.contains("shared_notes"), "a shared collection exists for every tenant: " + none);
        assertFalse(none.contains("coll_notes") || none.contains("db_notes"), none.toString());
        assertTrue(Tenants.call(ACME, () -> template.collectionExists(CollectionNote.class)));
        assertFalse(Tenants.call(initech, () -> template.collectionExists(CollectionNote.class)));
        assertFalse(Tenants.call(ACME, () -> template.collectionExists("secrets")));
        assertThrows(MissingTenantException.class, template::getCollectionNames);
    }

    @Test
    void whatATenantMustNotDoIsRefusedAndAllowedInSystemScope() {
        kinds().forEach(SpringDataIsolationIT::seed);
        MongoTemplate template = template();
        Tenants.run(ACME, () -> {
            assertThrows(TenantViolationException.class, () -> template.executeCommand("{ ping: 1 }"));
            assertThrows(TenantViolationException.class, () -> template.dropCollection(SharedNote.class));
            assertThrows(TenantViolationException.class, () -> template.getCollection("secrets"));
            assertThrows(TenantViolationException.class, () -> template.getDb().aggregate(List.of()));
        });
        Tenants.runAsSystem("test: cross-tenant work", () -> {
            assertEquals(1.0, template.executeCommand("{ ping: 1 }").get("ok", Number.class).doubleValue());
            assertEquals(3, template.findAll(SharedNote.class).size(), "system scope sees every tenant's notes");
            assertThrows(MissingTenantException.class, () -> template.findAll(CollectionNote.class),
                    "a per-tenant collection needs a tenant even in system scope");
            Tenants.run(GLOBEX, () -> assertEquals(1, template.findAll(CollectionNote.class).size()));
            template.getCollection("secrets").insertOne(new Document("x", 1));
            template.dropCollection("secrets");
        });
        assertTrue(context.getBean(MongoDatabaseFactory.class) instanceof TenantMongoDatabaseFactory);
    }
}
