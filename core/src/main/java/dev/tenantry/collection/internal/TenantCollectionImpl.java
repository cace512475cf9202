package dev.tenantry.collection.internal;

import com.mongodb.MongoNamespace;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.AggregateIterable;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.DistinctIterable;
import com.mongodb.client.FindIterable;
import com.mongodb.client.ListIndexesIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Collation;
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
import com.mongodb.client.model.ReturnDocument;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.BsonDocumentWriter;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.codecs.Codec;
import org.bson.codecs.CollectibleCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/** The tenant-scoped collection: every method binds the current tenant and scopes the operation. Immutable. */
final class TenantCollectionImpl<T> implements TenantCollection<T> {

    private static final EncoderContext COLLECTIBLE = EncoderContext.builder().isEncodingCollectibleDocument(true)
            .build();
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
    private final UpdateGuard updateGuard;
    /** The physical collection when it is the same for every tenant (SHARED); null otherwise. */
    private final @Nullable MongoCollection<T> shared;
    private final WriteNotifier notifier;
    /** The collection's soft-delete policy, or null. */
    private final @Nullable SoftDelete softDelete;
    /** Which documents this view sees when the collection soft-deletes. */
    private final Visibility visibility;

    /** Which documents of a soft-delete collection a view sees. */
    enum Visibility {
        /** Live documents only: the default. */
        LIVE,
        /** Live and deleted ones. */
        ALL,
        /** Deleted ones only. */
        DELETED
    }

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
        this.updateGuard = new UpdateGuard(field);
        this.shared = isolation == IsolationStrategy.SHARED ? open(new MongoNamespace(db.getName(), logicalName))
                : null;
        this.notifier = new WriteNotifier(logicalName, db.listeners(logicalName));
    }

    private MongoCollection<T> open(MongoNamespace namespace) {
        return db.database(namespace.getDatabaseName())
                .getCollection(namespace.getCollectionName(), documentClass)
                .withCodecRegistry(codecRegistry)
                .withReadPreference(readPreference)
                .withWriteConcern(writeConcern)
                .withReadConcern(readConcern);
    }

    /** The physical collection holding {@code tenant}'s documents. */
    private MongoCollection<T> collection(TenantId tenant) {
        return shared != null ? shared : open(db.namespace(logicalName, isolation, tenant));
    }

    private MongoCollection<BsonDocument> raw(TenantId tenant) {
        return collection(tenant).withDocumentClass(BsonDocument.class);
    }

    private TenantFilter guard(TenantId tenant, @Nullable Bson filter, @Nullable Collation collation) {
        return new TenantFilter(field, tenant.value(), filter, collation != null, seen(visibility));
    }

    /** The filter of documents a view of {@code visibility} sees, beyond the tenant; null when it sees all. */
    private @Nullable BsonDocument seen(Visibility visibility) {
        if (softDelete == null || visibility == Visibility.ALL) {
            return null;
        }
        return new BsonDocument(softDelete.deletedAtField(), visibility == Visibility.LIVE ? BsonNull.VALUE
                : new BsonDocument("$ne", BsonNull.VALUE));
    }

    /** The soft-delete policy, or a clear error naming {@code operation}. */
    private SoftDelete softDelete(String operation) {
        if (softDelete == null) {
            throw new IllegalStateException(operation + " needs a soft-delete policy, and collection '" + logicalName
                    + "' has none; register it with collection(name, isolation, SoftDelete.retainFor(...))");
        }
        return softDelete;
    }

    /** {@code bson} as plain BSON: what is checked is then exactly what is sent. */
    private BsonDocument render(Bson bson) {
        return PlainBson.of(bson.toBsonDocument(documentClass, codecRegistry));
    }

    private PipelineScoper scoper(TenantId tenant, boolean exact) {
        String localDatabase = db.namespace(logicalName, isolation, tenant).getDatabaseName();
        return new PipelineScoper(field, tenant.value(), exact, localDatabase, name -> db.resolve(name, tenant),
                db::supportsConciseLookup, seen(visibility), name -> {
                    SoftDelete policy = db.softDelete(name);
                    return policy == null ? null : policy.deletedAtField();
                });
    }

    private static long matched(UpdateResult result) {
        return result.wasAcknowledged() ? result.getMatchedCount() : -1;
    }

    private static long deleted(DeleteResult result) {
        return result.wasAcknowledged() ? result.getDeletedCount() : -1;
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
        BsonDocument encoded = new BsonDocument();
        codec.encode(new BsonDocumentWriter(encoded), document, COLLECTIBLE);
        return encoded.get("_id");
    }

    /** After a findOneAnd*: the returned document names the target; an upsert that returned nothing, the filter. */
    private void notifyFound(TenantId tenant, WriteEvent.Kind kind, @Nullable T result, Bson filter, boolean upsert,
                             @Nullable String change) {
        BsonValue id = idOf(result);
        if (id != null) {
            notifier.emit(tenant, kind, id, change);
        } else if (upsert) {
            notifier.emit(tenant, WriteEvent.Kind.INSERT, WriteNotifier.idOf(render(filter)), "upserted");
        }
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
                Objects.requireNonNull(newCodecRegistry, "codecRegistry"), readPreference, writeConcern, readConcern, visibility);
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
        return countDocuments(new BsonDocument(), new CountOptions());
    }

    @Override
    public long countDocuments(Bson filter) {
        return countDocuments(filter, new CountOptions());
    }

    @Override
    public long countDocuments(Bson filter, CountOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        return collection(tenant).countDocuments(guard(tenant, filter, options.getCollation()), options);
    }

    @Override
    public long estimatedDocumentCount() {
        return countDocuments();
    }

    @Override
    public long estimatedDocumentCount(EstimatedDocumentCountOptions options) {
        Objects.requireNonNull(options, "options");
        CountOptions count = new CountOptions().maxTime(options.getMaxTime(TimeUnit.MILLISECONDS),
                TimeUnit.MILLISECONDS);
        if (options.getComment() != null) {
            count.comment(options.getComment());
        }
        return countDocuments(new BsonDocument(), count);
    }

    @Override
    public <R> DistinctIterable<R> distinct(String fieldName, Class<R> resultClass) {
        return distinct(fieldName, new BsonDocument(), resultClass);
    }

    @Override
    public <R> DistinctIterable<R> distinct(String fieldName, Bson filter, Class<R> resultClass) {
        Objects.requireNonNull(fieldName, "fieldName");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = Tenants.current();
        return new ScopedDistinctIterable<>(tenant, field, seen(visibility),
                collection(tenant).distinct(fieldName, resultClass), filter);
    }

    // ---------------------------------------------------------------- find and aggregate

    @Override
    public FindIterable<T> find() {
        return find(new BsonDocument(), documentClass);
    }

    @Override
    public <R> FindIterable<R> find(Class<R> resultClass) {
        return find(new BsonDocument(), resultClass);
    }

    @Override
    public FindIterable<T> find(Bson filter) {
        return find(filter, documentClass);
    }

    @Override
    public <R> FindIterable<R> find(Bson filter, Class<R> resultClass) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = Tenants.current();
        return new ScopedFindIterable<>(tenant, field, seen(visibility), collection(tenant).find(resultClass),
                filter);
    }

    @Override
    public AggregateIterable<T> aggregate(List<? extends Bson> pipeline) {
        return aggregate(pipeline, documentClass);
    }

    @Override
    public <R> AggregateIterable<R> aggregate(List<? extends Bson> pipeline, Class<R> resultClass) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = Tenants.current();
        List<BsonDocument> stages = renderAll(pipeline, "pipeline");
        return new ScopedAggregateIterable<>(tenant, collection(tenant).withDocumentClass(resultClass),
                exact -> scoper(tenant, exact).scope(stages));
    }

    private List<BsonDocument> renderAll(List<? extends Bson> stages, String what) {
        List<BsonDocument> out = new ArrayList<>(stages.size());
        for (Bson stage : stages) {
            out.add(render(Objects.requireNonNull(stage, () -> what + " must not contain null stages")));
        }
        return out;
    }

    // ---------------------------------------------------------------- change streams

    @Override
    public ChangeStreamIterable<T> watch() {
        return watch(List.of(), documentClass);
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(Class<R> resultClass) {
        return watch(List.of(), resultClass);
    }

    @Override
    public ChangeStreamIterable<T> watch(List<? extends Bson> pipeline) {
        return watch(pipeline, documentClass);
    }

    @Override
    public <R> ChangeStreamIterable<R> watch(List<? extends Bson> pipeline, Class<R> resultClass) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = Tenants.current();
        List<BsonDocument> user = renderAll(pipeline, "pipeline");
        PipelineScoper.checkChangeStreamStages(user);
        List<BsonDocument> stages = new ArrayList<>(user.size() + 1);
        stages.add(new BsonDocument("$match", changeEventMatch(tenant)));
        stages.addAll(user);
        ChangeStreamIterable<R> stream = collection(tenant).watch(stages, resultClass);
        if (shared != null) {
            stream.fullDocument(FullDocument.UPDATE_LOOKUP);
        }
        return new ScopedChangeStreamIterable<>(tenant, stream);
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

    /**
     * The document to insert as BSON, stamped with {@code tenant}; the id is generated first as the driver would, so
     * the caller's object gets it.
     */
    private BsonDocument stamp(TenantId tenant, T document) {
        return stamp(tenant, document, true);
    }

    /** A replacement as BSON, stamped with {@code tenant}; like the driver, no id is generated for it. */
    private BsonDocument stampReplacement(TenantId tenant, T replacement) {
        return stamp(tenant, replacement, false);
    }

    private BsonDocument stamp(TenantId tenant, T document, boolean generateId) {
        Objects.requireNonNull(document, "document");
        Codec<T> codec = codecRegistry.get(documentClass);
        T withId = document;
        if (generateId && codec instanceof CollectibleCodec) {
            withId = ((CollectibleCodec<T>) codec).generateIdIfAbsentFromDocument(document);
        }
        BsonDocument out = new BsonDocument();
        codec.encode(new BsonDocumentWriter(out), withId, COLLECTIBLE);
        if (softDelete != null) {
            for (String f : List.of(softDelete.deletedAtField(), softDelete.deletionKeyField())) {
                BsonValue v = out.get(f);
                if (v != null && !v.isNull()) {
                    throw new IllegalArgumentException("a document written to soft-delete collection '" + logicalName
                            + "' may not carry '" + f + "': write it live, then delete it with deleteOne/deleteMany");
                }
            }
        }
        BsonValue named = out.get(field);
        if (named == null || named.isNull()) {
            out.put(field, new BsonString(tenant.value()));
        } else if (!named.isString() || !named.asString().getValue().equals(tenant.value())) {
            throw new TenantViolationException("document names " + describe(named) + " in tenant field '" + field
                    + "' but the current tenant is '" + tenant + "'; a document is written only to its own tenant");
        }
        return out;
    }

    private static String describe(BsonValue value) {
        return value.isString() ? "tenant '" + value.asString().getValue() + "'" : "a " + value.getBsonType()
                + " value";
    }

    private T decode(BsonDocument document) {
        return codecRegistry.get(documentClass).decode(new BsonDocumentReader(document), DECODE);
    }

    private BsonDocument checkedUpdate(Bson update) {
        BsonDocument rendered = render(Objects.requireNonNull(update, "update"));
        updateGuard.checkUpdate(rendered);
        return rendered;
    }

    private List<BsonDocument> checkedPipeline(List<? extends Bson> update) {
        Objects.requireNonNull(update, "update");
        List<BsonDocument> stages = renderAll(update, "update pipeline");
        updateGuard.checkPipeline(stages);
        return stages;
    }

    /**
     * The filter of a write: as given, or for an upsert rendered to plain BSON and checked. An upsert's filter may
     * name the tenant field only with the current tenant's id: anything else would either match nothing and insert,
     * or seed the new document with another tenant.
     */
    private Bson writeFilter(TenantId tenant, Bson filter, boolean upsert) {
        if (!upsert) {
            return filter;
        }
        BsonDocument rendered = render(filter);
        checkNamedTenant(tenant, rendered);
        return rendered;
    }

    private void checkNamedTenant(TenantId tenant, BsonDocument filter) {
        BsonValue named = filter.get(field);
        if (named != null && !(named.isString() && named.asString().getValue().equals(tenant.value()))) {
            throw new TenantViolationException("upsert filter names " + describe(named) + " in tenant field '" + field
                    + "'; an upsert creates documents only for the current tenant ('" + tenant + "')");
        }
        BsonValue and = filter.get("$and");
        if (and != null && and.isArray()) {
            for (BsonValue clause : and.asArray()) {
                if (clause.isDocument()) {
                    checkNamedTenant(tenant, clause.asDocument());
                }
            }
        }
    }

    @Override
    public BulkWriteResult bulkWrite(List<? extends WriteModel<? extends T>> requests) {
        return bulkWrite(requests, new BulkWriteOptions());
    }

    @Override
    public BulkWriteResult bulkWrite(List<? extends WriteModel<? extends T>> requests, BulkWriteOptions options) {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        boolean softDeletes = softDelete != null && requests.stream()
                .anyMatch(r -> r instanceof DeleteOneModel || r instanceof DeleteManyModel);
        if (softDeletes && !requests.stream().allMatch(r -> r instanceof DeleteOneModel
                || r instanceof DeleteManyModel || r instanceof InsertOneModel)) {
            throw new IllegalArgumentException("a bulk write to soft-delete collection '" + logicalName + "' may mix "
                    + "deletes only with inserts: deletes there are updates that mark documents, and the result could "
                    + "not tell them from your updates; send them in separate bulk writes");
        }
        List<WriteModel<BsonDocument>> scoped = new ArrayList<>(requests.size());
        for (WriteModel<? extends T> request : requests) {
            scoped.add(scope(tenant, Objects.requireNonNull(request, "requests must not contain null")));
        }
        BulkWriteResult result = raw(tenant).bulkWrite(scoped, options);
        if (softDeletes && result.wasAcknowledged()) { // the marking updates, reported as the deletes they are
            result = BulkWriteResult.acknowledged(result.getInsertedCount(), 0, result.getModifiedCount(), 0,
                    List.of(), result.getInserts());
        }
        if (notifier.active()) {
            notifyBulk(tenant, scoped, result);
        }
        return result;
    }

    /** Per model: inserts and upserts by id; others by the id their filter names, else by their filter. */
    private void notifyBulk(TenantId tenant, List<WriteModel<BsonDocument>> models, BulkWriteResult result) {
        java.util.Map<Integer, BsonValue> upserts = new java.util.HashMap<>();
        if (result.wasAcknowledged()) {
            result.getUpserts().forEach(u -> upserts.put(u.getIndex(), u.getId()));
        }
        for (int i = 0; i < models.size(); i++) {
            WriteModel<BsonDocument> model = models.get(i);
            if (model instanceof InsertOneModel) {
                notifier.inserted(tenant, List.of(((InsertOneModel<BsonDocument>) model).getDocument()));
            } else if (model instanceof ReplaceOneModel) {
                ReplaceOneModel<BsonDocument> replace = (ReplaceOneModel<BsonDocument>) model;
                notifier.applied(tenant, WriteEvent.Kind.REPLACE, render(replace.getFilter()), upserts.get(i), -1,
                        "replaced (bulk write)");
            } else if (model instanceof UpdateOneModel) {
                UpdateOneModel<BsonDocument> update = (UpdateOneModel<BsonDocument>) model;
                notifier.applied(tenant, WriteEvent.Kind.UPDATE, render(update.getFilter()), upserts.get(i), -1,
                        describe(update.getUpdate(), update.getUpdatePipeline()) + " (bulk write)");
            } else if (model instanceof UpdateManyModel) {
                UpdateManyModel<BsonDocument> update = (UpdateManyModel<BsonDocument>) model;
                notifier.applied(tenant, WriteEvent.Kind.UPDATE, render(update.getFilter()), upserts.get(i), -1,
                        describe(update.getUpdate(), update.getUpdatePipeline()) + " (bulk write)");
            } else if (model instanceof DeleteOneModel) {
                notifier.applied(tenant, WriteEvent.Kind.DELETE, render(((DeleteOneModel<BsonDocument>) model)
                        .getFilter()), null, -1, "bulk write");
            } else if (model instanceof DeleteManyModel) {
                notifier.applied(tenant, WriteEvent.Kind.DELETE, render(((DeleteManyModel<BsonDocument>) model)
                        .getFilter()), null, -1, "bulk write");
            }
        }
    }

    private static String describe(BsonDocument update) {
        return WriteNotifier.describeUpdate(update);
    }

    private static String describe(List<BsonDocument> pipeline) {
        return WriteNotifier.describePipeline(pipeline);
    }

    @SuppressWarnings("unchecked")
    private static String describe(@Nullable Bson update, @Nullable List<? extends Bson> pipeline) {
        return update != null ? WriteNotifier.describeUpdate((BsonDocument) update)
                : WriteNotifier.describePipeline((List<BsonDocument>) pipeline);
    }

    @SuppressWarnings("unchecked")
    private WriteModel<BsonDocument> scope(TenantId tenant, WriteModel<? extends T> request) {
        if (request instanceof InsertOneModel) {
            return new InsertOneModel<>(stamp(tenant, ((InsertOneModel<T>) request).getDocument()));
        }
        if (request instanceof ReplaceOneModel) {
            ReplaceOneModel<T> replace = (ReplaceOneModel<T>) request;
            ReplaceOptions options = replace.getReplaceOptions();
            Bson filter = writeFilter(tenant, replace.getFilter(), options.isUpsert());
            return new ReplaceOneModel<>(guard(tenant, filter, options.getCollation()),
                    stampReplacement(tenant, replace.getReplacement()), options);
        }
        if (request instanceof UpdateOneModel) {
            UpdateOneModel<T> update = (UpdateOneModel<T>) request;
            UpdateOptions options = update.getOptions();
            Bson given = writeFilter(tenant, update.getFilter(), options.isUpsert());
            TenantFilter filter = guard(tenant, given, options.getCollation());
            return update.getUpdate() != null
                    ? new UpdateOneModel<>(filter, checkedUpdate(update.getUpdate()), options)
                    : new UpdateOneModel<>(filter, checkedPipeline(update.getUpdatePipeline()), options);
        }
        if (request instanceof UpdateManyModel) {
            UpdateManyModel<T> update = (UpdateManyModel<T>) request;
            UpdateOptions options = update.getOptions();
            Bson given = writeFilter(tenant, update.getFilter(), options.isUpsert());
            TenantFilter filter = guard(tenant, given, options.getCollation());
            return update.getUpdate() != null
                    ? new UpdateManyModel<>(filter, checkedUpdate(update.getUpdate()), options)
                    : new UpdateManyModel<>(filter, checkedPipeline(update.getUpdatePipeline()), options);
        }
        if (softDelete != null && request instanceof DeleteOneModel) {
            DeleteOneModel<T> delete = (DeleteOneModel<T>) request;
            return new UpdateOneModel<>(live(tenant, delete.getFilter(), delete.getOptions().getCollation()),
                    deletion(), updateOptions(delete.getOptions()));
        }
        if (softDelete != null && request instanceof DeleteManyModel) {
            DeleteManyModel<T> delete = (DeleteManyModel<T>) request;
            return new UpdateManyModel<>(live(tenant, delete.getFilter(), delete.getOptions().getCollation()),
                    deletion(), updateOptions(delete.getOptions()));
        }
        if (request instanceof DeleteOneModel) {
            DeleteOneModel<T> delete = (DeleteOneModel<T>) request;
            return new DeleteOneModel<>(guard(tenant, delete.getFilter(), delete.getOptions().getCollation()),
                    delete.getOptions());
        }
        if (request instanceof DeleteManyModel) {
            DeleteManyModel<T> delete = (DeleteManyModel<T>) request;
            return new DeleteManyModel<>(guard(tenant, delete.getFilter(), delete.getOptions().getCollation()),
                    delete.getOptions());
        }
        throw new IllegalArgumentException("unsupported write model " + request.getClass().getName());
    }

    @Override
    public InsertOneResult insertOne(T document) {
        return insertOne(document, new InsertOneOptions());
    }

    @Override
    public InsertOneResult insertOne(T document, InsertOneOptions options) {
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        BsonDocument stamped = stamp(tenant, document);
        InsertOneResult result = raw(tenant).insertOne(stamped, options);
        if (notifier.active()) {
            notifier.inserted(tenant, List.of(stamped));
        }
        return result;
    }

    @Override
    public InsertManyResult insertMany(List<? extends T> documents) {
        return insertMany(documents, new InsertManyOptions());
    }

    @Override
    public InsertManyResult insertMany(List<? extends T> documents, InsertManyOptions options) {
        Objects.requireNonNull(documents, "documents");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        List<BsonDocument> stamped = new ArrayList<>(documents.size());
        for (T document : documents) {
            stamped.add(stamp(tenant, document));
        }
        InsertManyResult result = raw(tenant).insertMany(stamped, options);
        if (notifier.active()) {
            notifier.inserted(tenant, stamped);
        }
        return result;
    }

    @Override
    public DeleteResult deleteOne(Bson filter) {
        return deleteOne(filter, new DeleteOptions());
    }

    @Override
    public DeleteResult deleteOne(Bson filter, DeleteOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        DeleteResult result = softDelete != null ? markDeleted(tenant, filter, options, false)
                : collection(tenant).deleteOne(guard(tenant, filter, options.getCollation()), options);
        if (notifier.active()) {
            notifier.applied(tenant, WriteEvent.Kind.DELETE, render(filter), null, deleted(result), null);
        }
        return result;
    }

    @Override
    public DeleteResult deleteMany(Bson filter) {
        return deleteMany(filter, new DeleteOptions());
    }

    @Override
    public DeleteResult deleteMany(Bson filter, DeleteOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        DeleteResult result = softDelete != null ? markDeleted(tenant, filter, options, true)
                : collection(tenant).deleteMany(guard(tenant, filter, options.getCollation()), options);
        if (notifier.active()) {
            notifier.applied(tenant, WriteEvent.Kind.DELETE, render(filter), null, deleted(result), null);
        }
        return result;
    }

    @Override
    public UpdateResult replaceOne(Bson filter, T replacement) {
        return replaceOne(filter, replacement, new ReplaceOptions());
    }

    @Override
    public UpdateResult replaceOne(Bson filter, T replacement, ReplaceOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        BsonDocument stamped = stampReplacement(tenant, replacement);
        Bson scoped = writeFilter(tenant, filter, options.isUpsert());
        UpdateResult result = raw(tenant).replaceOne(guard(tenant, scoped, options.getCollation()), stamped, options);
        if (notifier.active()) {
            notifier.applied(tenant, WriteEvent.Kind.REPLACE, render(scoped), result.getUpsertedId(), matched(result),
                    "replaced");
        }
        return result;
    }

    /** A driver update call: one or many, operators or pipeline. */
    @FunctionalInterface
    private interface UpdateCall<D, U> {
        UpdateResult apply(MongoCollection<D> collection, Bson filter, U update, UpdateOptions options);
    }

    /**
     * Every update: the tenant first (so a missing one fails before anything else), then the update checked, the
     * filter scoped (checked too for an upsert), the call, and the write listeners told.
     */
    private <U> UpdateResult update(Bson filter, UpdateOptions options, java.util.function.Supplier<U> checkedUpdate,
                                    java.util.function.Function<U, String> describe, UpdateCall<T, ? super U> call) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        U checked = checkedUpdate.get();
        Bson scoped = writeFilter(tenant, filter, options.isUpsert());
        UpdateResult result = call.apply(collection(tenant), guard(tenant, scoped, options.getCollation()), checked,
                options);
        if (notifier.active()) {
            notifier.applied(tenant, WriteEvent.Kind.UPDATE, render(scoped), result.getUpsertedId(), matched(result),
                    describe.apply(checked));
        }
        return result;
    }

    @Override
    public UpdateResult updateOne(Bson filter, Bson update) {
        return updateOne(filter, update, new UpdateOptions());
    }

    @Override
    public UpdateResult updateOne(Bson filter, Bson update, UpdateOptions options) {
        return update(filter, options, () -> checkedUpdate(update), WriteNotifier::describeUpdate, MongoCollection::updateOne);
    }

    @Override
    public UpdateResult updateOne(Bson filter, List<? extends Bson> update) {
        return updateOne(filter, update, new UpdateOptions());
    }

    @Override
    public UpdateResult updateOne(Bson filter, List<? extends Bson> update, UpdateOptions options) {
        return update(filter, options, () -> checkedPipeline(update), WriteNotifier::describePipeline, MongoCollection::updateOne);
    }

    @Override
    public UpdateResult updateMany(Bson filter, Bson update) {
        return updateMany(filter, update, new UpdateOptions());
    }

    @Override
    public UpdateResult updateMany(Bson filter, Bson update, UpdateOptions options) {
        return update(filter, options, () -> checkedUpdate(update), WriteNotifier::describeUpdate, MongoCollection::updateMany);
    }

    @Override
    public UpdateResult updateMany(Bson filter, List<? extends Bson> update) {
        return updateMany(filter, update, new UpdateOptions());
    }

    @Override
    public UpdateResult updateMany(Bson filter, List<? extends Bson> update, UpdateOptions options) {
        return update(filter, options, () -> checkedPipeline(update), WriteNotifier::describePipeline, MongoCollection::updateMany);
    }

    @Override
    public @Nullable T findOneAndDelete(Bson filter) {
        return findOneAndDelete(filter, new FindOneAndDeleteOptions());
    }

    @Override
    public @Nullable T findOneAndDelete(Bson filter, FindOneAndDeleteOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        T result;
        if (softDelete != null) {
            FindOneAndUpdateOptions mark = new FindOneAndUpdateOptions().projection(options.getProjection())
                    .sort(options.getSort()).collation(options.getCollation()).hint(options.getHint())
                    .hintString(options.getHintString()).comment(options.getComment()).let(options.getLet())
                    .returnDocument(ReturnDocument.BEFORE);
            if (options.getMaxTime(TimeUnit.MILLISECONDS) > 0) {
                mark.maxTime(options.getMaxTime(TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS);
            }
            result = collection(tenant).findOneAndUpdate(live(tenant, filter, options.getCollation()), deletion(),
                    mark);
        } else {
            result = collection(tenant).findOneAndDelete(guard(tenant, filter, options.getCollation()), options);
        }
        if (notifier.active() && result != null) {
            notifyFound(tenant, WriteEvent.Kind.DELETE, result, filter, false, null);
        }
        return result;
    }

    @Override
    public @Nullable T findOneAndReplace(Bson filter, T replacement) {
        return findOneAndReplace(filter, replacement, new FindOneAndReplaceOptions());
    }

    @Override
    public @Nullable T findOneAndReplace(Bson filter, T replacement, FindOneAndReplaceOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        BsonDocument stamped = stampReplacement(tenant, replacement);
        Bson scoped = writeFilter(tenant, filter, options.isUpsert());
        BsonDocument result = raw(tenant).findOneAndReplace(guard(tenant, scoped, options.getCollation()), stamped,
                options);
        if (notifier.active()) {
            BsonValue id = result != null ? result.get("_id") : null;
            if (id != null) {
                notifier.emit(tenant, WriteEvent.Kind.REPLACE, id, "replaced");
            } else if (options.isUpsert()) {
                notifier.emit(tenant, WriteEvent.Kind.INSERT, WriteNotifier.idOf(render(scoped)), "upserted");
            }
        }
        return result == null ? null : decode(result);
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, Bson update) {
        return findOneAndUpdate(filter, update, new FindOneAndUpdateOptions());
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, Bson update, FindOneAndUpdateOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        BsonDocument checked = checkedUpdate(update);
        Bson scoped = writeFilter(tenant, filter, options.isUpsert());
        T result = collection(tenant).findOneAndUpdate(guard(tenant, scoped, options.getCollation()), checked, options);
        if (notifier.active()) {
            notifyFound(tenant, WriteEvent.Kind.UPDATE, result, scoped, options.isUpsert(), describe(checked));
        }
        return result;
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, List<? extends Bson> update) {
        return findOneAndUpdate(filter, update, new FindOneAndUpdateOptions());
    }

    @Override
    public @Nullable T findOneAndUpdate(Bson filter, List<? extends Bson> update, FindOneAndUpdateOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        List<BsonDocument> checked = checkedPipeline(update);
        Bson scoped = writeFilter(tenant, filter, options.isUpsert());
        T result = collection(tenant).findOneAndUpdate(guard(tenant, scoped, options.getCollation()), checked, options);
        if (notifier.active()) {
            notifyFound(tenant, WriteEvent.Kind.UPDATE, result, scoped, options.isUpsert(), describe(checked));
        }
        return result;
    }

    // ---------------------------------------------------------------- indexes

    @Override
    public String createIndex(Bson keys) {
        return createIndex(keys, new IndexOptions());
    }

    @Override
    public String createIndex(Bson keys, IndexOptions options) {
        return createIndexes(List.of(new IndexModel(keys, options))).get(0);
    }

    @Override
    public List<String> createIndexes(List<IndexModel> indexes) {
        return createIndexes(indexes, new CreateIndexOptions());
    }

    @Override
    public List<String> createIndexes(List<IndexModel> indexes, CreateIndexOptions options) {
        Objects.requireNonNull(indexes, "indexes");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        List<IndexModel> scoped = new ArrayList<>(indexes.size());
        for (IndexModel index : indexes) {
            Objects.requireNonNull(index, "indexes must not contain null");
            BsonDocument keys = render(index.getKeys());
            BsonDocument leading = IndexKeys.tenantLeading(field, keys, index.getOptions());
            if (softDelete != null && index.getOptions().isUnique()) {
                // unique among live documents: they all lack the deletion key, each deleted one has its own
                leading.put(softDelete.deletionKeyField(), new BsonInt32(1));
            }
            scoped.add(new IndexModel(leading, IndexKeys.named(index.getOptions(), keys)));
        }
        return collection(tenant).createIndexes(scoped, options);
    }

    @Override
    public ListIndexesIterable<Document> listIndexes() {
        return listIndexes(Document.class);
    }

    @Override
    public <R> ListIndexesIterable<R> listIndexes(Class<R> resultClass) {
        Objects.requireNonNull(resultClass, "resultClass");
        TenantId tenant = Tenants.current();
        return new ScopedListIndexesIterable<>(tenant, collection(tenant).listIndexes(resultClass));
    }

    @Override
    public void dropIndex(String indexName) {
        dropIndex(indexName, new DropIndexOptions());
    }

    @Override
    public void dropIndex(String indexName, DropIndexOptions options) {
        Objects.requireNonNull(indexName, "indexName");
        Objects.requireNonNull(options, "options");
        collection(Tenants.current()).dropIndex(indexName, options);
    }

    @Override
    public void dropIndex(Bson keys) {
        dropIndex(keys, new DropIndexOptions());
    }

    @Override
    public void dropIndex(Bson keys, DropIndexOptions options) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(options, "options");
        TenantId tenant = Tenants.current();
        BsonDocument given = render(keys);
        BsonDocument leading = IndexKeys.tenantLeading(field, given, new IndexOptions());
        MongoCollection<T> collection = collection(tenant);
        for (BsonDocument index : collection.listIndexes(BsonDocument.class)) {
            BsonDocument key = index.getDocument("key", new BsonDocument());
            BsonDocument unique = leading.clone();
            if (softDelete != null) {
                unique.put(softDelete.deletionKeyField(), new BsonInt32(1));
            }
            if (key.equals(leading) || key.equals(given) || key.equals(unique)) {
                collection.dropIndex(index.getString("name").getValue(), options);
                return;
            }
        }
        collection.dropIndex(leading, options); // not there: let the server say so, as the driver would
    }

    @Override
    public void dropIndexes() {
        dropIndexes(new DropIndexOptions());
    }

    @Override
    public void dropIndexes(DropIndexOptions options) {
        Objects.requireNonNull(options, "options");
        collection(Tenants.current()).dropIndexes(options);
    }

    // ---------------------------------------------------------------- soft delete

    /** {@code filter} confined to the tenant's live documents, whatever this view sees. */
    private TenantFilter live(TenantId tenant, @Nullable Bson filter, @Nullable Collation collation) {
        return new TenantFilter(field, tenant.value(), filter, collation != null, seen(Visibility.LIVE));
    }

    /** The update that marks documents deleted: now, and a deletion key of this operation's own. */
    private BsonDocument deletion() {
        SoftDelete policy = softDelete("delete");
        return new BsonDocument("$set", new BsonDocument(policy.deletedAtField(),
                new BsonDateTime(policy.clock().millis())).append(policy.deletionKeyField(),
                new BsonObjectId(new ObjectId())));
    }

    private static UpdateOptions updateOptions(DeleteOptions delete) {
        return new UpdateOptions().collation(delete.getCollation()).hint(delete.getHint())
                .hintString(delete.getHintString()).comment(delete.getComment()).let(delete.getLet());
    }

    /** A delete on a soft-delete collection: the live documents matched are marked deleted. */
    private DeleteResult markDeleted(TenantId tenant, Bson filter, DeleteOptions options, boolean many) {
        TenantFilter scoped = live(tenant, filter, options.getCollation());
        UpdateResult marked = many ? collection(tenant).updateMany(scoped, deletion(), updateOptions(options))
                : collection(tenant).updateOne(scoped, deletion(), updateOptions(options));
        return marked.wasAcknowledged() ? DeleteResult.acknowledged(marked.getModifiedCount())
                : DeleteResult.unacknowledged();
    }

    @Override
    public TenantCollection<T> withDeleted() {
        softDelete("withDeleted()");
        return new TenantCollectionImpl<>(db, logicalName, isolation, documentClass, codecRegistry, readPreference,
                writeConcern, readConcern, Visibility.ALL);
    }

    @Override
    public TenantCollection<T> onlyDeleted() {
        softDelete("onlyDeleted()");
        return new TenantCollectionImpl<>(db, logicalName, isolation, documentClass, codecRegistry, readPreference,
                writeConcern, readConcern, Visibility.DELETED);
    }

    @Override
    public UpdateResult restore(Bson filter) {
        Objects.requireNonNull(filter, "filter");
        TenantId tenant = Tenants.current();
        SoftDelete policy = softDelete("restore");
        UpdateResult result = collection(tenant).updateMany(new TenantFilter(field, tenant.value(), filter, false,
                seen(Visibility.DELETED)), new BsonDocument("$unset", new BsonDocument(policy.deletedAtField(),
                new BsonString("")).append(policy.deletionKeyField(), new BsonString(""))));
        if (notifier.active()) {
            notifier.applied(tenant, WriteEvent.Kind.UPDATE, render(filter), null, matched(result), "restored");
        }
        return result;
    }

    @Override
    public DeleteResult purgeDeleted() {
        TenantId tenant = Tenants.current();
        SoftDelete policy = softDelete("purgeDeleted");
        java.time.Instant cutoff = policy.clock().instant().minus(policy.retention());
        BsonDocument old = new BsonDocument(policy.deletedAtField(), new BsonDocument("$lt",
                new BsonDateTime(cutoff.toEpochMilli())));
        DeleteResult result = collection(tenant).deleteMany(new TenantFilter(field, tenant.value(), old, false));
        if (notifier.active()) {
            notifier.applied(tenant, WriteEvent.Kind.DELETE, old, null, deleted(result),
                    "purged (deleted before " + cutoff + ")");
        }
        return result;
    }

    @Override
    public String toString() {
        return "TenantCollection{" + logicalName + ", " + isolation + ", " + documentClass.getSimpleName()
                + (softDelete != null ? ", " + softDelete + ", " + visibility : "") + "}";
    }
}
