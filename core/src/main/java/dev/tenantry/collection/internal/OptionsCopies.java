package dev.tenantry.collection.internal;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.CreateIndexOptions;
import com.mongodb.client.model.DeleteOptions;
import com.mongodb.client.model.DropIndexOptions;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.InsertOneOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Private copies of the driver's options classes. The caller owns the options object it passes (they are mutable) and
 * the {@code Bson} values inside it; each copy is a fresh options object holding private renderings ({@link
 * Renderer}) and copies ({@link PlainBson}) of them, made once when the call is made, so the command carries what
 * was there then. {@code OptionsCopiesTest} checks by reflection that every field of every class is copied.
 *
 * <p>Not API. Thread-safe (stateless).
 */
final class OptionsCopies {

    private static final TimeUnit MS = TimeUnit.MILLISECONDS;

    private OptionsCopies() {
    }

    private static @Nullable BsonValue comment(@Nullable BsonValue comment) {
        return PlainBson.copyOrNull(comment);
    }

    static CountOptions count(CountOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        return new CountOptions().hint(r.renderOrNull(in.getHint())).hintString(in.getHintString())
                .limit(in.getLimit()).skip(in.getSkip()).maxTime(in.getMaxTime(MS), MS).collation(in.getCollation())
                .comment(comment(in.getComment()));
    }

    /** The scoped count that answers an estimate: its time limit and comment. */
    static CountOptions count(EstimatedDocumentCountOptions in) {
        Objects.requireNonNull(in, "options");
        return new CountOptions().maxTime(in.getMaxTime(MS), MS).comment(comment(in.getComment()));
    }

    static FindOneAndDeleteOptions findOneAndDelete(FindOneAndDeleteOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        return new FindOneAndDeleteOptions().projection(r.renderOrNull(in.getProjection()))
                .sort(r.renderOrNull(in.getSort())).maxTime(in.getMaxTime(MS), MS).collation(in.getCollation())
                .hint(r.renderOrNull(in.getHint())).hintString(in.getHintString()).comment(comment(in.getComment()))
                .let(r.renderOrNull(in.getLet()));
    }

    static FindOneAndReplaceOptions findOneAndReplace(FindOneAndReplaceOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        return new FindOneAndReplaceOptions().projection(r.renderOrNull(in.getProjection()))
                .sort(r.renderOrNull(in.getSort())).upsert(in.isUpsert()).returnDocument(in.getReturnDocument())
                .maxTime(in.getMaxTime(MS), MS).bypassDocumentValidation(in.getBypassDocumentValidation())
                .collation(in.getCollation()).hint(r.renderOrNull(in.getHint())).hintString(in.getHintString())
                .comment(comment(in.getComment())).let(r.renderOrNull(in.getLet()));
    }

    static FindOneAndUpdateOptions findOneAndUpdate(FindOneAndUpdateOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        return new FindOneAndUpdateOptions().projection(r.renderOrNull(in.getProjection()))
                .sort(r.renderOrNull(in.getSort())).upsert(in.isUpsert()).returnDocument(in.getReturnDocument())
                .maxTime(in.getMaxTime(MS), MS).bypassDocumentValidation(in.getBypassDocumentValidation())
                .collation(in.getCollation()).arrayFilters(r.renderAllOrNull(in.getArrayFilters(), "arrayFilters"))
                .hint(r.renderOrNull(in.getHint())).hintString(in.getHintString()).comment(comment(in.getComment()))
                .let(r.renderOrNull(in.getLet()));
    }

    /**
     * The marking update that stands for a findOneAndDelete on a soft-delete collection: the delete's options, and
     * the document as it was before.
     */
    static FindOneAndUpdateOptions marking(FindOneAndDeleteOptions copied) {
        return new FindOneAndUpdateOptions().projection(copied.getProjection()).sort(copied.getSort())
                .maxTime(copied.getMaxTime(MS), MS).collation(copied.getCollation()).hint(copied.getHint())
                .hintString(copied.getHintString()).comment(copied.getComment()).let(copied.getLet())
                .returnDocument(ReturnDocument.BEFORE);
    }

