package dev.tenantry.collection.internal;

import com.mongodb.DuplicateKeyException;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteException;
import com.mongodb.WriteError;
import com.mongodb.bulk.BulkWriteError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps server errors that reach a tenant scope free of other tenants' values. On a shared collection the document a
 * write collides with may be another tenant's: a duplicate-key error's message and details quote the key ({@code dup
 * key: { _id: "x" }}), and a unique index build that fails quotes whatever document broke it. Such errors are rebuilt
 * as the same exception class with the same error code (so {@link ErrorCategory#fromErrorCode} and {@code
 * getError().getCategory()} still classify them) and a message that names the collection and the index, never a key
 * value; the original is logged at DEBUG, for operators. Other errors pass unchanged: on every other path the server
 * reads only the tenant's own documents (filters lead with the tenant), so what it quotes is the tenant's own.
 *
 * <p>Not API. Thread-safe (stateless).
 */
final class ServerErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ServerErrors.class);
    /** The index name in a duplicate-key message ({@code ... index: email_1 dup key: ...}); names are schema. */
    private static final Pattern INDEX = Pattern.compile("index: (\\S+) dup key");

    private ServerErrors() {
    }

    /** {@code e} as a tenant of shared collection {@code logicalName} may see it. */
    static MongoException forTenant(MongoException e, String logicalName) {
        if (e instanceof MongoWriteException) {
            MongoWriteException write = (MongoWriteException) e;
            if (!isDuplicateKey(write.getError().getCode())) {
                return e;
            }
            log(e, logicalName);
            WriteError error = write.getError();
            MongoWriteException safe = new MongoWriteException(new WriteError(error.getCode(),
                    message(error.getMessage(), logicalName), new BsonDocument()), write.getServerAddress(),
                    write.getErrorLabels());
            safe.setStackTrace(e.getStackTrace());
            return safe;
        }
        if (e instanceof MongoBulkWriteException) {
            MongoBulkWriteException bulk = (MongoBulkWriteException) e;
            if (bulk.getWriteErrors().stream().noneMatch(w -> isDuplicateKey(w.getCode()))) {
                return e;
            }
            log(e, logicalName);
            List<BulkWriteError> errors = new ArrayList<>();
            for (BulkWriteError error : bulk.getWriteErrors()) {
                errors.add(isDuplicateKey(error.getCode()) ? new BulkWriteError(error.getCode(),
                        message(error.getMessage(), logicalName), new BsonDocument(), error.getIndex()) : error);
            }
            MongoBulkWriteException safe = new MongoBulkWriteException(bulk.getWriteResult(), errors,
                    bulk.getWriteConcernError(), bulk.getServerAddress(), bulk.getErrorLabels());
            safe.setStackTrace(e.getStackTrace());
            return safe;
        }
        if (e.getClass() == MongoCommandException.class && isDuplicateKey(e.getCode())) {
            MongoCommandException command = (MongoCommandException) e;
            log(e, logicalName);
            MongoCommandException safe = new MongoCommandException(response(command.getResponse(),
                    command.getErrorMessage(), logicalName, e), command.getServerAddress());
            safe.setStackTrace(e.getStackTrace());
            return safe;
        }
        if (e.getClass() == DuplicateKeyException.class) {
            DuplicateKeyException duplicate = (DuplicateKeyException) e;
            log(e, logicalName);
            DuplicateKeyException safe = new DuplicateKeyException(response(duplicate.getResponse(),
                    duplicate.getErrorMessage(), logicalName, e), duplicate.getServerAddress(),
                    duplicate.getWriteConcernResult());
            safe.setStackTrace(e.getStackTrace());
            return safe;
        }
        return e;
    }

    /** A server response carrying the code, a message without values, and the key pattern (field names only). */
    private static BsonDocument response(BsonDocument original, String message, String logicalName, MongoException e) {
        BsonDocument response = new BsonDocument("ok", new BsonDouble(0))
                .append("errmsg", new BsonString(message(message, logicalName)))
                .append("code", new BsonInt32(e.getCode()));
        BsonValue codeName = original.get("codeName");
        if (codeName != null && codeName.isString()) {
            response.append("codeName", codeName);
        }
        BsonValue keyPattern = original.get("keyPattern");
        if (keyPattern != null && keyPattern.isDocument()) {
            response.append("keyPattern", PlainBson.copy(keyPattern)); // field names only: structure, not data
        }
        if (!e.getErrorLabels().isEmpty()) {
            BsonArray labels = new BsonArray();
            e.getErrorLabels().forEach(label -> labels.add(new BsonString(label)));
            response.append("errorLabels", labels);
        }
        return response;
    }

    /**
     * A failure to create the declared indexes of shared collection {@code logicalName}, as a tenant whose first
     * operation triggered it may see it: the code kept, the server's reason (which can quote any tenant's document)
     * only in the log.
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

    private static boolean isDuplicateKey(int code) {
        return ErrorCategory.fromErrorCode(code) == ErrorCategory.DUPLICATE_KEY;
    }

    private static String message(String original, String logicalName) {
        Matcher index = INDEX.matcher(original);
        return "E11000 duplicate key error in shared collection '" + logicalName + "'"
                + (index.find() ? ", index " + index.group(1) : "") + ": another document has the same key; its "
                + "values are withheld, since on a shared collection that document may be another tenant's";
    }

    private static void log(MongoException e, String logicalName) {
        LOG.debug("duplicate key in shared collection '{}', reported to the tenant without key values", logicalName,
                e);
    }
}
