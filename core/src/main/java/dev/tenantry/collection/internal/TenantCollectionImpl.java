package dev.tenantry.collection.internal;

import com.mongodb.MongoException;
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
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.CreateIndexOptions;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.DeleteOptions;
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
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.InsertManyResult;
import com.mongodb.client.result.InsertOneResult;
import com.mongodb.client.result.UpdateResult;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.SoftDelete;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.WriteEvent;
import dev.tenantry.collection.internal.ScopedWrites.Change;
import dev.tenantry.collection.internal.ScopedWrites.Scoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.codecs.Codec;
import org.bson.codecs.CollectibleCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The tenant-scoped collection: every method binds the current tenant and scopes the operation. Immutable.
 *
 * <p>Each kind of operation has one path (render, check, send, notify), which every public overload calls: the
 * arguments are rendered once into private copies ({@link Renderer}, {@link OptionsCopies}, {@link ScopedWrites}),
 * the copies are checked and scoped, the copies alone are sent, and write listeners are told. The paths take an
 * optional {@link ClientSession}, so an adapter that implements the driver's session overloads reuses them as they
 * are.
 */
final class TenantCollectionImpl<T> implements TenantCollection<T> {

    private static final DecoderContext DECODE = DecoderContext.builder().build();

    private final TenantDatabaseImpl db;
    private final String logicalName;
    private final IsolationStrategy isolation;
    private final Class<T> documentClass;
    private final CodecRegistry codecRegistry;
    private final ReadPreference readPreference;
    private final WriteConcern writeConcern;
    private final ReadConcern readConcern;
    private final String field;
    /** The physical collection when it is the same for every tenant (SHARED); null otherwise. */
    private final @Nullable MongoCollection<T> shared;
    private final WriteNotifier notifier;
    /** The collection's soft-delete policy, or null. */
    private final @Nullable SoftDelete softDelete;
    /** Which documents this view sees when the collection soft-deletes. */
    private final Visibility visibility;
    private final Renderer renderer;
    private final ScopedWrites<T> writes;
    private final TenantDatabaseImpl.DeclaredIndexes declaredIndexes;

    TenantCollectionImpl(TenantDatabaseImpl db, String logicalName, IsolationStrategy isolation,
                         Class<T> documentClass, CodecRegistry codecRegistry, ReadPreference readPreference,
                         WriteConcern writeConcern, ReadConcern readConcern) {
        this(db, logicalName, isolation, documentClass, codecRegistry, readPreference, writeConcern, readConcern,
                Visibility.LIVE);
    }

    private TenantCollectionImpl(TenantDatabaseImpl db, String logicalName, IsolationStrategy isolation,
                                 Class<T> documentClass, CodecRegistry codecRegistry, ReadPreference readPreference,
                                 WriteConcern writeConcern, ReadConcern readConcern, Visibility visibility) {
        this.softDelete = db.softDelete(logicalName);
        this.visibility = visibility;
        this.db = db;
        this.logicalName = logicalName;
        this.isolation = isolation;
        this.documentClass = documentClass;
        this.codecRegistry = codecRegistry;
        this.readPreference = readPreference;
        this.writeConcern = writeConcern;
        this.readConcern = readConcern;
        this.field = db.getTenantField();
        this.shared = isolation == IsolationStrategy.SHARED ? open(new MongoNamespace(db.getName(), logicalName))
                : null;
        this.notifier = new WriteNotifier(logicalName, db.listeners(logicalName));
        this.renderer = new Renderer(documentClass, codecRegistry);
        this.writes = new ScopedWrites<>(logicalName, field, softDelete, visibility, renderer, documentClass,
                codecRegistry);
        this.declaredIndexes = db.declaredIndexes(logicalName);
    }

    /** The renderer of this view's arguments: the driver adapter copies options with it, as the methods here do. */
    Renderer renderer() {
        return renderer;
    }

    /** The database this view belongs to. */
    TenantDatabaseImpl database() {
        return db;
    }

    private TenantCollectionImpl<T> derive(Visibility newVisibility) {
        return new TenantCollectionImpl<>(db, logicalName, isolation, documentClass, codecRegistry, readPreference,
                writeConcern, readConcern, newVisibility);
    }

    private MongoCollection<T> open(MongoNamespace namespace) {
        return db.database(namespace.getDatabaseName())
                .getCollection(namespace.getCollectionName(), documentClass)
                .withCodecRegistry(codecRegistry)
                .withReadPreference(readPreference)
                .withWriteConcern(writeConcern)
                .withReadConcern(readConcern);
    }

    /**
     * The physical collection holding {@code tenant}'s documents; on its first use in this process, its declared
     * indexes are created first.
     */
    private MongoCollection<T> collection(TenantId tenant) {
        if (!declaredIndexes.ensured(tenant)) {
            try {
                db.ensureOnFirstUse(logicalName, declaredIndexes, tenant);
            } catch (MongoException e) {
                throw shared != null ? ServerErrors.indexesFailed(e, logicalName) : e;
            }
        }
        return shared != null ? shared : open(db.namespace(logicalName, isolation, tenant));
    }

