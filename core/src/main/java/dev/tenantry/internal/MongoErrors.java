package dev.tenantry.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which MongoDB errors are worth retrying: those that say the server could not be reached or answer in time, or was
 * not in a state to take the write, and not those that say the request itself was refused. Classified by the driver's
 * exception types, error labels, error codes and {@link ErrorCategory}, never by message text. Not API.
 */
public final class MongoErrors {

    /**
     * Server error codes that describe the server's state, not the request: a retry may succeed once it changes
     * (the codes the drivers' retryable-writes specification lists, and exceeded time limits).
     */
    private static final Set<Integer> STATE_CODES = Set.of(
            6,      // HostUnreachable
            7,      // HostNotFound
            89,     // NetworkTimeout
            91,     // ShutdownInProgress
            134,    // ReadConcernMajorityNotAvailableYet
            189,    // PrimarySteppedDown
            262,    // ExceededTimeLimit
            9001,   // SocketException
            10107,  // NotWritablePrimary
            11600,  // InterruptedAtShutdown
            11602,  // InterruptedDueToReplStateChange
            13435,  // NotPrimaryNoSecondaryOk
            13436); // NotPrimaryOrSecondary

    private static final Set<String> TRANSIENT_LABELS = Set.of("RetryableWriteError", "TransientTransactionError",
            "SystemOverloadedError", "RetryableError");

    private MongoErrors() {
    }

    /**
     * Whether {@code error} is transient: the server could not be reached or did not answer in time, was stepping
     * down or shutting down, or the write concern could not be met; retrying the same request may succeed. Anything
     * else (a refused request, a bad document, a failure outside the driver) is permanent: retrying the same request
     * fails the same way.
     */
    public static boolean isTransient(@Nullable Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!(t instanceof MongoException e)) {
                continue;
            }
            if (e instanceof MongoSocketException || e instanceof MongoTimeoutException
                    || e instanceof MongoOperationTimeoutException || e instanceof MongoInterruptedException
                    || e instanceof MongoConnectionPoolClearedException || e instanceof MongoNotPrimaryException
                    || e instanceof MongoNodeIsRecoveringException || e instanceof MongoWriteConcernException) {
                return true;
            }
            for (String label : TRANSIENT_LABELS) {
                if (e.hasErrorLabel(label)) {
                    return true;
                }
            }
            if (e instanceof MongoBulkWriteException bulk) {
                if (bulk.getWriteErrors().isEmpty()) {
                    return bulk.getWriteConcernError() != null;
                }
                BulkWriteError first = bulk.getWriteErrors().get(0);
                return stateCode(first.getCode());
            }
            if (e instanceof MongoWriteException write) {
                return stateCode(write.getError().getCode());
            }
            if (e instanceof MongoCommandException command) {
                return stateCode(command.getErrorCode());
            }
            return stateCode(e.getCode());
        }
        return false;
    }

    private static boolean stateCode(int code) {
        return STATE_CODES.contains(code) || ErrorCategory.fromErrorCode(code) == ErrorCategory.EXECUTION_TIMEOUT;
    }
}
