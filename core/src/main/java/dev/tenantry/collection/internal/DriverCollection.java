package dev.tenantry.collection.internal;

import com.mongodb.MongoNamespace;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.AggregateIterable;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.ClientSession;
import com.mongodb.client.DistinctIterable;
import com.mongodb.client.FindIterable;
import com.mongodb.client.ListIndexesIterable;
import com.mongodb.client.ListSearchIndexesIterable;
import com.mongodb.client.MapReduceIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.CreateIndexOptions;
import com.mongodb.client.model.DeleteOptions;
import com.mongodb.client.model.DropCollectionOptions;
import com.mongodb.client.model.DropIndexOptions;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.InsertOneOptions;
import com.mongodb.client.model.RenameCollectionOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.SearchIndexModel;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.InsertManyResult;
import com.mongodb.client.result.InsertOneResult;
import com.mongodb.client.result.UpdateResult;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.internal.ScopedWrites.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A registered collection as the driver's {@link MongoCollection}: every operation, with or without a {@link
 * ClientSession}, goes through the very path of {@link TenantCollectionImpl} (render once, check, scope, send,
 * notify), so the rules exist once. What the driver's API has beyond {@code TenantCollection} is refused outside
 * system scope: dropping or renaming the collection, map-reduce (which cannot be confined), search-index DDL.
 *
 * <p>In system scope with a tenant open, operations act in that tenant, scoped as always. In system scope with no
 * tenant open, a {@link IsolationStrategy#SHARED} collection is the physical collection of every tenant, as the
 * driver's (cross-tenant work, reported to the database's system-scope listeners), except that writes of whole
 * documents (inserts, replacements, upserts) ask for a tenant: their documents would belong to none; a per-tenant
 * collection has no single physical collection, so its operations ask for a tenant.
 *
 * <p>Index creation asked for an index that the registry declares ({@code TenantDatabase.Builder.index}), the same
 * keys once tenant-leading and the same name, creates nothing and answers the name, in any scope: the library
 * ensures declared indexes itself, which is how a framework's automatic index creation (Spring Data's) is absorbed.
 *
 * <p>{@link #getNamespace()} answers the logical namespace (main database, logical name), which a framework can hand
 * back to {@link DriverDatabase#getCollection}; the physical one is {@code TenantDatabase.namespaceFor}. Immutable and
 * thread-safe.
 */
final class DriverCollection<T> implements MongoCollection<T> {

    private final TenantCollectionImpl<T> scoped;
    private final TenantDatabaseImpl db;
    private final String name;
    private final IsolationStrategy isolation;

    DriverCollection(TenantCollectionImpl<T> scoped) {
        this.scoped = scoped;
        this.db = scoped.database();
        this.name = scoped.getLogicalName();
        this.isolation = scoped.getIsolation();
    }

    private static <N> DriverCollection<N> of(dev.tenantry.collection.TenantCollection<N> view) {
        return new DriverCollection<>((TenantCollectionImpl<N>) view);
    }

    /**
     * The physical shared collection, for work in system scope with no tenant open (reported to the system-scope
     * listeners first); null where the scoped path applies.
     *
     * @throws MissingTenantException in system scope with no tenant, on a per-tenant collection
     */
    private @Nullable MongoCollection<T> system(String operation) {
        if (!Tenants.inSystemScope() || Tenants.currentIfPresent().isPresent()) {
            return null;
        }
        if (isolation != IsolationStrategy.SHARED) {
            throw new MissingTenantException(operation + " on collection '" + name + "' (" + isolation + ") in "
                    + "system scope needs a tenant: each tenant's documents live apart; open the tenant inside the "
                    + "system scope with Tenants.run(tenant, ...)");
        }
        db.admit(null);
        return physical(new MongoNamespace(db.getName(), name));
    }

    /**
     * As {@link #system(String)}, for a write that may write whole documents ({@code writesDocuments}, asked only on
     * the system path: an insert, a replacement or an upsert): in system scope with no tenant open it is refused, since the document would carry no
     * tenant (or whatever the caller put there) and no tenant could see it.
     *
     * @throws MissingTenantException in system scope with no tenant, for a write of whole documents
     */
    private @Nullable MongoCollection<T> system(String operation, BooleanSupplier writesDocuments) {
        MongoCollection<T> raw = system(operation);
        if (raw != null && writesDocuments.getAsBoolean()) {
            throw new MissingTenantException(operation + " on collection '" + name + "' in system scope with no tenant "
                    + "open would write documents that no tenant owns; open the tenant inside the system scope with "
                    + "Tenants.run(tenant, ...), which stamps it");
        }
        return raw;
    }

    /** Whether a bulk write writes whole documents: an insert, a replacement or an upsert. */
    private static boolean writesDocuments(List<? extends WriteModel<?>> requests) {
        for (WriteModel<?> request : requests) {
            if (request instanceof InsertOneModel || request instanceof ReplaceOneModel
                    || request instanceof UpdateOneModel<?> one && one.getOptions().isUpsert()
                    || request instanceof UpdateManyModel<?> many && many.getOptions().isUpsert()) {
                return true;
            }
        }
        return false;
    }

    private MongoCollection<T> physical(MongoNamespace namespace) {
        return db.database(namespace.getDatabaseName()).getCollection(namespace.getCollectionName(),
                        scoped.getDocumentClass()).withCodecRegistry(scoped.getCodecRegistry())
                .withReadPreference(scoped.getReadPreference()).withWriteConcern(scoped.getWriteConcern())
                .withReadConcern(scoped.getReadConcern());
    }

    private Renderer renderer() {
        return scoped.renderer();
    }

    // ---------------------------------------------------------------- identity and derivation

    @Override
    public MongoNamespace getNamespace() {
        return new MongoNamespace(db.getName(), name);
    }

    @Override
    public Class<T> getDocumentClass() {
        return scoped.getDocumentClass();
    }

    @Override
    public org.bson.codecs.configuration.CodecRegistry getCodecRegistry() {
        return scoped.getCodecRegistry();
    }

    @Override
    public ReadPreference getReadPreference() {
        return scoped.getReadPreference();
    }

    @Override
    public WriteConcern getWriteConcern() {
        return scoped.getWriteConcern();
    }

    @Override
    public ReadConcern getReadConcern() {
        return scoped.getReadConcern();
    }

    @Override
    public @Nullable Long getTimeout(TimeUnit timeUnit) {
        return db.database(db.getName()).getTimeout(timeUnit);
    }

    @Override
    public <N> MongoCollection<N> withDocumentClass(Class<N> documentClass) {
        return of(scoped.withDocumentClass(documentClass));
    }

    @Override
    public MongoCollection<T> withCodecRegistry(org.bson.codecs.configuration.CodecRegistry codecRegistry) {
        return of(scoped.withCodecRegistry(codecRegistry));
    }

    @Override
    public MongoCollection<T> withReadPreference(ReadPreference readPreference) {
        return of(scoped.withReadPreference(readPreference));
    }

    @Override
    public MongoCollection<T> withWriteConcern(WriteConcern writeConcern) {
        return of(scoped.withWriteConcern(writeConcern));
    }

    @Override
    public MongoCollection<T> withReadConcern(ReadConcern readConcern) {
        return of(scoped.withReadConcern(readConcern));
    }

    /**
     * Not supported: tenant-scoped collections take their timeouts from the client's settings ({@code timeoutMS}).
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public MongoCollection<T> withTimeout(long timeout, TimeUnit timeUnit) {
        throw new UnsupportedOperationException("withTimeout is not supported on tenant-scoped collection '" + name
                + "'; set timeoutMS in the MongoClient's settings");
    }

    // ---------------------------------------------------------------- counting and distinct

    @Override
    public long countDocuments() {
        return countIn(null, new Document(), new CountOptions());
    }

    @Override
    public long countDocuments(Bson filter) {
        return countIn(null, filter, new CountOptions());
    }

    @Override
    public long countDocuments(Bson filter, CountOptions options) {
        return countIn(null, filter, options);
    }

    @Override
    public long countDocuments(ClientSession session) {
        return countIn(session(session), new Document(), new CountOptions());
    }

    @Override
    public long countDocuments(ClientSession session, Bson filter) {
        return countIn(session(session), filter, new CountOptions());
    }

    @Override
    public long countDocuments(ClientSession session, Bson filter, CountOptions options) {
        return countIn(session(session), filter, options);
    }

    private long countIn(@Nullable ClientSession s, Bson filter, CountOptions options) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system("countDocuments");
        if (raw != null) {
            return s == null ? raw.countDocuments(filter, options) : raw.countDocuments(s, filter, options);
        }
        return scoped.count(s, filter, OptionsCopies.count(options, renderer()));
    }

    @Override
    public long estimatedDocumentCount() {
        MongoCollection<T> raw = system("estimatedDocumentCount");
        return raw != null ? raw.estimatedDocumentCount() : scoped.estimatedDocumentCount();
    }

    @Override
    public long estimatedDocumentCount(EstimatedDocumentCountOptions options) {
        MongoCollection<T> raw = system("estimatedDocumentCount");
        return raw != null ? raw.estimatedDocumentCount(options) : scoped.estimatedDocumentCount(options);
    }

    @Override
    public <R> DistinctIterable<R> distinct(String fieldName, Class<R> resultClass) {
        return distinctIn(null, fieldName, new Document(), resultClass);
    }

    @Override
    public <R> DistinctIterable<R> distinct(String fieldName, Bson filter, Class<R> resultClass) {
        return distinctIn(null, fieldName, filter, resultClass);
    }

    @Override
    public <R> DistinctIterable<R> distinct(ClientSession session, String fieldName, Class<R> resultClass) {
        return distinctIn(session(session), fieldName, new Document(), resultClass);
    }

    @Override
    public <R> DistinctIterable<R> distinct(ClientSession session, String fieldName, Bson filter,
                                            Class<R> resultClass) {
        return distinctIn(session(session), fieldName, filter, resultClass);
    }

    private <R> DistinctIterable<R> distinctIn(@Nullable ClientSession s, String fieldName, Bson filter,
                                             Class<R> resultClass) {
        MongoCollection<T> raw = system("distinct");
        if (raw != null) {
            return s == null ? raw.distinct(fieldName, filter, resultClass)
                    : raw.distinct(s, fieldName, filter, resultClass);
        }
        return scoped.distinct(s, fieldName, filter, resultClass);
    }

    // ---------------------------------------------------------------- find and aggregate

    @Override
    public FindIterable<T> find() {
        return findIn(null, new Document(), getDocumentClass());
    }

    @Override
    public <R> FindIterable<R> find(Class<R> resultClass) {
        return findIn(null, new Document(), resultClass);
    }

    @Override
    public FindIterable<T> find(Bson filter) {
        return findIn(null, filter, getDocumentClass());
    }

    @Override
    public <R> FindIterable<R> find(Bson filter, Class<R> resultClass) {
        return findIn(null, filter, resultClass);
    }

    @Override
    public FindIterable<T> find(ClientSession session) {
        return findIn(session(session), new Document(), getDocumentClass());
    }

    @Override
    public <R> FindIterable<R> find(ClientSession session, Class<R> resultClass) {
        return findIn(session(session), new Document(), resultClass);
    }

    @Override
    public FindIterable<T> find(ClientSession session, Bson filter) {
        return findIn(session(session), filter, getDocumentClass());
    }

    @Override
    public <R> FindIterable<R> find(ClientSession session, Bson filter, Class<R> resultClass) {
        return findIn(session(session), filter, resultClass);
    }

    private <R> FindIterable<R> findIn(@Nullable ClientSession s, Bson filter, Class<R> resultClass) {
        MongoCollection<T> raw = system("find");
        if (raw != null) {
            return s == null ? raw.find(filter, resultClass) : raw.find(s, filter, resultClass);
        }
        return scoped.find(s, filter, resultClass);
    }

    @Override
    public AggregateIterable<T> aggregate(List<? extends Bson> pipeline) {
        return aggregateIn(null, pipeline, getDocumentClass());
    }

    @Override
    public <R> AggregateIterable<R> aggregate(List<? extends Bson> pipeline, Class<R> resultClass) {
        return aggregateIn(null, pipeline, resultClass);
    }

    @Override
    public AggregateIterable<T> aggregate(ClientSession session, List<? extends Bson> pipeline) {
        return aggregateIn(session(session), pipeline, getDocumentClass());
    }

    @Override
    public <R> AggregateIterable<R> aggregate(ClientSession session, List<? extends Bson> pipeline,
                                              Class<R> resultClass) {
        return aggregateIn(session(session), pipeline, resultClass);
    }

    private <R> AggregateIterable<R> aggregateIn(@Nullable ClientSession s, List<? extends Bson> pipeline,
                                               Class<R> resultClass) {
        MongoCollection<T> raw = system("aggregate");
        if (raw != null) {
            return s == null ? raw.aggregate(pipeline, resultClass) : raw.aggregate(s, pipeline, resultClass);
        }
        return scoped.aggregate(s, pipeline, resultClass);
    }

    // ---------------------------------------------------------------- change streams

    @Override
    public ChangeStreamIterable<T> watch() {
        return watchIn(null, List.of(), getDocumentClass());
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(Class<R> resultClass) {
        return watchIn(null, List.of(), resultClass);
    }

    @Override
    public ChangeStreamIterable<T> watch(List<? extends Bson> pipeline) {
        return watchIn(null, pipeline, getDocumentClass());
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(List<? extends Bson> pipeline, Class<R> resultClass) {
        return watchIn(null, pipeline, resultClass);
    }

    @Override
    public ChangeStreamIterable<T> watch(ClientSession session) {
        return watchIn(session(session), List.of(), getDocumentClass());
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(ClientSession session, Class<R> resultClass) {
        return watchIn(session(session), List.of(), resultClass);
    }

    @Override
    public ChangeStreamIterable<T> watch(ClientSession session, List<? extends Bson> pipeline) {
        return watchIn(session(session), pipeline, getDocumentClass());
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(ClientSession session, List<? extends Bson> pipeline,
                                             Class<R> resultClass) {
        return watchIn(session(session), pipeline, resultClass);
    }

    private <R> ChangeStreamIterable<R> watchIn(@Nullable ClientSession s, List<? extends Bson> pipeline,
                                              Class<R> resultClass) {
        MongoCollection<T> raw = system("watch");
        if (raw != null) {
            return s == null ? raw.watch(pipeline, resultClass) : raw.watch(s, pipeline, resultClass);
        }
        return scoped.watch(s, pipeline, resultClass);
    }

    // ---------------------------------------------------------------- map-reduce

    @Override
    @SuppressWarnings("deprecation")
    public MapReduceIterable<T> mapReduce(String mapFunction, String reduceFunction) {
        return mapReduceIn(null, mapFunction, reduceFunction, getDocumentClass());
    }

    @Override
    @SuppressWarnings("deprecation")
    public <R> MapReduceIterable<R> mapReduce(String mapFunction, String reduceFunction, Class<R> resultClass) {
        return mapReduceIn(null, mapFunction, reduceFunction, resultClass);
    }

    @Override
    @SuppressWarnings("deprecation")
    public MapReduceIterable<T> mapReduce(ClientSession session, String mapFunction, String reduceFunction) {
        return mapReduceIn(session(session), mapFunction, reduceFunction, getDocumentClass());
    }

    @Override
    @SuppressWarnings("deprecation")
    public <R> MapReduceIterable<R> mapReduce(ClientSession session, String mapFunction, String reduceFunction,
                                              Class<R> resultClass) {
        return mapReduceIn(session(session), mapFunction, reduceFunction, resultClass);
    }

    @SuppressWarnings("deprecation")
    private <R> MapReduceIterable<R> mapReduceIn(@Nullable ClientSession s, String mapFunction, String reduceFunction,
                                               Class<R> resultClass) {
        Refusals.requireSystemScope("mapReduce on collection '" + name + "'", "its JavaScript and output "
                + "collection cannot be confined to a tenant; use aggregate, which is scoped");
        MongoCollection<T> raw = system("mapReduce");
        if (raw == null) {
            throw new MissingTenantException("mapReduce on collection '" + name + "' runs only in system scope with no "
                    + "tenant open, on the shared collection; use aggregate for one tenant's documents");
        }
        return s == null ? raw.mapReduce(mapFunction, reduceFunction, resultClass)
                : raw.mapReduce(s, mapFunction, reduceFunction, resultClass);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public BulkWriteResult bulkWrite(List<? extends WriteModel<? extends T>> requests) {
        return bulkWriteIn(null, requests, new BulkWriteOptions());
    }

    @Override
    public BulkWriteResult bulkWrite(List<? extends WriteModel<? extends T>> requests, BulkWriteOptions options) {
        return bulkWriteIn(null, requests, options);
    }

    @Override
    public BulkWriteResult bulkWrite(ClientSession session, List<? extends WriteModel<? extends T>> requests) {
        return bulkWriteIn(session(session), requests, new BulkWriteOptions());
    }

    @Override
    public BulkWriteResult bulkWrite(ClientSession session, List<? extends WriteModel<? extends T>> requests,
                                     BulkWriteOptions options) {
        return bulkWriteIn(session(session), requests, options);
    }

    private BulkWriteResult bulkWriteIn(@Nullable ClientSession s, List<? extends WriteModel<? extends T>> requests,
                                      BulkWriteOptions options) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system("bulkWrite", () -> writesDocuments(requests));
        if (raw != null) {
            return s == null ? raw.bulkWrite(requests, options) : raw.bulkWrite(s, requests, options);
        }
        return scoped.bulkWrite(s, requests, OptionsCopies.bulkWrite(options, renderer()));
    }

    @Override
    public InsertOneResult insertOne(T document) {
        return insertOneIn(null, document, new InsertOneOptions());
    }

    @Override
    public InsertOneResult insertOne(T document, InsertOneOptions options) {
        return insertOneIn(null, document, options);
    }

    @Override
    public InsertOneResult insertOne(ClientSession session, T document) {
        return insertOneIn(session(session), document, new InsertOneOptions());
    }

    @Override
    public InsertOneResult insertOne(ClientSession session, T document, InsertOneOptions options) {
        return insertOneIn(session(session), document, options);
    }

    private InsertOneResult insertOneIn(@Nullable ClientSession s, T document, InsertOneOptions options) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system("insertOne", () -> true);
        if (raw != null) {
            return s == null ? raw.insertOne(document, options) : raw.insertOne(s, document, options);
        }
        return scoped.insertOne(s, document, OptionsCopies.insertOne(options));
    }

    @Override
    public InsertManyResult insertMany(List<? extends T> documents) {
        return insertManyIn(null, documents, new InsertManyOptions());
    }

    @Override
    public InsertManyResult insertMany(List<? extends T> documents, InsertManyOptions options) {
        return insertManyIn(null, documents, options);
    }

    @Override
    public InsertManyResult insertMany(ClientSession session, List<? extends T> documents) {
        return insertManyIn(session(session), documents, new InsertManyOptions());
    }

    @Override
    public InsertManyResult insertMany(ClientSession session, List<? extends T> documents,
                                       InsertManyOptions options) {
        return insertManyIn(session(session), documents, options);
    }

    private InsertManyResult insertManyIn(@Nullable ClientSession s, List<? extends T> documents,
                                        InsertManyOptions options) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system("insertMany", () -> true);
        if (raw != null) {
            return s == null ? raw.insertMany(documents, options) : raw.insertMany(s, documents, options);
        }
        return scoped.insertMany(s, documents, OptionsCopies.insertMany(options));
    }

    @Override
    public DeleteResult deleteOne(Bson filter) {
        return deleteIn(null, filter, new DeleteOptions(), false);
    }

    @Override
    public DeleteResult deleteOne(Bson filter, DeleteOptions options) {
        return deleteIn(null, filter, options, false);
    }

    @Override
    public DeleteResult deleteOne(ClientSession session, Bson filter) {
        return deleteIn(session(session), filter, new DeleteOptions(), false);
    }

    @Override
    public DeleteResult deleteOne(ClientSession session, Bson filter, DeleteOptions options) {
        return deleteIn(session(session), filter, options, false);
    }

    @Override
    public DeleteResult deleteMany(Bson filter) {
        return deleteIn(null, filter, new DeleteOptions(), true);
    }

    @Override
    public DeleteResult deleteMany(Bson filter, DeleteOptions options) {
        return deleteIn(null, filter, options, true);
    }

    @Override
    public DeleteResult deleteMany(ClientSession session, Bson filter) {
        return deleteIn(session(session), filter, new DeleteOptions(), true);
    }

    @Override
    public DeleteResult deleteMany(ClientSession session, Bson filter, DeleteOptions options) {
        return deleteIn(session(session), filter, options, true);
    }

    private DeleteResult deleteIn(@Nullable ClientSession s, Bson filter, DeleteOptions options, boolean many) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system(many ? "deleteMany" : "deleteOne");
        if (raw != null) {
            return many ? (s == null ? raw.deleteMany(filter, options) : raw.deleteMany(s, filter, options))
                    : (s == null ? raw.deleteOne(filter, options) : raw.deleteOne(s, filter, options));
        }
        return scoped.delete(s, filter, OptionsCopies.delete(options, renderer()), many);
    }

    @Override
    public UpdateResult replaceOne(Bson filter, T replacement) {
        return replaceOneIn(null, filter, replacement, new ReplaceOptions());
    }

    @Override
    public UpdateResult replaceOne(Bson filter, T replacement, ReplaceOptions options) {
        return replaceOneIn(null, filter, replacement, options);
    }

    @Override
    public UpdateResult replaceOne(ClientSession session, Bson filter, T replacement) {
        return replaceOneIn(session(session), filter, replacement, new ReplaceOptions());
    }

    @Override
    public UpdateResult replaceOne(ClientSession session, Bson filter, T replacement, ReplaceOptions options) {
        return replaceOneIn(session(session), filter, replacement, options);
    }

    private UpdateResult replaceOneIn(@Nullable ClientSession s, Bson filter, T replacement, ReplaceOptions options) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system("replaceOne", () -> true);
        if (raw != null) {
            return s == null ? raw.replaceOne(filter, replacement, options)
                    : raw.replaceOne(s, filter, replacement, options);
        }
        return scoped.replaceOne(s, filter, replacement, OptionsCopies.replace(options, renderer()));
    }

    @Override
    public UpdateResult updateOne(Bson filter, Bson update) {
        return updateIn(null, filter, Change.of(update), new UpdateOptions(), false);
    }

    @Override
    public UpdateResult updateOne(Bson filter, Bson update, UpdateOptions options) {
        return updateIn(null, filter, Change.of(update), options, false);
    }

    @Override
    public UpdateResult updateOne(ClientSession session, Bson filter, Bson update) {
        return updateIn(session(session), filter, Change.of(update), new UpdateOptions(), false);
    }

    @Override
    public UpdateResult updateOne(ClientSession session, Bson filter, Bson update, UpdateOptions options) {
        return updateIn(session(session), filter, Change.of(update), options, false);
    }

    @Override
    public UpdateResult updateOne(Bson filter, List<? extends Bson> update) {
        return updateIn(null, filter, Change.of(update), new UpdateOptions(), false);
    }

    @Override
    public UpdateResult updateOne(Bson filter, List<? extends Bson> update, UpdateOptions options) {
        return updateIn(null, filter, Change.of(update), options, false);
    }

    @Override
    public UpdateResult updateOne(ClientSession session, Bson filter, List<? extends Bson> update) {
        return updateIn(session(session), filter, Change.of(update), new UpdateOptions(), false);
    }

    @Override
    public UpdateResult updateOne(ClientSession session, Bson filter, List<? extends Bson> update,
                                  UpdateOptions options) {
        return updateIn(session(session), filter, Change.of(update), options, false);
    }

    @Override
    public UpdateResult updateMany(Bson filter, Bson update) {
        return updateIn(null, filter, Change.of(update), new UpdateOptions(), true);
    }

    @Override
    public UpdateResult updateMany(Bson filter, Bson update, UpdateOptions options) {
        return updateIn(null, filter, Change.of(update), options, true);
    }

    @Override
    public UpdateResult updateMany(ClientSession session, Bson filter, Bson update) {
        return updateIn(session(session), filter, Change.of(update), new UpdateOptions(), true);
    }

    @Override
    public UpdateResult updateMany(ClientSession session, Bson filter, Bson update, UpdateOptions options) {
        return updateIn(session(session), filter, Change.of(update), options, true);
    }

    @Override
    public UpdateResult updateMany(Bson filter, List<? extends Bson> update) {
        return updateIn(null, filter, Change.of(update), new UpdateOptions(), true);
    }

    @Override
    public UpdateResult updateMany(Bson filter, List<? extends Bson> update, UpdateOptions options) {
        return updateIn(null, filter, Change.of(update), options, true);
    }

    @Override
    public UpdateResult updateMany(ClientSession session, Bson filter, List<? extends Bson> update) {
        return updateIn(session(session), filter, Change.of(update), new UpdateOptions(), true);
    }

    @Override
    public UpdateResult updateMany(ClientSession session, Bson filter, List<? extends Bson> update,
                                   UpdateOptions options) {
        return updateIn(session(session), filter, Change.of(update), options, true);
    }

    private UpdateResult updateIn(@Nullable ClientSession s, Bson filter, Change change, UpdateOptions options,
                                boolean many) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system(many ? "updateMany" : "updateOne", options::isUpsert);
        if (raw != null) {
            return RawWrites.update(raw, s, filter, change, options, many);
        }
        return scoped.update(s, filter, change, OptionsCopies.update(options, renderer()), many);
    }

    @Override
    public @Nullable T findOneAndDelete(Bson filter) {
        return findOneAndDeleteIn(null, filter, new FindOneAndDeleteOptions());
    }

    @Override
    public @Nullable T findOneAndDelete(Bson filter, FindOneAndDeleteOptions options) {
        return findOneAndDeleteIn(null, filter, options);
    }

    @Override
    public @Nullable T findOneAndDelete(ClientSession session, Bson filter) {
        return findOneAndDeleteIn(session(session), filter, new FindOneAndDeleteOptions());
    }

    @Override
    public @Nullable T findOneAndDelete(ClientSession session, Bson filter, FindOneAndDeleteOptions options) {
        return findOneAndDeleteIn(session(session), filter, options);
    }

    private @Nullable T findOneAndDeleteIn(@Nullable ClientSession s, Bson filter, FindOneAndDeleteOptions options) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system("findOneAndDelete");
        if (raw != null) {
            return s == null ? raw.findOneAndDelete(filter, options) : raw.findOneAndDelete(s, filter, options);
        }
        return scoped.findOneAndDelete(s, filter, OptionsCopies.findOneAndDelete(options, renderer()));
    }

    @Override
    public @Nullable T findOneAndReplace(Bson filter, T replacement) {
        return findOneAndReplaceIn(null, filter, replacement, new FindOneAndReplaceOptions());
    }

    @Override
    public @Nullable T findOneAndReplace(Bson filter, T replacement, FindOneAndReplaceOptions options) {
        return findOneAndReplaceIn(null, filter, replacement, options);
    }

    @Override
    public @Nullable T findOneAndReplace(ClientSession session, Bson filter, T replacement) {
        return findOneAndReplaceIn(session(session), filter, replacement, new FindOneAndReplaceOptions());
    }

    @Override
    public @Nullable T findOneAndReplace(ClientSession session, Bson filter, T replacement,
                                         FindOneAndReplaceOptions options) {
        return findOneAndReplaceIn(session(session), filter, replacement, options);
    }

    private @Nullable T findOneAndReplaceIn(@Nullable ClientSession s, Bson filter, T replacement,
                                          FindOneAndReplaceOptions options) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system("findOneAndReplace", () -> true);
        if (raw != null) {
            return s == null ? raw.findOneAndReplace(filter, replacement, options)
                    : raw.findOneAndReplace(s, filter, replacement, options);
        }
        return scoped.findOneAndReplace(s, filter, replacement, OptionsCopies.findOneAndReplace(options,
                renderer()));
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, Bson update) {
        return findOneAndUpdateIn(null, filter, Change.of(update), new FindOneAndUpdateOptions());
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, Bson update, FindOneAndUpdateOptions options) {
        return findOneAndUpdateIn(null, filter, Change.of(update), options);
    }

    @Override
    public @Nullable T findOneAndUpdate(ClientSession session, Bson filter, Bson update) {
        return findOneAndUpdateIn(session(session), filter, Change.of(update), new FindOneAndUpdateOptions());
    }

    @Override
    public @Nullable T findOneAndUpdate(ClientSession session, Bson filter, Bson update,
                                        FindOneAndUpdateOptions options) {
        return findOneAndUpdateIn(session(session), filter, Change.of(update), options);
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, List<? extends Bson> update) {
        return findOneAndUpdateIn(null, filter, Change.of(update), new FindOneAndUpdateOptions());
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, List<? extends Bson> update, FindOneAndUpdateOptions options) {
        return findOneAndUpdateIn(null, filter, Change.of(update), options);
    }

    @Override
    public @Nullable T findOneAndUpdate(ClientSession session, Bson filter, List<? extends Bson> update) {
        return findOneAndUpdateIn(session(session), filter, Change.of(update), new FindOneAndUpdateOptions());
    }

    @Override
    public @Nullable T findOneAndUpdate(ClientSession session, Bson filter, List<? extends Bson> update,
                                        FindOneAndUpdateOptions options) {
        return findOneAndUpdateIn(session(session), filter, Change.of(update), options);
    }

    private @Nullable T findOneAndUpdateIn(@Nullable ClientSession s, Bson filter, Change change,
                                         FindOneAndUpdateOptions options) {
        Objects.requireNonNull(options, "options");
        MongoCollection<T> raw = system("findOneAndUpdate", options::isUpsert);
        if (raw != null) {
            return RawWrites.findOneAndUpdate(raw, s, filter, change, options);
        }
        return scoped.findOneAndUpdate(s, filter, change, OptionsCopies.findOneAndUpdate(options, renderer()));
    }

    // ---------------------------------------------------------------- the collection itself

    @Override
    public void drop() {
        dropIn(null, new DropCollectionOptions());
    }

    @Override
    public void drop(DropCollectionOptions options) {
        dropIn(null, options);
    }

    @Override
    public void drop(ClientSession session) {
        dropIn(session(session), new DropCollectionOptions());
    }

    @Override
    public void drop(ClientSession session, DropCollectionOptions options) {
        dropIn(session(session), options);
    }

    /**
     * Drops the physical collection, in system scope only: the shared one (every tenant's documents), or the current
     * tenant's own. Its declared indexes are created again on next use.
     */
    private void dropIn(@Nullable ClientSession s, DropCollectionOptions options) {
        Objects.requireNonNull(options, "options");
        Refusals.requireSystemScope("drop of collection '" + name + "'", isolation == IsolationStrategy.SHARED
                ? "it holds every tenant's documents" : "its indexes are declared schema; delete the tenant's "
                + "documents with deleteMany instead");
        TenantId tenant = isolation == IsolationStrategy.SHARED ? null : Tenants.current();
        db.admit(tenant);
        MongoCollection<T> c = physical(tenant == null ? new MongoNamespace(db.getName(), name)
                : db.namespace(name, isolation, tenant));
        if (s == null) {
            c.drop(options);
        } else {
            c.drop(s, options);
        }
        db.declaredIndexes(name).forget(tenant);
    }

    @Override
    public void renameCollection(MongoNamespace newCollectionNamespace) {
        renameIn(null, newCollectionNamespace, new RenameCollectionOptions());
    }

    @Override
    public void renameCollection(MongoNamespace newCollectionNamespace, RenameCollectionOptions options) {
        renameIn(null, newCollectionNamespace, options);
    }

    @Override
    public void renameCollection(ClientSession session, MongoNamespace newCollectionNamespace) {
        renameIn(session(session), newCollectionNamespace, new RenameCollectionOptions());
    }

    @Override
    public void renameCollection(ClientSession session, MongoNamespace newCollectionNamespace,
                                 RenameCollectionOptions options) {
        renameIn(session(session), newCollectionNamespace, options);
    }

    private void renameIn(@Nullable ClientSession s, MongoNamespace target, RenameCollectionOptions options) {
        Refusals.requireSystemScope("renameCollection of collection '" + name + "'", "its name is registered "
                + "schema that every tenant's data follows");
        MongoCollection<T> raw = system("renameCollection");
        if (raw == null) {
            throw new MissingTenantException("renameCollection of registered collection '" + name + "' runs only in "
                    + "system scope with no tenant open, on the shared collection");
        }
        if (s == null) {
            raw.renameCollection(target, options);
        } else {
            raw.renameCollection(s, target, options);
        }
    }

    // ---------------------------------------------------------------- indexes

    @Override
    public String createIndex(Bson keys) {
        return createIndexIn(null, keys, new IndexOptions());
    }

    @Override
    public String createIndex(Bson keys, IndexOptions options) {
        return createIndexIn(null, keys, options);
    }

    @Override
    public String createIndex(ClientSession session, Bson keys) {
        return createIndexIn(session(session), keys, new IndexOptions());
    }

    @Override
    public String createIndex(ClientSession session, Bson keys, IndexOptions options) {
        return createIndexIn(session(session), keys, options);
    }

    private String createIndexIn(@Nullable ClientSession s, Bson keys, IndexOptions options) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(options, "options");
        return createIndexesIn(s, List.of(new IndexModel(keys, options)), new CreateIndexOptions()).get(0);
    }

    @Override
    public List<String> createIndexes(List<IndexModel> indexes) {
        return createIndexesIn(null, indexes, new CreateIndexOptions());
    }

    @Override
    public List<String> createIndexes(List<IndexModel> indexes, CreateIndexOptions options) {
        return createIndexesIn(null, indexes, options);
    }

    @Override
    public List<String> createIndexes(ClientSession session, List<IndexModel> indexes) {
        return createIndexesIn(session(session), indexes, new CreateIndexOptions());
    }

    @Override
    public List<String> createIndexes(ClientSession session, List<IndexModel> indexes, CreateIndexOptions options) {
        return createIndexesIn(session(session), indexes, options);
    }

    /** Declared indexes are answered by name; any other goes through the scoped path (system scope on SHARED). */
    private List<String> createIndexesIn(@Nullable ClientSession s, List<IndexModel> indexes,
                                       CreateIndexOptions options) {
        Objects.requireNonNull(indexes, "indexes");
        Objects.requireNonNull(options, "options");
        List<String> declared = new ArrayList<>(indexes.size());
        for (IndexModel index : indexes) {
            String known = declaredName(Objects.requireNonNull(index, "indexes must not contain null"));
            if (known == null) {
                return scoped.createIndexes(s, indexes, OptionsCopies.createIndexes(options));
            }
            declared.add(known);
        }
        return declared;
    }

    /** The name of the declared index {@code index} asks for, or null; see {@link TenantDatabaseImpl#declaredName}. */
    private @Nullable String declaredName(IndexModel index) {
        return db.declaredName(name, renderer().render(index.getKeys()), OptionsCopies.index(index.getOptions(),
                renderer()));
    }

    @Override
    public ListIndexesIterable<Document> listIndexes() {
        return scoped.listIndexes(null, Document.class);
    }

    @Override
    public <R> ListIndexesIterable<R> listIndexes(Class<R> resultClass) {
        return scoped.listIndexes(null, resultClass);
    }

    @Override
    public ListIndexesIterable<Document> listIndexes(ClientSession session) {
        return scoped.listIndexes(session(session), Document.class);
    }

    @Override
    public <R> ListIndexesIterable<R> listIndexes(ClientSession session, Class<R> resultClass) {
        return scoped.listIndexes(session(session), resultClass);
    }

    @Override
    public void dropIndex(String indexName) {
        dropIndexIn(null, Objects.requireNonNull(indexName, "indexName"), null, new DropIndexOptions());
    }

    @Override
    public void dropIndex(String indexName, DropIndexOptions options) {
        dropIndexIn(null, Objects.requireNonNull(indexName, "indexName"), null, options);
    }

    @Override
    public void dropIndex(Bson keys) {
        dropIndexIn(null, null, Objects.requireNonNull(keys, "keys"), new DropIndexOptions());
    }

    @Override
    public void dropIndex(Bson keys, DropIndexOptions options) {
        dropIndexIn(null, null, Objects.requireNonNull(keys, "keys"), options);
    }

    @Override
    public void dropIndex(ClientSession session, String indexName) {
        dropIndexIn(session(session), Objects.requireNonNull(indexName, "indexName"), null, new DropIndexOptions());
    }

    @Override
    public void dropIndex(ClientSession session, String indexName, DropIndexOptions options) {
        dropIndexIn(session(session), Objects.requireNonNull(indexName, "indexName"), null, options);
    }

    @Override
    public void dropIndex(ClientSession session, Bson keys) {
        dropIndexIn(session(session), null, Objects.requireNonNull(keys, "keys"), new DropIndexOptions());
    }

    @Override
    public void dropIndex(ClientSession session, Bson keys, DropIndexOptions options) {
        dropIndexIn(session(session), null, Objects.requireNonNull(keys, "keys"), options);
    }

    @Override
    public void dropIndexes() {
        dropIndexIn(null, "*", null, new DropIndexOptions());
    }

    @Override
    public void dropIndexes(DropIndexOptions options) {
        dropIndexIn(null, "*", null, options);
    }

    @Override
    public void dropIndexes(ClientSession session) {
        dropIndexIn(session(session), "*", null, new DropIndexOptions());
    }

    @Override
    public void dropIndexes(ClientSession session, DropIndexOptions options) {
        dropIndexIn(session(session), "*", null, options);
    }

    private void dropIndexIn(@Nullable ClientSession s, @Nullable String indexName, @Nullable Bson keys,
                           DropIndexOptions options) {
        scoped.dropIndex(s, indexName, keys, OptionsCopies.dropIndex(Objects.requireNonNull(options, "options")));
    }

    // ---------------------------------------------------------------- search indexes (Atlas)

    @Override
    public String createSearchIndex(String indexName, Bson definition) {
        return searchIndexes("createSearchIndex").createSearchIndex(indexName, definition);
    }

    @Override
    public String createSearchIndex(Bson definition) {
        return searchIndexes("createSearchIndex").createSearchIndex(definition);
    }

    @Override
    public List<String> createSearchIndexes(List<SearchIndexModel> searchIndexModels) {
        return searchIndexes("createSearchIndexes").createSearchIndexes(searchIndexModels);
    }

    @Override
    public void updateSearchIndex(String indexName, Bson definition) {
        searchIndexes("updateSearchIndex").updateSearchIndex(indexName, definition);
    }

    @Override
    public void dropSearchIndex(String indexName) {
        searchIndexes("dropSearchIndex").dropSearchIndex(indexName);
    }

    @Override
    public ListSearchIndexesIterable<Document> listSearchIndexes() {
        return searchIndexes("listSearchIndexes").listSearchIndexes();
    }

    @Override
    public <R> ListSearchIndexesIterable<R> listSearchIndexes(Class<R> resultClass) {
        return searchIndexes("listSearchIndexes").listSearchIndexes(resultClass);
    }

    /** The shared physical collection for search-index work, which runs only in system scope with no tenant. */
    private MongoCollection<T> searchIndexes(String operation) {
        Refusals.requireSystemScope(operation + " on collection '" + name + "'", "search indexes are schema every "
                + "tenant's documents share, and their definitions are not scoped");
        MongoCollection<T> raw = system(operation);
        if (raw == null) {
            throw new MissingTenantException(operation + " on collection '" + name + "' runs only in system scope "
                    + "with no tenant open");
        }
        return raw;
    }

    private static ClientSession session(ClientSession session) {
        return Objects.requireNonNull(session, "clientSession");
    }

    @Override
    public String toString() {
        return "MongoCollection{" + scoped + "}";
    }
}