    private MongoCollection<BsonDocument> raw(TenantId tenant) {
        return collection(tenant).withDocumentClass(BsonDocument.class);
    }

    /** The soft-delete policy, or a clear error naming {@code operation}. */
    private SoftDelete softDelete(String operation) {
        if (softDelete == null) {
            throw new IllegalStateException(operation + " needs a soft-delete policy, and collection '" + logicalName
                    + "' has none; register it with collection(name, isolation, SoftDelete.retainFor(...))");
        }
        return softDelete;
    }

    private PipelineScoper scoper(TenantId tenant, boolean exact) {
        String localDatabase = db.namespace(logicalName, isolation, tenant).getDatabaseName();
        return new PipelineScoper(field, tenant.value(), exact, localDatabase, name -> db.resolve(name, tenant),
                db::supportsConciseLookup, visibility.seen(softDelete), name -> {
                    SoftDelete policy = db.softDelete(name);
                    return policy == null ? null : policy.deletedAtField();
                });
    }

    private T decode(BsonDocument document) {
        return codecRegistry.get(documentClass).decode(new BsonDocumentReader(document), DECODE);
    }

    /** The {@code _id} of a returned document, for write listeners. */
    private @Nullable BsonValue idOf(@Nullable T document) {
        if (document == null) {
            return null;
        }
        Codec<T> codec = codecRegistry.get(documentClass);
        if (codec instanceof CollectibleCodec && ((CollectibleCodec<T>) codec).documentHasId(document)) {
            return ((CollectibleCodec<T>) codec).getDocumentId(document);
        }
        return PlainBson.encode(codec, document).get("_id");
    }

    // ---------------------------------------------------------------- identity and derivation

    @Override
    public String getLogicalName() {
        return logicalName;
    }

    @Override
    public IsolationStrategy getIsolation() {
        return isolation;
    }

    @Override
    public String getTenantField() {
        return field;
    }

    @Override
    public MongoNamespace getNamespace() {
        return db.namespace(logicalName, isolation, Tenants.current());
    }

    @Override
    public Class<T> getDocumentClass() {
        return documentClass;
    }

    @Override
    public CodecRegistry getCodecRegistry() {
        return codecRegistry;
    }

    @Override
    public ReadPreference getReadPreference() {
        return readPreference;
    }

    @Override
    public WriteConcern getWriteConcern() {
        return writeConcern;
    }

    @Override
    public ReadConcern getReadConcern() {
        return readConcern;
    }

    @Override
    public <N> TenantCollection<N> withDocumentClass(Class<N> newDocumentClass) {
        return new TenantCollectionImpl<>(db, logicalName, isolation, Objects.requireNonNull(newDocumentClass,
                "documentClass"), codecRegistry, readPreference, writeConcern, readConcern, visibility);
    }

    @Override
    public TenantCollection<T> withCodecRegistry(CodecRegistry newCodecRegistry) {
        return new TenantCollectionImpl<>(db, logicalName, isolation, documentClass,
                Objects.requireNonNull(newCodecRegistry, "codecRegistry"), readPreference, writeConcern, readConcern,
                visibility);
    }

    @Override
    public TenantCollection<T> withReadPreference(ReadPreference newReadPreference) {
        return new TenantCollectionImpl<>(db, logicalName, isolation, documentClass, codecRegistry,
                Objects.requireNonNull(newReadPreference, "readPreference"), writeConcern, readConcern, visibility);
    }

    @Override
    public TenantCollection<T> withWriteConcern(WriteConcern newWriteConcern) {
        return new TenantCollectionImpl<>(db, logicalName, isolation, documentClass, codecRegistry, readPreference,
                Objects.requireNonNull(newWriteConcern, "writeConcern"), readConcern, visibility);
    }

    @Override
    public TenantCollection<T> withReadConcern(ReadConcern newReadConcern) {
        return new TenantCollectionImpl<>(db, logicalName, isolation, documentClass, codecRegistry, readPreference,
                writeConcern, Objects.requireNonNull(newReadConcern, "readConcern"), visibility);
    }

    // ---------------------------------------------------------------- counting and distinct

    @Override
    public long countDocuments() {
        return count(null, new BsonDocument(), new CountOptions());
    }

    @Override
    public long countDocuments(Bson filter) {
        return count(null, filter, new CountOptions());
    }

    @Override
    public long countDocuments(Bson filter, CountOptions options) {
        return count(null, filter, OptionsCopies.count(options, renderer));
    }

    @Override
    public long estimatedDocumentCount() {
        return countDocuments();
    }

    @Override
    public long estimatedDocumentCount(EstimatedDocumentCountOptions options) {
        return count(null, new BsonDocument(), OptionsCopies.count(options));
    }

    /** Every count: {@code options} is a private copy. */
    long count(@Nullable ClientSession session, Bson filter, CountOptions options) {
        Objects.requireNonNull(filter, "filter");
        TenantId tenant = db.currentTenant();
        BsonDocument scoped = TenantFilter.scope(field, tenant.value(), renderer.render(filter),
                options.getCollation() != null, visibility.seen(softDelete));
        MongoCollection<T> collection = collection(tenant);
        return session == null ? collection.countDocuments(scoped, options)
                : collection.countDocuments(session, scoped, options);
    }

