package dev.tenantry.collection.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps server errors that reach a tenant scope free of other tenants' values.
 *
 * <p>Where they can come from matters. A duplicate-key error of a write quotes the key MongoDB failed to insert into
 * the index, which is the key of the document the tenant's own operation wrote: the tenant's own values (on a shared
 * collection the collision itself says that some document holds the key; see {@code TenantCollection} on {@code
 * _id}). Other errors of reads and writes quote documents the tenant's own filters reached. An index build, though,
 * quotes the existing documents that break it, which on a shared collection can be any tenant's: index DDL on a shared
 * collection is refused from a tenant scope, and when a tenant's first operation triggers the creation of declared
 * indexes and it fails, the tenant gets this class's rebuilt error (same code, the collection named, no server
 * message), while the server's message goes to the log, for operators.
 *
 * <p>Not API. Thread-safe (stateless).
 */
final class ServerErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ServerErrors.class);

    private ServerErrors() {
    }

    /**
     * A failure to create the declared indexes of shared collection {@code logicalName}, as a tenant whose first
     * operation triggered it may see it: the code kept (so {@code ErrorCategory.fromErrorCode} still classifies it),
     * the server's reason, which can quote any tenant's document, only in the log.
     */
    static MongoException indexesFailed(MongoException e, String logicalName) {
        if (!(e instanceof MongoServerException)) {
            return e; // a network or client failure quotes no documents
        }
        LOG.warn("creating the declared indexes of shared collection '{}' failed; run TenantDatabase.ensureIndexes() "
                + "at start-up to see this there", logicalName, e);
        String codeName = e instanceof MongoCommandException ? ((MongoCommandException) e).getErrorCodeName() : "";
        BsonDocument response = new BsonDocument("ok", new BsonDouble(0))
                .append("errmsg", new BsonString("the declared indexes of shared collection '" + logicalName
                        + "' could not be created (error code " + e.getCode() + "), so nothing was run; the "
                        + "server's reason is logged, since it may quote any tenant's documents"))
                .append("code", new BsonInt32(e.getCode())).append("codeName", new BsonString(codeName));
        MongoCommandException safe = new MongoCommandException(response,
                ((MongoServerException) e).getServerAddress());
        safe.setStackTrace(e.getStackTrace());
        return safe;
    }
}