    static UpdateOptions update(UpdateOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        return new UpdateOptions().upsert(in.isUpsert()).bypassDocumentValidation(in.getBypassDocumentValidation())
                .collation(in.getCollation()).arrayFilters(r.renderAllOrNull(in.getArrayFilters(), "arrayFilters"))
                .hint(r.renderOrNull(in.getHint())).hintString(in.getHintString()).comment(comment(in.getComment()))
                .let(r.renderOrNull(in.getLet())).sort(r.renderOrNull(in.getSort()));
    }

    static ReplaceOptions replace(ReplaceOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        return new ReplaceOptions().upsert(in.isUpsert()).bypassDocumentValidation(in.getBypassDocumentValidation())
                .collation(in.getCollation()).hint(r.renderOrNull(in.getHint())).hintString(in.getHintString())
                .comment(comment(in.getComment())).let(r.renderOrNull(in.getLet())).sort(r.renderOrNull(in.getSort()));
    }

    static DeleteOptions delete(DeleteOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        return new DeleteOptions().hint(r.renderOrNull(in.getHint())).hintString(in.getHintString())
                .collation(in.getCollation()).comment(comment(in.getComment())).let(r.renderOrNull(in.getLet()));
    }

    /** The options of the update that marks documents deleted in place of a delete: the delete's own (copied). */
    static UpdateOptions marking(DeleteOptions copied) {
        return new UpdateOptions().collation(copied.getCollation()).hint(copied.getHint())
                .hintString(copied.getHintString()).comment(copied.getComment()).let(copied.getLet());
    }

    static InsertOneOptions insertOne(InsertOneOptions in) {
        Objects.requireNonNull(in, "options");
        return new InsertOneOptions().bypassDocumentValidation(in.getBypassDocumentValidation())
                .comment(comment(in.getComment()));
    }

    static InsertManyOptions insertMany(InsertManyOptions in) {
        Objects.requireNonNull(in, "options");
        return new InsertManyOptions().ordered(in.isOrdered())
                .bypassDocumentValidation(in.getBypassDocumentValidation()).comment(comment(in.getComment()));
    }

    static BulkWriteOptions bulkWrite(BulkWriteOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        return new BulkWriteOptions().ordered(in.isOrdered())
                .bypassDocumentValidation(in.getBypassDocumentValidation()).comment(comment(in.getComment()))
                .let(r.renderOrNull(in.getLet()));
    }

    static IndexOptions index(IndexOptions in, Renderer r) {
        Objects.requireNonNull(in, "options");
        IndexOptions out = new IndexOptions().background(in.isBackground()).unique(in.isUnique()).name(in.getName())
                .sparse(in.isSparse()).version(in.getVersion()).weights(r.renderOrNull(in.getWeights()))
                .defaultLanguage(in.getDefaultLanguage()).languageOverride(in.getLanguageOverride())
                .textVersion(in.getTextVersion()).sphereVersion(in.getSphereVersion()).bits(in.getBits())
                .min(in.getMin()).max(in.getMax()).storageEngine(r.renderOrNull(in.getStorageEngine()))
                .partialFilterExpression(r.renderOrNull(in.getPartialFilterExpression()))
                .collation(in.getCollation()).wildcardProjection(r.renderOrNull(in.getWildcardProjection()))
                .hidden(in.isHidden());
        Long expireAfter = in.getExpireAfter(TimeUnit.SECONDS);
        if (expireAfter != null) {
            out.expireAfter(expireAfter, TimeUnit.SECONDS);
        }
        return out;
    }

    static CreateIndexOptions createIndexes(CreateIndexOptions in) {
        Objects.requireNonNull(in, "options");
        return new CreateIndexOptions().maxTime(in.getMaxTime(MS), MS).commitQuorum(in.getCommitQuorum());
    }

    static DropIndexOptions dropIndex(DropIndexOptions in) {
        Objects.requireNonNull(in, "options");
        return new DropIndexOptions().maxTime(in.getMaxTime(MS), MS);
    }
}
