package dev.tenantry.collection;

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
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.CreateIndexOptions;
import com.mongodb.client.model.DeleteOptions;
import com.mongodb.client.model.DropIndexOptions;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.InsertOneOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.InsertManyResult;
import com.mongodb.client.result.InsertOneResult;
import com.mongodb.client.result.UpdateResult;
import java.util.List;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The tenant-scoped view of a logical collection: the driver's {@code MongoCollection} methods, with the same
 * names, parameter types, options classes and results, confined to the current tenant ({@link
 * dev.tenantry.Tenants#current()}).
 *
 * <p>Code written against the driver ports by changing one type. The rules every method enforces:
 * <ul>
 *   <li>What is checked is what is sent. Every caller-supplied value that ends up in a command (filters, updates and
 *       update pipelines, documents, pipeline stages at every depth, projections, sorts, hints, {@code let},
 *       {@code min}/{@code max}, array filters, comments, index keys and options, every model of a bulk write, the
 *       {@code Bson} inside the driver's options objects, and every option set later on a returned iterable) is
 *       rendered exactly once, when the method or setter is called, into a private copy that nobody else holds; the
 *       checks and the command use that copy only. The caller's object, and its options object, are never read again:
 *       a {@code Bson} that renders differently the second time, or a document changed after the call, cannot change
 *       what is sent.</li>
 *   <li>Filters become {@code {$and: [{<tenantField>: T}, <filter>]}}: composed, never merged, so no {@code $or},
 *       {@code $nor}, {@code $expr} or {@code $where} in a filter can widen the scope. With a collation, an exact
 *       (collation-immune) match on the tenant is added, since collations can make distinct ids compare equal.</li>
 *   <li>Inserts and replacements are stamped with the tenant; a document that names another tenant is rejected.</li>
 *   <li>Updates may not touch the tenant field through any operator, path or update-pipeline stage (nor, on a
 *       soft-delete collection, its {@code deletedAt} and deletion key fields); upserts create documents that carry
 *       the tenant.</li>
 *   <li>Aggregations start with a tenant {@code $match} (inside {@code $geoNear.query} where {@code $geoNear}
 *       leads); stages are checked against an allow-list, recursively through {@code $facet} and sub-pipelines;
 *       {@code $lookup}, {@code $graphLookup} and {@code $unionWith} into registered collections are rewritten to stay
 *       in the tenant, into anything else refused; {@code $out}, {@code $merge} and unknown stages are refused.</li>
 *   <li>Indexes lead with the tenant field, so {@code unique} means unique per tenant; counts, {@code distinct},
 *       {@code watch} and bulk writes are scoped the same way.</li>
 *   <li>Index DDL on a {@link IsolationStrategy#SHARED} collection changes a structure every tenant shares, so it is
 *       refused from a tenant scope ({@link dev.tenantry.TenantViolationException}): declare indexes with {@link
 *       TenantDatabase.Builder#index} and the library creates them, or run maintenance in system scope ({@link
 *       dev.tenantry.Tenants#runAsSystem}). On per-tenant collections it acts on the tenant's own collection.</li>
 * </ul>
 * Refusals throw {@link dev.tenantry.TenantViolationException} (or its subclass {@link
 * dev.tenantry.ForbiddenStageException}) naming the operator, field or stage, before anything is sent.
 *
 * <p>The tenant is read when an operation is built; an iterable (find, aggregate, distinct, ...) remembers it and
 * checks, when it runs, that the same tenant is still current, and its cursors check again before every batch they
 * fetch ({@code getMore}), so a cursor handed to a thread with no tenant, or another tenant, fails there. Every data
 * method throws {@link dev.tenantry.MissingTenantException} where no tenant is set.
 *
 * <p><b>Errors.</b> Server errors pass through as the driver's exceptions, and quote only the tenant's own values: a
 * duplicate-key error of a write quotes the key of the document the tenant's own operation wrote (never the document
 * it collided with), and other errors quote documents the tenant's own filters reached. Only an index build quotes
 * other documents, which on a shared collection can be any tenant's: index DDL there is refused from a tenant scope,
 * and if creating declared indexes fails on a tenant's first use of the collection, the tenant gets a {@code
 * MongoCommandException} with the server's error code (so {@link com.mongodb.ErrorCategory#fromErrorCode} classifies
 * it) that names the collection and not the server's message, which goes to the log.
 *
 * <p><b>{@code _id} on a shared collection.</b> All tenants' documents share one {@code _id} index, so inserting a
 * caller-chosen {@code _id} that another tenant already uses fails with a duplicate-key error: that tells the caller
 * that some tenant uses the id (an existence oracle), and a tenant can take ids before others do. The error names no
 * other tenant and none of its values (only the {@code _id} the caller tried), but the collision itself cannot be
 * hidden. The remedy is to let ids be generated (the driver's {@code ObjectId}, or a random UUID) or to make them
 * tenant-qualified (e.g. {@code "acme:invoice-42"}, or a compound {@code _id: {tenant: ..., id: ...}}), or to use a
 * per-tenant isolation strategy, where each tenant has its own {@code _id} index.
 *
 * <p><b>Soft delete.</b> On a collection with a {@link SoftDelete} policy a view acts only on documents it can see:
 * the collection itself sees live documents, {@link #withDeleted()} live and deleted ones, {@link #onlyDeleted()}
 * deleted ones. Deletes mark live documents (through {@code onlyDeleted()} they are refused: its documents are deleted
 * already; {@link #purgeDeleted()} removes them once the retention has passed); updates act on what the view sees;
 * replacements act on live documents only; {@code onlyDeleted()} refuses inserts and upserts, whose documents would be
 * live. {@link #restore} and {@link #purgeDeleted()} act on deleted documents from any view, as their names say.
 *
 * <p>Instances are immutable and thread-safe; the {@code with...} methods derive new views.
 *
 * @param <T> the document class
 * @since 0.1
 */
public interface TenantCollection<T> {

    // ---------------------------------------------------------------- identity and derivation

    /** The logical name this collection was registered under. */
    String getLogicalName();

    /** How this collection isolates tenants. */
    IsolationStrategy getIsolation();

    /** The name of the field that carries the tenant in every document. */
    String getTenantField();

    /**
     * The physical namespace of the current tenant's data.
     *
     * @throws dev.tenantry.MissingTenantException if no tenant is set
     */
    MongoNamespace getNamespace();

    /** The class documents are decoded to. */
    Class<T> getDocumentClass();

    /** The codec registry used to encode and decode documents, filters and updates. */
    CodecRegistry getCodecRegistry();

    /** The read preference of this view. */
    ReadPreference getReadPreference();

    /** The write concern of this view. */
    WriteConcern getWriteConcern();

    /** The read concern of this view. */
    ReadConcern getReadConcern();

    /** A view of the same collection decoding to {@code documentClass}. */
    <N> TenantCollection<N> withDocumentClass(Class<N> documentClass);

    /** A view of the same collection with another codec registry. */
    TenantCollection<T> withCodecRegistry(CodecRegistry codecRegistry);

    /** A view of the same collection with another read preference. */
    TenantCollection<T> withReadPreference(ReadPreference readPreference);

    /** A view of the same collection with another write concern. */
    TenantCollection<T> withWriteConcern(WriteConcern writeConcern);

    /** A view of the same collection with another read concern. */
    TenantCollection<T> withReadConcern(ReadConcern readConcern);

    // ---------------------------------------------------------------- counting and distinct

    /** Counts the current tenant's documents. */
    long countDocuments();

    /** Counts the current tenant's documents that match {@code filter}. */
    long countDocuments(Bson filter);

    /** Counts the current tenant's documents that match {@code filter}, with options. */
    long countDocuments(Bson filter, CountOptions options);

    /**
     * Counts the current tenant's documents. Unlike the driver's metadata estimate, which would count every
     * tenant's documents in a shared collection, this answers the scoped count.
     */
    long estimatedDocumentCount();

    /** As {@link #estimatedDocumentCount()}, honouring the options' time limit and comment. */
    long estimatedDocumentCount(EstimatedDocumentCountOptions options);

    /** The distinct values of {@code fieldName} among the current tenant's documents. */
    <R> DistinctIterable<R> distinct(String fieldName, Class<R> resultClass);

    /** The distinct values of {@code fieldName} among the current tenant's documents that match {@code filter}. */
    <R> DistinctIterable<R> distinct(String fieldName, Bson filter, Class<R> resultClass);

    // ---------------------------------------------------------------- find and aggregate

    /** Finds the current tenant's documents. */
    FindIterable<T> find();

    /** Finds the current tenant's documents, decoded to {@code resultClass}. */
    <R> FindIterable<R> find(Class<R> resultClass);

    /** Finds the current tenant's documents that match {@code filter}. */
    FindIterable<T> find(Bson filter);

    /** Finds the current tenant's documents that match {@code filter}, decoded to {@code resultClass}. */
    <R> FindIterable<R> find(Bson filter, Class<R> resultClass);

    /**
     * Aggregates the current tenant's documents.
     *
     * @throws dev.tenantry.ForbiddenStageException if a stage cannot be kept inside the tenant
     */
    AggregateIterable<T> aggregate(List<? extends Bson> pipeline);

    /**
     * Aggregates the current tenant's documents, decoded to {@code resultClass}.
     *
     * @throws dev.tenantry.ForbiddenStageException if a stage cannot be kept inside the tenant
     */
    <R> AggregateIterable<R> aggregate(List<? extends Bson> pipeline, Class<R> resultClass);

    // ---------------------------------------------------------------- change streams

    /**
     * Watches the current tenant's changes. On a {@link IsolationStrategy#SHARED} collection events are matched
     * on the tenant of the full document, so {@code fullDocument} defaults to {@code UPDATE_LOOKUP}; events that
     * cannot be attributed (a delete without a pre-image) are withheld rather than risked.
     */
    ChangeStreamIterable<T> watch();

    /** As {@link #watch()}, decoded to {@code resultClass}. */
    <R> ChangeStreamIterable<R> watch(Class<R> resultClass);

    /** As {@link #watch()}, with a pipeline applied after the tenant match. */
    ChangeStreamIterable<T> watch(List<? extends Bson> pipeline);

    /** As {@link #watch()}, with a pipeline applied after the tenant match, decoded to {@code resultClass}. */
    <R> ChangeStreamIterable<R> watch(List<? extends Bson> pipeline, Class<R> resultClass);

    // ---------------------------------------------------------------- writes

    /**
     * Executes a mix of writes, each scoped as its single form would be. Every model is checked before anything is
     * sent, so a violation in one changes nothing.
     */
    BulkWriteResult bulkWrite(List<? extends WriteModel<? extends T>> requests);

    /** As {@link #bulkWrite(List)}, with options. */
    BulkWriteResult bulkWrite(List<? extends WriteModel<? extends T>> requests, BulkWriteOptions options);

    /**
     * Inserts {@code document}, stamped with the current tenant.
     *
     * @throws dev.tenantry.TenantViolationException if the document names another tenant
     */
    InsertOneResult insertOne(T document);

    /** As {@link #insertOne(Object)}, with options. */
    InsertOneResult insertOne(T document, InsertOneOptions options);

    /**
     * Inserts {@code documents}, each stamped with the current tenant; all are checked before any is sent.
     *
     * @throws dev.tenantry.TenantViolationException if a document names another tenant
     */
    InsertManyResult insertMany(List<? extends T> documents);

    /** As {@link #insertMany(List)}, with options. */
    InsertManyResult insertMany(List<? extends T> documents, InsertManyOptions options);

    /** Deletes one of the current tenant's documents that match {@code filter}. */
    DeleteResult deleteOne(Bson filter);

    /** As {@link #deleteOne(Bson)}, with options. */
    DeleteResult deleteOne(Bson filter, DeleteOptions options);

    /** Deletes the current tenant's documents that match {@code filter}. */
    DeleteResult deleteMany(Bson filter);

    /** As {@link #deleteMany(Bson)}, with options. */
    DeleteResult deleteMany(Bson filter, DeleteOptions options);

    /**
     * Replaces one of the current tenant's documents; the replacement is stamped with the tenant.
     *
     * @throws dev.tenantry.TenantViolationException if the replacement (or an upsert's filter) names another tenant
     */
    UpdateResult replaceOne(Bson filter, T replacement);

    /** As {@link #replaceOne(Bson, Object)}, with options. */
    UpdateResult replaceOne(Bson filter, T replacement, ReplaceOptions options);

    /**
     * Updates one of the current tenant's documents.
     *
     * @throws dev.tenantry.TenantViolationException if the update touches the tenant field
     */
    UpdateResult updateOne(Bson filter, Bson update);

    /** As {@link #updateOne(Bson, Bson)}, with options. */
    UpdateResult updateOne(Bson filter, Bson update, UpdateOptions options);

    /**
     * Updates one of the current tenant's documents with an update pipeline.
     *
     * @throws dev.tenantry.TenantViolationException if a stage touches the tenant field
     */
    UpdateResult updateOne(Bson filter, List<? extends Bson> update);

    /** As {@link #updateOne(Bson, List)}, with options. */
    UpdateResult updateOne(Bson filter, List<? extends Bson> update, UpdateOptions options);

    /** Updates the current tenant's documents that match {@code filter}. */
    UpdateResult updateMany(Bson filter, Bson update);

    /** As {@link #updateMany(Bson, Bson)}, with options. */
    UpdateResult updateMany(Bson filter, Bson update, UpdateOptions options);

    /** Updates the current tenant's documents that match {@code filter} with an update pipeline. */
    UpdateResult updateMany(Bson filter, List<? extends Bson> update);

    /** As {@link #updateMany(Bson, List)}, with options. */
    UpdateResult updateMany(Bson filter, List<? extends Bson> update, UpdateOptions options);

    /** Deletes and returns one of the current tenant's documents that match {@code filter}, or null. */
    @Nullable T findOneAndDelete(Bson filter);

    /** As {@link #findOneAndDelete(Bson)}, with options. */
    @Nullable T findOneAndDelete(Bson filter, FindOneAndDeleteOptions options);

    /** Replaces one of the current tenant's documents and returns it (before or after, per options), or null. */
    @Nullable T findOneAndReplace(Bson filter, T replacement);

    /** As {@link #findOneAndReplace(Bson, Object)}, with options. */
    @Nullable T findOneAndReplace(Bson filter, T replacement, FindOneAndReplaceOptions options);

    /** Updates one of the current tenant's documents and returns it (before or after, per options), or null. */
    @Nullable T findOneAndUpdate(Bson filter, Bson update);

    /** As {@link #findOneAndUpdate(Bson, Bson)}, with options. */
    @Nullable T findOneAndUpdate(Bson filter, Bson update, FindOneAndUpdateOptions options);

    /** As {@link #findOneAndUpdate(Bson, Bson)}, with an update pipeline. */
    @Nullable T findOneAndUpdate(Bson filter, List<? extends Bson> update);

    /** As {@link #findOneAndUpdate(Bson, List)}, with options. */
    @Nullable T findOneAndUpdate(Bson filter, List<? extends Bson> update, FindOneAndUpdateOptions options);

    // ---------------------------------------------------------------- indexes

    /**
     * Creates an index whose keys lead with the tenant field, so {@code unique} means unique per tenant. Its name is
     * the one given in options, else the driver's name for {@code keys} as given (e.g. {@code email_1}). A TTL index
     * keeps its single key, since MongoDB expires documents only through single-field indexes, and may not be unique.
     * On a {@link IsolationStrategy#SHARED} collection this runs only in system scope: declare the indexes a shared
     * collection needs with {@link TenantDatabase.Builder#index}. On a per-tenant collection it acts on the current
     * tenant's own collection.
     *
     * @return the index name
     * @throws dev.tenantry.TenantViolationException on a shared collection, from a tenant scope
     * @throws IllegalArgumentException if the keys are empty, or a TTL index has several keys or is unique
     */
    String createIndex(Bson keys);

    /** As {@link #createIndex(Bson)}, with options. */
    String createIndex(Bson keys, IndexOptions options);

    /** Creates several indexes as {@link #createIndex(Bson, IndexOptions)} would. */
    List<String> createIndexes(List<IndexModel> indexes);

    /** As {@link #createIndexes(List)}, with options. */
    List<String> createIndexes(List<IndexModel> indexes, CreateIndexOptions options);

    /**
     * Lists the indexes of the current tenant's physical collection. On a {@link IsolationStrategy#SHARED} collection
     * this runs only in system scope: its indexes serve every tenant, and their definitions (partial filters) can name
     * tenants.
     *
     * @throws dev.tenantry.TenantViolationException on a shared collection, from a tenant scope
     */
    ListIndexesIterable<Document> listIndexes();

    /** As {@link #listIndexes()}, decoded to {@code resultClass}. */
    <R> ListIndexesIterable<R> listIndexes(Class<R> resultClass);

    /**
     * Drops the index named {@code indexName} from the current tenant's physical collection. On a {@link
     * IsolationStrategy#SHARED} collection this runs only in system scope, since it changes the structure every tenant
     * shares.
     *
     * @throws dev.tenantry.TenantViolationException on a shared collection, from a tenant scope
     */
    void dropIndex(String indexName);

    /** As {@link #dropIndex(String)}, with options. */
    void dropIndex(String indexName, DropIndexOptions options);

    /**
     * Drops the index that was created through this collection (or declared) with {@code keys}; see {@link
     * #dropIndex(String)}.
     */
    void dropIndex(Bson keys);

    /** As {@link #dropIndex(Bson)}, with options. */
    void dropIndex(Bson keys, DropIndexOptions options);

    /** Drops every index but {@code _id}'s; see {@link #dropIndex(String)}. */
    void dropIndexes();

    /** As {@link #dropIndexes()}, with options. */
    void dropIndexes(DropIndexOptions options);

    // ---------------------------------------------------------------- soft delete

    /**
     * A view of this collection that also sees documents deleted under its {@link SoftDelete} policy. Deletes through
     * it still only mark live documents, and replacements replace only live ones; updates reach deleted documents too
     * (never their soft-delete fields).
     *
     * @throws IllegalStateException if the collection has no soft-delete policy
     */
    TenantCollection<T> withDeleted();

    /**
     * A view of this collection that sees only documents deleted under its {@link SoftDelete} policy. It reads,
     * counts, aggregates and updates them; inserts, upserts, replacements and deletes through it are refused with an
     * {@link IllegalStateException} (they would act on documents it does not show).
     *
     * @throws IllegalStateException if the collection has no soft-delete policy
     */
    TenantCollection<T> onlyDeleted();

    /**
     * Brings back the current tenant's deleted documents that match {@code filter}. A document whose unique keys a
     * live document now holds cannot come back: the server's duplicate-key error says which.
     *
     * @return how many were matched and restored
     * @throws IllegalStateException if the collection has no soft-delete policy
     */
    UpdateResult restore(Bson filter);

    /**
     * Removes for good the current tenant's documents deleted longer ago than the policy's retention.
     *
     * @return how many were removed
     * @throws IllegalStateException if the collection has no soft-delete policy
     */
    DeleteResult purgeDeleted();
}
