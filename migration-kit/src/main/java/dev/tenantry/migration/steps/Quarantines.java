package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Moving documents to a quarantine collection and back. A quarantined document is kept whole, wrapped with why:
 * {@code {_id: <its _id>, from: <collection>, step: <step>, reason: <why>, document: <the document>}}, so that
 * restoring puts back exactly what was there. A move writes the quarantine first and deletes from the source only
 * once that is acknowledged; both are idempotent, so a move interrupted anywhere and run again ends the same.
 */
final class Quarantines {

    /** The suffix of a quarantine collection's name: {@code bookings_quarantine}. */
    static final String SUFFIX = "_quarantine";

    private Quarantines() {
    }

    /** The quarantine collection of {@code source}: {@code <source>_quarantine} in the same database. */
    static String nameOf(MongoCollection<BsonDocument> source) {
        return source.getNamespace().getCollectionName() + SUFFIX;
    }

    /**
     * Copies the documents {@code reasons} names (as they are now, read with {@code $in} queries) into
     * {@code quarantine}, and returns the deletes that take them out of {@code source}, to be written once the copies
     * are acknowledged. A document already gone from the source (moved by an earlier, interrupted run) is skipped.
     *
     * @param beforeWrite called before the quarantine is written (a lease check)
     */
    static List<WriteModel<BsonDocument>> copy(MongoCollection<BsonDocument> source,
            MongoCollection<BsonDocument> quarantine, Map<BsonValue, String> reasons, String step,
            Runnable beforeWrite) {
        if (reasons.isEmpty()) {
            return List.of();
        }
        Map<BsonValue, BsonDocument> whole = IdLookup.byId(source, reasons.keySet(), Projections.exclude());
        List<WriteModel<BsonDocument>> copies = new ArrayList<>(whole.size());
        List<WriteModel<BsonDocument>> deletes = new ArrayList<>(whole.size());
        String from = source.getNamespace().getCollectionName();
        reasons.forEach((id, reason) -> {
            BsonDocument document = whole.get(BsonValues.normal(id));
            if (document != null) {
                BsonDocument wrapped = new BsonDocument("_id", id).append("from", new BsonString(from))
                        .append("step", new BsonString(step)).append("reason", new BsonString(reason))
                        .append("document", document);
                copies.add(new ReplaceOneModel<>(Filters.eq("_id", id), wrapped, new ReplaceOptions().upsert(true)));
                deletes.add(new DeleteOneModel<>(Filters.eq("_id", id)));
            }
        });
        if (!copies.isEmpty()) {
            beforeWrite.run();
            quarantine.bulkWrite(copies, new BulkWriteOptions().ordered(false));
        }
        return deletes;
    }
}
