package dev.tenantry.collection.internal;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.result.UpdateResult;
import dev.tenantry.collection.internal.ScopedWrites.Change;
import java.util.List;
import java.util.Objects;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The driver's own updates, for system-scope work on a shared collection through the driver adapter: an update
 * document or pipeline, with a session or without. Stateless.
 */
final class RawWrites {

    private RawWrites() {
    }

    static <T> UpdateResult update(MongoCollection<T> c, @Nullable ClientSession s, Bson filter, Change change,
                                   UpdateOptions options, boolean many) {
        Bson update = change.document();
        if (update != null) {
            return many ? (s == null ? c.updateMany(filter, update, options) : c.updateMany(s, filter, update, options))
                    : (s == null ? c.updateOne(filter, update, options) : c.updateOne(s, filter, update, options));
        }
        List<? extends Bson> stages = Objects.requireNonNull(change.pipeline(), "update");
        return many ? (s == null ? c.updateMany(filter, stages, options) : c.updateMany(s, filter, stages, options))
                : (s == null ? c.updateOne(filter, stages, options) : c.updateOne(s, filter, stages, options));
    }

    static <T> @Nullable T findOneAndUpdate(MongoCollection<T> c, @Nullable ClientSession s, Bson filter,
                                            Change change, FindOneAndUpdateOptions options) {
        Bson update = change.document();
        if (update != null) {
            return s == null ? c.findOneAndUpdate(filter, update, options)
                    : c.findOneAndUpdate(s, filter, update, options);
        }
        List<? extends Bson> stages = Objects.requireNonNull(change.pipeline(), "update");
        return s == null ? c.findOneAndUpdate(filter, stages, options) : c.findOneAndUpdate(s, filter, stages, options);
    }
}