    @Override
    public <R> DistinctIterable<R> distinct(String fieldName, Class<R> resultClass) {
        return distinct(null, fieldName, new BsonDocument(), resultClass);
    }

    @Override
    public <R> DistinctIterable<R> distinct(String fieldName, Bson filter, Class<R> resultClass) {
        return distinct(null, fieldName, filter, resultClass);
    }

    <R> DistinctIterable<R> distinct(@Nullable ClientSession session, String fieldName, Bson filter,
                                     Class<R> resultClass) {
        Objects.requireNonNull(fieldName, "fieldName");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = db.currentTenant();
        BsonDocument given = renderer.render(filter);
        MongoCollection<T> collection = collection(tenant);
        return new ScopedDistinctIterable<>(tenant, db, renderer, field, visibility.seen(softDelete), session == null
                ? collection.distinct(fieldName, resultClass) : collection.distinct(session, fieldName, resultClass),
                given);
    }

    // ---------------------------------------------------------------- find and aggregate

    @Override
    public FindIterable<T> find() {
        return find(null, new BsonDocument(), documentClass);
    }

    @Override
    public <R> FindIterable<R> find(Class<R> resultClass) {
        return find(null, new BsonDocument(), resultClass);
    }

    @Override
    public FindIterable<T> find(Bson filter) {
        return find(null, filter, documentClass);
    }

    @Override
    public <R> FindIterable<R> find(Bson filter, Class<R> resultClass) {
        return find(null, filter, resultClass);
    }

