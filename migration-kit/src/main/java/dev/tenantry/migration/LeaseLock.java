package dev.tenantry.migration;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The migration lock: one document {@code {_id: "lock", owner, expiresAt, acquiredAt}} held under a lease.
 *
 * <p>Acquiring inserts the document if absent (a duplicate key means it exists), then takes it with one conditional
 * {@code findOneAndUpdate} that matches only if the lease expired or is already ours. Lease times come from the
 * injected clock.
 */
final class LeaseLock {

    static final String ID = "lock";

    private final MongoCollection<Document> collection;
    private final String owner;
    private final Clock clock;
    private final Duration lease;

    LeaseLock(MongoCollection<Document> collection, String owner, Clock clock, Duration lease) {
        this.collection = collection;
        this.owner = owner;
        this.clock = clock;
        this.lease = lease;
    }

    String owner() {
        return owner;
    }

    /** Takes the lock if free, expired or already ours; true if this runner holds it now. */
    boolean tryAcquire() {
        Instant now = clock.instant();
        Date expiresAt = Date.from(now.plus(lease));
        try {
            collection.insertOne(new Document("_id", ID).append("owner", owner).append("expiresAt", expiresAt)
                    .append("acquiredAt", Date.from(now)));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
        Bson filter = Filters.and(Filters.eq("_id", ID),
                Filters.or(Filters.lte("expiresAt", Date.from(now)), Filters.eq("owner", owner)));
        Document taken = collection.findOneAndUpdate(filter,
                Updates.combine(Updates.set("owner", owner), Updates.set("expiresAt", expiresAt),
                        Updates.set("acquiredAt", Date.from(now))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        return taken != null && owner.equals(taken.getString("owner"));
    }

    /** The current lock document, or null if nobody holds it. */
    @Nullable Document current() {
        return collection.find(Filters.eq("_id", ID)).first();
    }

    /** Extends the lease if this runner still holds it unexpired; false if it does not. */
    boolean refresh() {
        Instant now = clock.instant();
        return collection.updateOne(
                Filters.and(Filters.eq("_id", ID), Filters.eq("owner", owner), Filters.gt("expiresAt", Date.from(now))),
                Updates.set("expiresAt", Date.from(now.plus(lease)))).getMatchedCount() == 1;
    }

    /** Throws unless this runner holds the lock and its lease has not expired. */
    void check() {
        Document doc = current();
        Instant now = clock.instant();
        if (doc == null) {
            throw new LeaseLostException("runner " + owner + " lost the migration lock: it was released");
        }
        String holder = doc.getString("owner");
        if (!owner.equals(holder)) {
            throw new LeaseLostException("runner " + owner + " lost the migration lock: " + holder
                    + " took it over");
        }
        Date expiresAt = doc.getDate("expiresAt");
        if (expiresAt == null || !expiresAt.toInstant().isAfter(now)) {
            throw new LeaseLostException("runner " + owner + " lost the migration lock: its lease expired at "
                    + (expiresAt == null ? null : expiresAt.toInstant()) + " (now " + now + ")");
        }
    }

    /** Releases the lock if this runner holds it. */
    void release() {
        collection.deleteOne(Filters.and(Filters.eq("_id", ID), Filters.eq("owner", owner)));
    }
}
