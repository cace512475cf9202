package dev.tenantry.collection.internal;

import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.AggregateIterable;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.ClientSession;
import com.mongodb.client.ListCollectionNamesIterable;
import com.mongodb.client.ListCollectionsIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.CreateViewOptions;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantCollection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TenantDatabaseImpl} as the driver's {@link MongoDatabase}, for frameworks written against the driver
 * (Spring Data's {@code MongoTemplate}): a registered collection is handed out as a {@link DriverCollection}, scoped by
 * the same path as {@link TenantCollection}. What a tenant scope must not do runs only in system scope, and is
 * refused elsewhere with a message that names it: any other collection of the database, {@code runCommand} (a command
 * names its own collection and filter), database-level {@code aggregate} and {@code watch} (they span every
 * collection), {@code listCollections} (per-tenant names carry tenant ids), creating or dropping collections and
 * views. {@code listCollectionNames} answers in a tenant's scope with the tenant's view, the logical names of the
 * registered collections that exist for it (what Spring's {@code collectionExists} and {@code getCollectionNames}
 * read).
 *
 * <p>The database is the main database of the registry ({@link #getName()}); read preference, write and read concern
 * and codecs set here are those of the collections it hands out. Immutable and thread-safe.
 */
final class DriverDatabase implements MongoDatabase {

    private static final String LISTING = "the physical names of per-tenant collections name every tenant; "
            + "listCollectionNames answers with the tenant's own view";

    private static final String COMMAND = "a command names its own collection and filter, which nothing confines to "
            + "a tenant; use the collection's methods, which are scoped";

    private static final String SPANS = "it spans every collection of the database; use the collection's method, "
            + "which is scoped";

    private final TenantDatabaseImpl db;
    private final MongoDatabase main;

    DriverDatabase(TenantDatabaseImpl db, MongoDatabase main) {
        this.db = db;
        this.main = main;
    }

    /** The main database itself, for work that runs only in system scope; refused elsewhere. */
    private MongoDatabase system(String operation, String why) {
        Refusals.requireSystemScope(operation + " on database '" + main.getName() + "'", why);
        db.admit(Tenants.currentIfPresent().orElse(null));
        return main;
    }

    private static ClientSession session(ClientSession session) {
        return Objects.requireNonNull(session, "clientSession");
    }

    // ---------------------------------------------------------------- identity and derivation

    @Override
    public String getName() {
        return main.getName();
    }

    @Override
    public CodecRegistry getCodecRegistry() {
        return main.getCodecRegistry();
    }

    @Override
    public ReadPreference getReadPreference() {
        return main.getReadPreference();
    }

    @Override
    public WriteConcern getWriteConcern() {
        return main.getWriteConcern();
    }

    @Override
    public ReadConcern getReadConcern() {
        return main.getReadConcern();
    }

    @Override
    public @Nullable Long getTimeout(TimeUnit timeUnit) {
        return main.getTimeout(timeUnit);
    }

    @Override
    public MongoDatabase withCodecRegistry(CodecRegistry codecRegistry) {
        return new DriverDatabase(db, main.withCodecRegistry(codecRegistry));
    }

    @Override
    public MongoDatabase withReadPreference(ReadPreference readPreference) {
        return new DriverDatabase(db, main.withReadPreference(readPreference));
    }

    @Override
    public MongoDatabase withWriteConcern(WriteConcern writeConcern) {
        return new DriverDatabase(db, main.withWriteConcern(writeConcern));
    }

    @Override
    public MongoDatabase withReadConcern(ReadConcern readConcern) {
        return new DriverDatabase(db, main.withReadConcern(readConcern));
    }

    /**
     * Not supported: tenant-scoped collections take their timeouts from the client's settings ({@code timeoutMS}).
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public MongoDatabase withTimeout(long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("withTimeout is not supported on tenant-scoped database '"
                + main.getName() + "'; set timeoutMS in the MongoClient's settings");
    }

    // ---------------------------------------------------------------- collections

    @Override
    public MongoCollection<Document> getCollection(String collectionName) {
        return getCollection(collectionName, Document.class);
    }

    /**
     * A registered collection, scoped; a global one ({@code TenantDatabase.Builder.globalCollection}) in every scope,
     * as the driver's with what could reach tenant data refused outside system scope ({@link GlobalCollection}); any
     * other only in system scope, as the driver's.
     *
     * @throws dev.tenantry.MissingTenantException for an unregistered collection where no tenant is set
     * @throws dev.tenantry.TenantViolationException for an unregistered collection in a tenant's scope
     */
    @Override
    public <T> MongoCollection<T> getCollection(String collectionName, Class<T> documentClass) {
        Objects.requireNonNull(collectionName, "collectionName");
        Objects.requireNonNull(documentClass, "documentClass");
        if (db.getGlobalCollectionNames().contains(collectionName)) {
            return GlobalCollection.of(main.getCollection(collectionName, documentClass),
                    db.getGlobalCollectionNames()::contains);
        }
        if (!db.getCollectionNames().contains(collectionName)) {
            return system("collection '" + collectionName + "'", "it is neither registered as tenant-scoped "
                    + "(registered: " + db.getCollectionNames() + ") nor declared global (holding no tenant's data: "
                    + "TenantDatabase.Builder.globalCollection, tenantry.global-collections with the Spring Boot "
                    + "starter), so nothing confines it to a tenant")
                    .getCollection(collectionName, documentClass);
        }
        TenantCollection<T> scoped = db.getCollection(collectionName, documentClass)
                .withCodecRegistry(main.getCodecRegistry()).withReadPreference(main.getReadPreference())
                .withWriteConcern(main.getWriteConcern()).withReadConcern(main.getReadConcern());
        return new DriverCollection<>((TenantCollectionImpl<T>) scoped);
    }

    @Override
    public void createCollection(String collectionName) {
        createCollection(collectionName, new CreateCollectionOptions());
    }

    @Override
    public void createCollection(String collectionName, CreateCollectionOptions options) {
        system("createCollection '" + collectionName + "'", "collections are schema, created by the library")
                .createCollection(collectionName, options);
    }

    @Override
    public void createCollection(ClientSession session, String collectionName) {
        createCollection(session, collectionName, new CreateCollectionOptions());
    }

    @Override
    public void createCollection(ClientSession session, String collectionName, CreateCollectionOptions options) {
        system("createCollection '" + collectionName + "'", "collections are schema, created by the library")
                .createCollection(session(session), collectionName, options);
    }

    @Override
    public void createView(String viewName, String viewOn, List<? extends Bson> pipeline) {
        createView(viewName, viewOn, pipeline, new CreateViewOptions());
    }

    @Override
    public void createView(String viewName, String viewOn, List<? extends Bson> pipeline,
                           CreateViewOptions createViewOptions) {
        system("createView '" + viewName + "'", "a view's pipeline is not scoped to a tenant")
                .createView(viewName, viewOn, pipeline, createViewOptions);
    }

    @Override
    public void createView(ClientSession session, String viewName, String viewOn, List<? extends Bson> pipeline) {
        createView(session, viewName, viewOn, pipeline, new CreateViewOptions());
    }

    @Override
    public void createView(ClientSession session, String viewName, String viewOn, List<? extends Bson> pipeline,
                           CreateViewOptions createViewOptions) {
        system("createView '" + viewName + "'", "a view's pipeline is not scoped to a tenant")
                .createView(session(session), viewName, viewOn, pipeline, createViewOptions);
    }

    /**
     * In system scope the database's own listing; in a tenant's scope the tenant's view ({@link
     * TenantCollectionNames}): the logical names of the registered collections that exist for the tenant.
     *
     * @throws dev.tenantry.MissingTenantException where no tenant is set
     */
    @Override
    public ListCollectionNamesIterable listCollectionNames() {
        return Tenants.inSystemScope() ? system("listCollectionNames", LISTING).listCollectionNames()
                : new TenantCollectionNames(tenantFor("listCollectionNames"), db, main, null);
    }

    @Override
    public ListCollectionNamesIterable listCollectionNames(ClientSession session) {
        return Tenants.inSystemScope() ? system("listCollectionNames", LISTING).listCollectionNames(session(session))
                : new TenantCollectionNames(tenantFor("listCollectionNames"), db, main, session(session));
    }

    /** The current tenant, for an operation that has a tenant's view. */
    private static TenantId tenantFor(String operation) {
        return Tenants.currentIfPresent().orElseThrow(() -> new MissingTenantException(operation + " on a "
                + "tenant-scoped database needs a tenant: set one, or run cross-tenant work in "
                + "Tenants.runAsSystem(reason, ...)"));
    }

    @Override
    public ListCollectionsIterable<Document> listCollections() {
        return listCollections(Document.class);
    }

    @Override
    public <R> ListCollectionsIterable<R> listCollections(Class<R> resultClass) {
        return system("listCollections", LISTING).listCollections(resultClass);
    }

    @Override
    public ListCollectionsIterable<Document> listCollections(ClientSession session) {
        return listCollections(session, Document.class);
    }

    @Override
    public <R> ListCollectionsIterable<R> listCollections(ClientSession session, Class<R> resultClass) {
        return system("listCollections", LISTING).listCollections(session(session), resultClass);
    }

    @Override
    public void drop() {
        system("drop", "it holds every tenant's data").drop();
    }

    @Override
    public void drop(ClientSession session) {
        system("drop", "it holds every tenant's data").drop(session(session));
    }

    // ---------------------------------------------------------------- commands

    @Override
    public Document runCommand(Bson command) {
        return system("runCommand", COMMAND).runCommand(command);
    }

    @Override
    public Document runCommand(Bson command, ReadPreference readPreference) {
        return system("runCommand", COMMAND).runCommand(command, readPreference);
    }

    @Override
    public <R> R runCommand(Bson command, Class<R> resultClass) {
        return system("runCommand", COMMAND).runCommand(command, resultClass);
    }

    @Override
    public <R> R runCommand(Bson command, ReadPreference readPreference, Class<R> resultClass) {
        return system("runCommand", COMMAND).runCommand(command, readPreference, resultClass);
    }

    @Override
    public Document runCommand(ClientSession session, Bson command) {
        return system("runCommand", COMMAND).runCommand(session(session), command);
    }

    @Override
    public Document runCommand(ClientSession session, Bson command, ReadPreference readPreference) {
        return system("runCommand", COMMAND).runCommand(session(session), command, readPreference);
    }

    @Override
    public <R> R runCommand(ClientSession session, Bson command, Class<R> resultClass) {
        return system("runCommand", COMMAND).runCommand(session(session), command, resultClass);
    }

    @Override
    public <R> R runCommand(ClientSession session, Bson command, ReadPreference readPreference,
                            Class<R> resultClass) {
        return system("runCommand", COMMAND).runCommand(session(session), command, readPreference, resultClass);
    }

    // ---------------------------------------------------------------- database-level aggregation and streams

    @Override
    public AggregateIterable<Document> aggregate(List<? extends Bson> pipeline) {
        return aggregate(pipeline, Document.class);
    }

    @Override
    public <R> AggregateIterable<R> aggregate(List<? extends Bson> pipeline, Class<R> resultClass) {
        return system("aggregate", SPANS).aggregate(pipeline, resultClass);
    }

    @Override
    public AggregateIterable<Document> aggregate(ClientSession session, List<? extends Bson> pipeline) {
        return aggregate(session, pipeline, Document.class);
    }

    @Override
    public <R> AggregateIterable<R> aggregate(ClientSession session, List<? extends Bson> pipeline,
                                              Class<R> resultClass) {
        return system("aggregate", SPANS).aggregate(session(session), pipeline, resultClass);
    }

    @Override
    public ChangeStreamIterable<Document> watch() {
        return watch(List.of(), Document.class);
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(Class<R> resultClass) {
        return watch(List.of(), resultClass);
    }

    @Override
    public ChangeStreamIterable<Document> watch(List<? extends Bson> pipeline) {
        return watch(pipeline, Document.class);
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(List<? extends Bson> pipeline, Class<R> resultClass) {
        return system("watch", SPANS).watch(pipeline, resultClass);
    }

    @Override
    public ChangeStreamIterable<Document> watch(ClientSession session) {
        return watch(session, List.of(), Document.class);
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(ClientSession session, Class<R> resultClass) {
        return watch(session, List.of(), resultClass);
    }

    @Override
    public ChangeStreamIterable<Document> watch(ClientSession session, List<? extends Bson> pipeline) {
        return watch(session, pipeline, Document.class);
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(ClientSession session, List<? extends Bson> pipeline,
                                             Class<R> resultClass) {
        return system("watch", SPANS).watch(session(session), pipeline, resultClass);
    }

    @Override
    public String toString() {
        return "MongoDatabase{" + db + "}";
    }
}