    <R> FindIterable<R> find(@Nullable ClientSession session, Bson filter, Class<R> resultClass) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = db.currentTenant();
        BsonDocument given = renderer.render(filter);
        MongoCollection<T> collection = collection(tenant);
        return new ScopedFindIterable<>(tenant, db, renderer, field, visibility.seen(softDelete),
                session == null ? collection.find(resultClass) : collection.find(session, resultClass), given);
    }

    @Override
    public AggregateIterable<T> aggregate(List<? extends Bson> pipeline) {
        return aggregate(null, pipeline, documentClass);
    }

    @Override
    public <R> AggregateIterable<R> aggregate(List<? extends Bson> pipeline, Class<R> resultClass) {
        return aggregate(null, pipeline, resultClass);
    }

    <R> AggregateIterable<R> aggregate(@Nullable ClientSession session, List<? extends Bson> pipeline,
                                       Class<R> resultClass) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = db.currentTenant();
        List<BsonDocument> stages = renderer.renderAll(pipeline, "pipeline");
        MongoCollection<R> collection = collection(tenant).withDocumentClass(resultClass);
        return new ScopedAggregateIterable<>(tenant, db, renderer, scoped -> session == null
                ? collection.aggregate(scoped, resultClass) : collection.aggregate(session, scoped, resultClass),
                exact -> scoper(tenant, exact).scope(stages));
    }

    // ---------------------------------------------------------------- change streams

    @Override
    public ChangeStreamIterable<T> watch() {
        return watch(null, List.of(), documentClass);
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(Class<R> resultClass) {
        return watch(null, List.of(), resultClass);
    }

    @Override
    public ChangeStreamIterable<T> watch(List<? extends Bson> pipeline) {
        return watch(null, pipeline, documentClass);
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(List<? extends Bson> pipeline, Class<R> resultClass) {
        return watch(null, pipeline, resultClass);
    }

    <R> ChangeStreamIterable<R> watch(@Nullable ClientSession session, List<? extends Bson> pipeline,
                                      Class<R> resultClass) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = db.currentTenant();
        List<BsonDocument> user = renderer.renderAll(pipeline, "pipeline");
        PipelineScoper.checkChangeStreamStages(user);
        List<BsonDocument> stages = new ArrayList<>(user.size() + 1);
        stages.add(new BsonDocument("$match", changeEventMatch(tenant)));
        stages.addAll(user);
        MongoCollection<T> collection = collection(tenant);
        ChangeStreamIterable<R> stream = session == null ? collection.watch(stages, resultClass)
                : collection.watch(session, stages, resultClass);
        if (shared != null) {
            stream.fullDocument(FullDocument.UPDATE_LOOKUP);
        }
        return new ScopedChangeStreamIterable<>(tenant, db, stream);
    }

    /**
     * Events of a shared collection must be attributable to the tenant through the document after or before the
     * change, or a document key that holds the tenant (a shard key); others are withheld. A per-tenant collection
     * holds only the tenant's documents, so events without a document (drop, rename) pass too.
     */
    private BsonDocument changeEventMatch(TenantId tenant) {
        BsonString id = new BsonString(tenant.value());
        BsonArray or = new BsonArray();
        or.add(new BsonDocument("fullDocument." + field, id));
        if (shared != null) {
            or.add(new BsonDocument("fullDocumentBeforeChange." + field, id));
            or.add(new BsonDocument("documentKey." + field, id));
        } else {
            or.add(new BsonDocument("fullDocument", BsonNull.VALUE));
        }
        return new BsonDocument("$or", or);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public BulkWriteResult bulkWrite(List<? extends WriteModel<? extends T>> requests) {
        return bulkWrite(null, requests, new BulkWriteOptions());
    }

    @Override
    public BulkWriteResult bulkWrite(List<? extends WriteModel<? extends T>> requests, BulkWriteOptions options) {
        return bulkWrite(null, requests, OptionsCopies.bulkWrite(options, renderer));
    }

    /** Every model is rendered, checked and scoped as its single form would be before anything is sent. */
    BulkWriteResult bulkWrite(@Nullable ClientSession session, List<? extends WriteModel<? extends T>> requests,
                              BulkWriteOptions options) {
        Objects.requireNonNull(requests, "requests");
        TenantId tenant = db.currentTenant();
        List<Scoped> scoped = new ArrayList<>(requests.size());
        boolean deletes = false;
        boolean others = false;
        for (WriteModel<? extends T> request : requests) {
            Scoped write = writes.scope(tenant, request);
            scoped.add(write);
            deletes |= write.kind() == WriteEvent.Kind.DELETE;
            others |= write.kind() == WriteEvent.Kind.UPDATE || write.kind() == WriteEvent.Kind.REPLACE;
        }
        boolean marks = softDelete != null && deletes;
        if (marks && others) {
            throw new IllegalArgumentException("a bulk write to soft-delete collection '" + logicalName + "' may mix "
                    + "deletes only with inserts: deletes there are updates that mark documents, and the result could "
                    + "not tell them from your updates; send them in separate bulk writes");
        }
        List<WriteModel<BsonDocument>> models = new ArrayList<>(scoped.size());
        scoped.forEach(write -> models.add(write.model()));
        MongoCollection<BsonDocument> raw = raw(tenant);
        BulkWriteResult result = session == null ? raw.bulkWrite(models, options)
                : raw.bulkWrite(session, models, options);
        if (marks && result.wasAcknowledged()) { // the marking updates, reported as the deletes they are
            result = BulkWriteResult.acknowledged(result.getInsertedCount(), 0, result.getModifiedCount(), 0,
                    List.of(), result.getInserts());
        }
        if (notifier.active()) {
            Map<Integer, BsonValue> upserts = new HashMap<>();
            if (result.wasAcknowledged()) {
                result.getUpserts().forEach(u -> upserts.put(u.getIndex(), u.getId()));
            }
            for (int i = 0; i < scoped.size(); i++) {
                Scoped write = scoped.get(i);
                if (write.kind() == WriteEvent.Kind.INSERT) {
                    notifier.inserted(tenant, List.of(((InsertOneModel<BsonDocument>) write.model()).getDocument()));
                } else {
                    String change = write.change();
                    notifier.applied(tenant, write.kind(), Objects.requireNonNull(write.given()), upserts.get(i), -1,
                            change == null ? "bulk write" : change + " (bulk write)");
                }
            }
        }
        return result;
    }

    @Override
    public InsertOneResult insertOne(T document) {
        return insertOne(null, document, new InsertOneOptions());
    }

    @Override
    public InsertOneResult insertOne(T document, InsertOneOptions options) {
        return insertOne(null, document, OptionsCopies.insertOne(options));
    }

    InsertOneResult insertOne(@Nullable ClientSession session, T document, InsertOneOptions options) {
        TenantId tenant = db.currentTenant();
        BsonDocument stamped = ((InsertOneModel<BsonDocument>) writes.insert(tenant, document).model()).getDocument();
        MongoCollection<BsonDocument> raw = raw(tenant);
        InsertOneResult result = session == null ? raw.insertOne(stamped, options)
                : raw.insertOne(session, stamped, options);
        if (notifier.active()) {
            notifier.inserted(tenant, List.of(stamped));
        }
        return result;
    }

    @Override
    public InsertManyResult insertMany(List<? extends T> documents) {
        return insertMany(null, documents, new InsertManyOptions());
    }

    @Override
    public InsertManyResult insertMany(List<? extends T> documents, InsertManyOptions options) {
        return insertMany(null, documents, OptionsCopies.insertMany(options));
    }

    /** All documents are stamped and checked before any is sent. */
    InsertManyResult insertMany(@Nullable ClientSession session, List<? extends T> documents,
                                InsertManyOptions options) {
        Objects.requireNonNull(documents, "documents");
        TenantId tenant = db.currentTenant();
        List<BsonDocument> stamped = new ArrayList<>(documents.size());
        for (T document : documents) {
            stamped.add(((InsertOneModel<BsonDocument>) writes.insert(tenant, document).model()).getDocument());
        }
        MongoCollection<BsonDocument> raw = raw(tenant);
        InsertManyResult result = session == null ? raw.insertMany(stamped, options)
                : raw.insertMany(session, stamped, options);
        if (notifier.active()) {
            notifier.inserted(tenant, stamped);
        }
        return result;
    }

    @Override
    public DeleteResult deleteOne(Bson filter) {
        return delete(null, filter, new DeleteOptions(), false);
    }

    @Override
    public DeleteResult deleteOne(Bson filter, DeleteOptions options) {
        return delete(null, filter, OptionsCopies.delete(options, renderer), false);
    }

    @Override
    public DeleteResult deleteMany(Bson filter) {
        return delete(null, filter, new DeleteOptions(), true);
    }

    @Override
    public DeleteResult deleteMany(Bson filter, DeleteOptions options) {
        return delete(null, filter, OptionsCopies.delete(options, renderer), true);
    }

    /** Every delete; on a soft-delete collection, the marking of the live documents matched. */
    DeleteResult delete(@Nullable ClientSession session, Bson filter, DeleteOptions options, boolean many) {
        TenantId tenant = db.currentTenant();
        Scoped write = writes.delete(tenant, filter, options, many);
        return applied(tenant, write, sendDelete(session, tenant, write));
    }

    @Override
    public UpdateResult replaceOne(Bson filter, T replacement) {
        return replaceOne(null, filter, replacement, new ReplaceOptions());
    }

    @Override
    public UpdateResult replaceOne(Bson filter, T replacement, ReplaceOptions options) {
        return replaceOne(null, filter, replacement, OptionsCopies.replace(options, renderer));
    }

    UpdateResult replaceOne(@Nullable ClientSession session, Bson filter, T replacement, ReplaceOptions options) {
        TenantId tenant = db.currentTenant();
        return updated(session, tenant, writes.replace(tenant, filter, replacement, options));
    }

    @Override
    public UpdateResult updateOne(Bson filter, Bson update) {
        return update(null, filter, Change.of(update), new UpdateOptions(), false);
    }

    @Override
    public UpdateResult updateOne(Bson filter, Bson update, UpdateOptions options) {
        return update(null, filter, Change.of(update), OptionsCopies.update(options, renderer), false);
    }

    @Override
    public UpdateResult updateOne(Bson filter, List<? extends Bson> update) {
        return update(null, filter, Change.of(update), new UpdateOptions(), false);
    }

    @Override
    public UpdateResult updateOne(Bson filter, List<? extends Bson> update, UpdateOptions options) {
        return update(null, filter, Change.of(update), OptionsCopies.update(options, renderer), false);
    }

    @Override
    public UpdateResult updateMany(Bson filter, Bson update) {
        return update(null, filter, Change.of(update), new UpdateOptions(), true);
    }

    @Override
    public UpdateResult updateMany(Bson filter, Bson update, UpdateOptions options) {
        return update(null, filter, Change.of(update), OptionsCopies.update(options, renderer), true);
    }

    @Override
    public UpdateResult updateMany(Bson filter, List<? extends Bson> update) {
        return update(null, filter, Change.of(update), new UpdateOptions(), true);
    }

    @Override
    public UpdateResult updateMany(Bson filter, List<? extends Bson> update, UpdateOptions options) {
        return update(null, filter, Change.of(update), OptionsCopies.update(options, renderer), true);
    }

    /** Every update: {@code options} is a private copy. */
    UpdateResult update(@Nullable ClientSession session, Bson filter, Change change, UpdateOptions options,
                        boolean many) {
        TenantId tenant = db.currentTenant();
        return updated(session, tenant, writes.update(tenant, filter, change, options, many));
    }

    /** Sends a scoped update or replacement and tells the listeners. */
    private UpdateResult updated(@Nullable ClientSession session, TenantId tenant, Scoped write) {
        UpdateResult result = sendUpdate(session, tenant, write.model());
        if (notifier.active()) {
            notifier.applied(tenant, write.kind(), Objects.requireNonNull(write.given()), result.getUpsertedId(),
                    result.wasAcknowledged() ? result.getMatchedCount() : -1, write.change());
        }
        return result;
    }

    /** Tells the listeners of a delete. */
    private DeleteResult applied(TenantId tenant, Scoped write, DeleteResult result) {
        if (notifier.active()) {
            notifier.applied(tenant, WriteEvent.Kind.DELETE, Objects.requireNonNull(write.given()), null,
                    result.wasAcknowledged() ? result.getDeletedCount() : -1, write.change());
        }
        return result;
    }

    /** Sends an update, update-many or replace model as the single write it is. */
    private UpdateResult sendUpdate(@Nullable ClientSession s, TenantId tenant, WriteModel<BsonDocument> model) {
        MongoCollection<BsonDocument> c = raw(tenant);
        if (model instanceof UpdateOneModel) {
            UpdateOneModel<BsonDocument> m = (UpdateOneModel<BsonDocument>) model;
            return sendUpdate(s, c, m.getFilter(), m.getUpdate(), m.getUpdatePipeline(), m.getOptions(), false);
        }
        if (model instanceof UpdateManyModel) {
            UpdateManyModel<BsonDocument> m = (UpdateManyModel<BsonDocument>) model;
            return sendUpdate(s, c, m.getFilter(), m.getUpdate(), m.getUpdatePipeline(), m.getOptions(), true);
        }
        ReplaceOneModel<BsonDocument> m = (ReplaceOneModel<BsonDocument>) model;
        return s == null ? c.replaceOne(m.getFilter(), m.getReplacement(), m.getReplaceOptions())
                : c.replaceOne(s, m.getFilter(), m.getReplacement(), m.getReplaceOptions());
    }

    /** The driver's updateOne or updateMany, with an update document or pipeline, with a session or without. */
    private UpdateResult sendUpdate(@Nullable ClientSession s, MongoCollection<BsonDocument> c, Bson filter,
                                    @Nullable Bson update, @Nullable List<? extends Bson> pipeline,
                                    UpdateOptions options, boolean many) {
        if (update != null) {
            return many ? (s == null ? c.updateMany(filter, update, options)
                    : c.updateMany(s, filter, update, options)) : (s == null ? c.updateOne(filter, update, options)
                    : c.updateOne(s, filter, update, options));
        }
        List<? extends Bson> stages = Objects.requireNonNull(pipeline, "update");
        return many ? (s == null ? c.updateMany(filter, stages, options)
                : c.updateMany(s, filter, stages, options)) : (s == null ? c.updateOne(filter, stages, options)
                : c.updateOne(s, filter, stages, options));
    }

    /** Sends a delete model, or the marking update standing for one, and answers as the delete it is. */
    private DeleteResult sendDelete(@Nullable ClientSession s, TenantId tenant, Scoped write) {
        WriteModel<BsonDocument> model = write.model();
        if (model instanceof DeleteOneModel || model instanceof DeleteManyModel) {
            MongoCollection<BsonDocument> c = raw(tenant);
            boolean one = model instanceof DeleteOneModel;
            Bson filter = one ? ((DeleteOneModel<BsonDocument>) model).getFilter()
                    : ((DeleteManyModel<BsonDocument>) model).getFilter();
            DeleteOptions options = one ? ((DeleteOneModel<BsonDocument>) model).getOptions()
                    : ((DeleteManyModel<BsonDocument>) model).getOptions();
            return one ? (s == null ? c.deleteOne(filter, options) : c.deleteOne(s, filter, options))
                    : (s == null ? c.deleteMany(filter, options) : c.deleteMany(s, filter, options));
        }
        UpdateResult marked = sendUpdate(s, tenant, model);
        return marked.wasAcknowledged() ? DeleteResult.acknowledged(marked.getModifiedCount())
                : DeleteResult.unacknowledged();
    }

    @Override
    public @Nullable T findOneAndDelete(Bson filter) {
        return findOneAndDelete(null, filter, new FindOneAndDeleteOptions());
    }

    @Override
    public @Nullable T findOneAndDelete(Bson filter, FindOneAndDeleteOptions options) {
        return findOneAndDelete(null, filter, OptionsCopies.findOneAndDelete(options, renderer));
    }

    /** On a soft-delete collection, marks the document and returns it as it was. */
    @Nullable T findOneAndDelete(@Nullable ClientSession session, Bson filter, FindOneAndDeleteOptions options) {
        TenantId tenant = db.currentTenant();
        Scoped write = writes.delete(tenant, filter, new DeleteOptions().collation(options.getCollation()), false);
        MongoCollection<T> c = collection(tenant);
        T result;
        if (write.model() instanceof UpdateOneModel) {
            UpdateOneModel<BsonDocument> mark = (UpdateOneModel<BsonDocument>) write.model();
            Bson deletion = Objects.requireNonNull(mark.getUpdate());
            FindOneAndUpdateOptions marking = OptionsCopies.marking(options);
            result = session == null ? c.findOneAndUpdate(mark.getFilter(), deletion, marking)
                    : c.findOneAndUpdate(session, mark.getFilter(), deletion, marking);
        } else {
            Bson scoped = ((DeleteOneModel<BsonDocument>) write.model()).getFilter();
            result = session == null ? c.findOneAndDelete(scoped, options)
                    : c.findOneAndDelete(session, scoped, options);
        }
        if (notifier.active() && result != null) {
            notifyFound(tenant, WriteEvent.Kind.DELETE, idOf(result), write, false);
        }
        return result;
    }

    @Override
    public @Nullable T findOneAndReplace(Bson filter, T replacement) {
        return findOneAndReplace(null, filter, replacement, new FindOneAndReplaceOptions());
    }

    @Override
    public @Nullable T findOneAndReplace(Bson filter, T replacement, FindOneAndReplaceOptions options) {
        return findOneAndReplace(null, filter, replacement, OptionsCopies.findOneAndReplace(options, renderer));
    }

    @Nullable T findOneAndReplace(@Nullable ClientSession session, Bson filter, T replacement,
                                  FindOneAndReplaceOptions options) {
        TenantId tenant = db.currentTenant();
        Scoped write = writes.replace(tenant, filter, replacement, new ReplaceOptions().upsert(options.isUpsert())
                .collation(options.getCollation()));
        ReplaceOneModel<BsonDocument> m = (ReplaceOneModel<BsonDocument>) write.model();
        MongoCollection<BsonDocument> c = raw(tenant);
        BsonDocument result = session == null
                ? c.findOneAndReplace(m.getFilter(), m.getReplacement(), options)
                : c.findOneAndReplace(session, m.getFilter(), m.getReplacement(), options);
        if (notifier.active()) {
            notifyFound(tenant, WriteEvent.Kind.REPLACE, result == null ? null : result.get("_id"), write,
                    options.isUpsert());
        }
        return result == null ? null : decode(result);
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, Bson update) {
        return findOneAndUpdate(null, filter, Change.of(update), new FindOneAndUpdateOptions());
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, Bson update, FindOneAndUpdateOptions options) {
        return findOneAndUpdate(null, filter, Change.of(update), OptionsCopies.findOneAndUpdate(options, renderer));
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, List<? extends Bson> update) {
        return findOneAndUpdate(null, filter, Change.of(update), new FindOneAndUpdateOptions());
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, List<? extends Bson> update, FindOneAndUpdateOptions options) {
        return findOneAndUpdate(null, filter, Change.of(update), OptionsCopies.findOneAndUpdate(options, renderer));
    }

    @Nullable T findOneAndUpdate(@Nullable ClientSession session, Bson filter, Change change,
                                 FindOneAndUpdateOptions options) {
        TenantId tenant = db.currentTenant();
        Scoped write = writes.update(tenant, filter, change, new UpdateOptions().upsert(options.isUpsert())
                .collation(options.getCollation()), false);
        UpdateOneModel<BsonDocument> m = (UpdateOneModel<BsonDocument>) write.model();
        Bson update = m.getUpdate();
        List<? extends Bson> pipeline = Objects.requireNonNullElse(m.getUpdatePipeline(), List.of());
        MongoCollection<T> c = collection(tenant);
        T result = update != null
                ? (session == null ? c.findOneAndUpdate(m.getFilter(), update, options)
                        : c.findOneAndUpdate(session, m.getFilter(), update, options))
                : (session == null ? c.findOneAndUpdate(m.getFilter(), pipeline, options)
                        : c.findOneAndUpdate(session, m.getFilter(), pipeline, options));
        if (notifier.active()) {
            notifyFound(tenant, WriteEvent.Kind.UPDATE, idOf(result), write, options.isUpsert());
        }
        return result;
    }

    /** After a findOneAnd*: the returned document names the target; an upsert that returned nothing, the filter. */
    private void notifyFound(TenantId tenant, WriteEvent.Kind kind, @Nullable BsonValue id, Scoped write,
                             boolean upsert) {
        if (id != null) {
            notifier.emit(tenant, kind, id, write.change());
        } else if (upsert) {
            notifier.emit(tenant, WriteEvent.Kind.INSERT, WriteNotifier.idOf(Objects.requireNonNull(write.given())),
                    "upserted");
        }
    }

    // ---------------------------------------------------------------- indexes

    /**
     * The tenant of an index operation, or null in system scope with none: on a shared collection index DDL changes
     * what every tenant shares, so it runs only in system scope, never from a tenant scope.
     *
     * @throws dev.tenantry.MissingTenantException outside system scope where no tenant is set, and for a per-tenant
     *     collection in system scope without one
     * @throws TenantViolationException on a shared collection from a tenant scope
     */
    private @Nullable TenantId ddlTenant(String operation) {
        if (Tenants.inSystemScope()) {
            TenantId tenant = shared != null ? Tenants.currentIfPresent().orElse(null) : Tenants.current();
            db.admit(tenant);
            return tenant;
        }
        TenantId tenant = db.currentTenant();
        if (shared != null) {
            throw new TenantViolationException(operation + " on SHARED collection '" + logicalName + "' is refused "
                    + "in the scope of tenant '" + tenant + "': its indexes are one structure that every tenant's "
                    + "data shares. Declare indexes with TenantDatabase.builder(...).index(\"" + logicalName
                    + "\", keys, options), and the library creates them; run any other index change in "
                    + "Tenants.runAsSystem(reason, ...)");
        }
        return tenant;
    }

    /** The physical collection of an index operation: the shared one, or the tenant's. */
    private MongoCollection<T> ddlCollection(@Nullable TenantId tenant) {
        return tenant == null ? Objects.requireNonNull(shared) : collection(tenant);
    }

    @Override
    public String createIndex(Bson keys) {
        return createIndex(keys, new IndexOptions());
    }

    @Override
    public String createIndex(Bson keys, IndexOptions options) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(options, "options");
        return createIndexes(null, List.of(new IndexModel(keys, options)), new CreateIndexOptions()).get(0);
    }

    @Override
    public List<String> createIndexes(List<IndexModel> indexes) {
        return createIndexes(null, indexes, new CreateIndexOptions());
    }

    @Override
    public List<String> createIndexes(List<IndexModel> indexes, CreateIndexOptions options) {
        return createIndexes(null, indexes, OptionsCopies.createIndexes(options));
    }

    /** Every index creation: keys lead with the tenant ({@link IndexKeys#scoped}); {@code options} a private copy. */
    List<String> createIndexes(@Nullable ClientSession session, List<IndexModel> indexes, CreateIndexOptions options) {
        Objects.requireNonNull(indexes, "indexes");
        TenantId tenant = ddlTenant("createIndexes");
        List<IndexModel> scoped = new ArrayList<>(indexes.size());
        for (IndexModel index : indexes) {
            Objects.requireNonNull(index, "indexes must not contain null");
            scoped.add(IndexKeys.scoped(field, softDelete == null ? null : softDelete.deletionKeyField(),
                    renderer.render(index.getKeys()), OptionsCopies.index(index.getOptions(), renderer)));
        }
        MongoCollection<T> c = ddlCollection(tenant);
        return session == null ? c.createIndexes(scoped, options) : c.createIndexes(session, scoped,
                options);
    }

    @Override
    public ListIndexesIterable<Document> listIndexes() {
        return listIndexes(null, Document.class);
    }

    @Override
    public <R> ListIndexesIterable<R> listIndexes(Class<R> resultClass) {
        return listIndexes(null, resultClass);
    }

    <R> ListIndexesIterable<R> listIndexes(@Nullable ClientSession session, Class<R> resultClass) {
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = ddlTenant("listIndexes");
        MongoCollection<T> c = ddlCollection(tenant);
        return new ScopedListIndexesIterable<>(tenant, db, session == null ? c.listIndexes(resultClass)
                : c.listIndexes(session, resultClass));
    }

    @Override
    public void dropIndex(String indexName) {
        dropIndex(indexName, new DropIndexOptions());
    }

    @Override
    public void dropIndex(String indexName, DropIndexOptions options) {
        Objects.requireNonNull(indexName, "indexName");
        dropIndex(null, indexName, null, OptionsCopies.dropIndex(options));
    }

    @Override
    public void dropIndex(Bson keys) {
        dropIndex(keys, new DropIndexOptions());
    }

    @Override
    public void dropIndex(Bson keys, DropIndexOptions options) {
        Objects.requireNonNull(keys, "keys");
        dropIndex(null, null, keys, OptionsCopies.dropIndex(options));
    }

    @Override
    public void dropIndexes() {
        dropIndexes(new DropIndexOptions());
    }

    @Override
    public void dropIndexes(DropIndexOptions options) {
        dropIndex(null, "*", null, OptionsCopies.dropIndex(options));
    }

    /**
     * Drops the index named {@code indexName} ({@code "*"}: every index but {@code _id}'s), or the one created
     * through this collection with {@code keys}.
     */
    void dropIndex(@Nullable ClientSession session, @Nullable String indexName, @Nullable Bson keys,
                   DropIndexOptions options) {
        TenantId tenant = ddlTenant(indexName == null ? "dropIndex" : "*".equals(indexName) ? "dropIndexes"
                : "dropIndex");
        MongoCollection<T> c = ddlCollection(tenant);
        BsonDocument given = keys == null ? null : renderer.render(keys);
        String name = given == null ? indexName : indexNamed(session, c, given);
        if (name == null) { // not there: let the server say so, as the driver would
            BsonDocument leading = IndexKeys.tenantLeading(field, Objects.requireNonNull(given), new IndexOptions());
            if (session == null) {
                c.dropIndex(leading, options);
            } else {
                c.dropIndex(session, leading, options);
            }
            return;
        }
        if ("*".equals(name)) {
            if (session == null) {
                c.dropIndexes(options);
            } else {
                c.dropIndexes(session, options);
            }
        } else if (session == null) {
            c.dropIndex(name, options);
        } else {
            c.dropIndex(session, name, options);
        }
    
    }

    /** The name of the index created through this collection for {@code given} keys, or null. */
    private @Nullable String indexNamed(@Nullable ClientSession session, MongoCollection<T> c, BsonDocument given) {
        BsonDocument leading = IndexKeys.tenantLeading(field, given, new IndexOptions());
        BsonDocument unique = leading.clone();
        if (softDelete != null) {
            unique.put(softDelete.deletionKeyField(), new BsonInt32(1));
        }
        List<BsonDocument> indexes = (session == null ? c.listIndexes(BsonDocument.class)
                : c.listIndexes(session, BsonDocument.class)).into(new ArrayList<>());
        for (BsonDocument index : indexes) {
            BsonDocument key = index.getDocument("key", new BsonDocument());
            if (key.equals(leading) || key.equals(given) || key.equals(unique)) {
                return index.getString("name").getValue();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- soft delete

    @Override
    public TenantCollection<T> withDeleted() {
        softDelete("withDeleted()");
        return derive(Visibility.ALL);
    }

    @Override
    public TenantCollection<T> onlyDeleted() {
        softDelete("onlyDeleted()");
        return derive(Visibility.DELETED);
    }

    @Override
    public UpdateResult restore(Bson filter) {
        return restore(null, filter);
    }

    UpdateResult restore(@Nullable ClientSession session, Bson filter) {
        Objects.requireNonNull(filter, "filter");
        TenantId tenant = db.currentTenant();
        return updated(session, tenant, writes.restore(tenant, filter, softDelete("restore")));
    }

    @Override
    public DeleteResult purgeDeleted() {
        return purgeDeleted(null);
    }

    DeleteResult purgeDeleted(@Nullable ClientSession session) {
        TenantId tenant = db.currentTenant();
        SoftDelete policy = softDelete("purgeDeleted");
        Scoped purge = writes.purge(tenant, policy, policy.clock().instant().minus(policy.retention()));
        return applied(tenant, purge, sendDelete(session, tenant, purge));
    }

    @Override
    public String toString() {
        return "TenantCollection{" + logicalName + ", " + isolation + ", " + documentClass.getSimpleName()
                + (softDelete != null ? ", " + softDelete + ", " + visibility : "") + "}";
    }
}
