package dev.tenantry.collection.internal;

import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.DeleteOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.collection.SoftDelete;
import dev.tenantry.collection.WriteEvent;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.codecs.Codec;
import org.bson.codecs.CollectibleCodec;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * Renders, checks and scopes the writes of one view of a collection: one path per kind of write (insert, update,
 * replace, delete, and the soft-delete restore and purge), shared by the single-write methods, {@code bulkWrite} and
 * the {@code findOneAnd...} methods, so each rule lives once.
 *
 * <p>Each path reads every caller-supplied value once, into a private copy ({@link Renderer}, {@link PlainBson}),
 * checks the copy, and returns a driver {@link WriteModel} built from copies only; the options passed in are private
 * copies already ({@link OptionsCopies}). A view acts only on documents it can see: through {@code onlyDeleted()}
 * nothing is inserted, upserted, replaced or deleted (those would act on documents the view does not show), and a
 * replacement acts on live documents only (it cannot carry a deleted document's marks); updates act on what the view
 * sees but never touch the tenant or soft-delete fields.
 *
 * <p>Immutable and thread-safe.
 */
final class ScopedWrites<T> {

    private final String logicalName;
    private final String field;
    private final @Nullable SoftDelete softDelete;
    private final Visibility visibility;
    private final Renderer renderer;
    private final Class<T> documentClass;
    private final CodecRegistry codecRegistry;
    private final UpdateGuard guard;

    ScopedWrites(String logicalName, String field, @Nullable SoftDelete softDelete, Visibility visibility,
                 Renderer renderer, Class<T> documentClass, CodecRegistry codecRegistry) {
        this.logicalName = logicalName;
        this.field = field;
        this.softDelete = softDelete;
        this.visibility = visibility;
        this.renderer = renderer;
        this.documentClass = documentClass;
        this.codecRegistry = codecRegistry;
        this.guard = new UpdateGuard(field, softDelete == null ? List.of()
                : List.of(softDelete.deletedAtField(), softDelete.deletionKeyField()));
    }

    /** An update's change as the caller gave it: an update document or an update pipeline. */
    record Change(@Nullable Bson document, @Nullable List<? extends Bson> pipeline) {

        static Change of(Bson update) {
            return new Change(Objects.requireNonNull(update, "update"), null);
        }

        static Change of(List<? extends Bson> pipeline) {
            return new Change(null, Objects.requireNonNull(pipeline, "update"));
        }

        /** The change of an update model: its document if it has one, else its pipeline (each read once). */
        static Change of(@Nullable Bson update, @Nullable List<? extends Bson> pipeline) {
            return update != null ? of(update) : of(Objects.requireNonNull(pipeline, "update"));
        }
    }

    /**
     * A write as it is sent: a model of private copies, checked and scoped; what write listeners are told of it (the
     * private copy of the caller's filter, and a summary of the change).
     */
    record Scoped(WriteModel<BsonDocument> model, WriteEvent.Kind kind, @Nullable BsonDocument given,
                  @Nullable String change) {
    }

    // ---------------------------------------------------------------- the kinds

    Scoped insert(TenantId tenant, T document) {
        refuseInDeletedView("insert", "a new document is live, so this view would not show it");
        return new Scoped(new InsertOneModel<>(stamp(tenant, document, true)), WriteEvent.Kind.INSERT, null, null);
    }

    /** @param options a private copy */
    Scoped update(TenantId tenant, Bson filter, Change change, UpdateOptions options, boolean many) {
        Objects.requireNonNull(filter, "filter");
        BsonDocument update = null;
        List<BsonDocument> pipeline = null;
        String summary;
        if (change.document() != null) {
            update = renderer.render(change.document());
            guard.checkUpdate(update);
            summary = WriteNotifier.describeUpdate(update);
        } else {
            pipeline = renderer.renderAll(Objects.requireNonNull(change.pipeline(), "update"), "update pipeline");
            guard.checkPipeline(pipeline);
            summary = WriteNotifier.describePipeline(pipeline);
        }
        if (options.isUpsert()) {
            refuseInDeletedView("upsert", "the document an upsert creates is live, so this view would not show it");
        }
        BsonDocument given = target(tenant, filter, options.isUpsert());
        BsonDocument scoped = TenantFilter.scope(field, tenant.value(), given, options.getCollation() != null,
                visibility.seen(softDelete));
        WriteModel<BsonDocument> model;
        if (many) {
            model = update != null ? new UpdateManyModel<>(scoped, update, options)
                    : new UpdateManyModel<>(scoped, Objects.requireNonNull(pipeline), options);
        } else {
            model = update != null ? new UpdateOneModel<>(scoped, update, options)
                    : new UpdateOneModel<>(scoped, Objects.requireNonNull(pipeline), options);
        }
        return new Scoped(model, WriteEvent.Kind.UPDATE, given, summary);
    }

    /** @param options a private copy */
    Scoped replace(TenantId tenant, Bson filter, T replacement, ReplaceOptions options) {
        Objects.requireNonNull(filter, "filter");
        refuseInDeletedView("replace", "a replacement cannot carry a deleted document's marks, so it would bring the "
                + "document back behind restore()'s back; restore it first");
        BsonDocument document = stamp(tenant, replacement, false);
        BsonDocument given = target(tenant, filter, options.isUpsert());
        BsonDocument scoped = TenantFilter.scope(field, tenant.value(), given, options.getCollation() != null,
                Visibility.LIVE.seen(softDelete));
        return new Scoped(new ReplaceOneModel<>(scoped, document, options), WriteEvent.Kind.REPLACE, given,
                "replaced");
    }

    /**
     * A delete; on a soft-delete collection, the update that marks the live documents matched deleted.
     *
     * @param options a private copy
     */
    Scoped delete(TenantId tenant, Bson filter, DeleteOptions options, boolean many) {
        Objects.requireNonNull(filter, "filter");
        refuseInDeletedView("delete", "its documents are deleted already; purgeDeleted() removes them once the "
                + "retention has passed");
        BsonDocument given = renderer.render(filter);
        boolean exact = options.getCollation() != null;
        WriteModel<BsonDocument> model;
        if (softDelete == null) {
            BsonDocument scoped = TenantFilter.scope(field, tenant.value(), given, exact, null);
            model = many ? new DeleteManyModel<>(scoped, options) : new DeleteOneModel<>(scoped, options);
        } else {
            BsonDocument scoped = TenantFilter.scope(field, tenant.value(), given, exact,
                    Visibility.LIVE.seen(softDelete));
            UpdateOptions marking = OptionsCopies.marking(options);
            model = many ? new UpdateManyModel<>(scoped, deletion(softDelete), marking)
                    : new UpdateOneModel<>(scoped, deletion(softDelete), marking);
        }
        return new Scoped(model, WriteEvent.Kind.DELETE, given, null);
    }

    /** The update that brings back the tenant's deleted documents matching {@code filter}, whatever the view. */
    Scoped restore(TenantId tenant, Bson filter, SoftDelete policy) {
        BsonDocument given = renderer.render(Objects.requireNonNull(filter, "filter"));
        BsonDocument scoped = TenantFilter.scope(field, tenant.value(), given, false, Visibility.DELETED.seen(policy));
        BsonDocument unmark = new BsonDocument("$unset", new BsonDocument(policy.deletedAtField(), new BsonString(""))
                .append(policy.deletionKeyField(), new BsonString("")));
        return new Scoped(new UpdateManyModel<>(scoped, unmark), WriteEvent.Kind.UPDATE, given, "restored");
    }

    /** The delete that removes the tenant's documents deleted before {@code cutoff}, whatever the view. */
    Scoped purge(TenantId tenant, SoftDelete policy, Instant cutoff) {
        BsonDocument old = new BsonDocument(policy.deletedAtField(), new BsonDocument("$lt",
                new BsonDateTime(cutoff.toEpochMilli())));
        return new Scoped(new DeleteManyModel<>(TenantFilter.scope(field, tenant.value(), old, false, null)),
                WriteEvent.Kind.DELETE, old, "purged (deleted before " + cutoff + ")");
    }

    /**
     * One model of a bulk write, scoped as its single form would be: each of its parts is read once, its options
     * copied.
     *
     * @throws IllegalArgumentException for a kind of model this does not know
     */
    @SuppressWarnings("unchecked")
    Scoped scope(TenantId tenant, WriteModel<? extends T> request) {
        Objects.requireNonNull(request, "requests must not contain null");
        if (request instanceof InsertOneModel) {
            return insert(tenant, ((InsertOneModel<T>) request).getDocument());
        }
        if (request instanceof ReplaceOneModel) {
            ReplaceOneModel<T> replace = (ReplaceOneModel<T>) request;
            return replace(tenant, replace.getFilter(), replace.getReplacement(),
                    OptionsCopies.replace(replace.getReplaceOptions(), renderer));
        }
        if (request instanceof UpdateOneModel) {
            UpdateOneModel<T> update = (UpdateOneModel<T>) request;
            return update(tenant, update.getFilter(), Change.of(update.getUpdate(), update.getUpdatePipeline()),
                    OptionsCopies.update(update.getOptions(), renderer), false);
        }
        if (request instanceof UpdateManyModel) {
            UpdateManyModel<T> update = (UpdateManyModel<T>) request;
            return update(tenant, update.getFilter(), Change.of(update.getUpdate(), update.getUpdatePipeline()),
                    OptionsCopies.update(update.getOptions(), renderer), true);
        }
        if (request instanceof DeleteOneModel) {
            DeleteOneModel<T> delete = (DeleteOneModel<T>) request;
            return delete(tenant, delete.getFilter(), OptionsCopies.delete(delete.getOptions(), renderer), false);
        }
        if (request instanceof DeleteManyModel) {
            DeleteManyModel<T> delete = (DeleteManyModel<T>) request;
            return delete(tenant, delete.getFilter(), OptionsCopies.delete(delete.getOptions(), renderer), true);
        }
        throw new IllegalArgumentException("unsupported write model " + request.getClass().getName());
    }

    // ---------------------------------------------------------------- parts

    /**
     * The private copy of a write's filter; for an upsert also checked. An upsert's filter may name the tenant field
     * only with the current tenant's id (anything else would match nothing and insert, or seed the new document with
     * another tenant), and may not name the soft-delete fields (it would seed a live document with a deletion mark).
     */
    private BsonDocument target(TenantId tenant, Bson filter, boolean upsert) {
        BsonDocument given = renderer.render(filter);
        if (upsert) {
            checkUpsertFilter(tenant, given);
        }
        return given;
    }

    private void checkUpsertFilter(TenantId tenant, BsonDocument filter) {
        BsonValue named = filter.get(field);
        if (named != null && !(named.isString() && named.asString().getValue().equals(tenant.value()))) {
            throw new TenantViolationException("upsert filter names " + describe(named) + " in tenant field '" + field
                    + "'; an upsert creates documents only for the current tenant ('" + tenant + "')");
        }
        if (softDelete != null) {
            for (String f : List.of(softDelete.deletedAtField(), softDelete.deletionKeyField())) {
                if (filter.containsKey(f)) {
                    throw new TenantViolationException("upsert filter names soft-delete field '" + f + "'; the "
                            + "document an upsert creates is live, and only deletes mark documents deleted");
                }
            }
        }
        BsonValue and = filter.get("$and");
        if (and != null && and.isArray()) {
            for (BsonValue clause : and.asArray()) {
                if (clause.isDocument()) {
                    checkUpsertFilter(tenant, clause.asDocument());
                }
            }
        }
    }

    private void refuseInDeletedView(String what, String why) {
        if (visibility == Visibility.DELETED) {
            throw new IllegalStateException(what + " is not allowed through onlyDeleted() of collection '"
                    + logicalName + "': a view acts only on documents it shows, and " + why);
        }
    }

    /** The update that marks documents deleted: now, and a deletion key of this operation's own. */
    private static BsonDocument deletion(SoftDelete policy) {
        return new BsonDocument("$set", new BsonDocument(policy.deletedAtField(),
                new BsonDateTime(policy.clock().millis())).append(policy.deletionKeyField(),
                new BsonObjectId(new ObjectId())));
    }

    /**
     * A document as BSON, stamped with {@code tenant}, in a private copy encoded once. For an insert the id is
     * generated first, as the driver would, so the caller's object gets it; a replacement gets none.
     */
    private BsonDocument stamp(TenantId tenant, T document, boolean generateId) {
        Objects.requireNonNull(document, "document");
        Codec<T> codec = codecRegistry.get(documentClass);
        T withId = document;
        if (generateId && codec instanceof CollectibleCodec) {
            withId = ((CollectibleCodec<T>) codec).generateIdIfAbsentFromDocument(document);
        }
        BsonDocument out = PlainBson.encode(codec, withId);
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
}
