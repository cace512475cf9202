package dev.tenantry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteConcernResult;
import com.mongodb.WriteError;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;
import dev.tenantry.ScopeRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which errors the background writers retry: by the driver's types, labels, codes and categories, never messages. */
class MongoErrorsTest {

    private static final ServerAddress HERE = new ServerAddress();

    private static MongoCommandException command(int code, String... labels) {
        BsonDocument response = new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("errmsg", new BsonString("timed out, retry, network, transient")); // a message says nothing
        if (labels.length > 0) {
            BsonArray array = new BsonArray();
            for (String label : labels) {
                array.add(new BsonString(label));
            }
            response.append("errorLabels", array);
        }
        return new MongoCommandException(response, HERE);
    }

    private static MongoBulkWriteException bulk(int code) {
        return new MongoBulkWriteException(BulkWriteResult.unacknowledged(),
                List.of(new BulkWriteError(code, "network timeout", new BsonDocument(), 0)), null, HERE, Set.of());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("socket read", new MongoSocketReadException("reset", HERE), true),
                Arguments.of("socket read timeout", new MongoSocketReadTimeoutException("slow", HERE,
                        new IOException()), true),
                Arguments.of("socket open", new MongoSocketOpenException("refused", HERE), true),
                Arguments.of("server selection", new MongoTimeoutException("no server"), true),
                Arguments.of("client-side operation timeout", new MongoOperationTimeoutException("late"), true),
                Arguments.of("interrupted", new MongoInterruptedException("stop", null), true),
                Arguments.of("not primary", new MongoNotPrimaryException(new BsonDocument("ok", new BsonInt32(0))
                        .append("code", new BsonInt32(10107)), HERE), true),
                Arguments.of("write concern", new MongoWriteConcernException(new WriteConcernError(64,
                        "WriteConcernFailed", "waiting", new BsonDocument()), WriteConcernResult.unacknowledged(),
                        HERE, Set.of()), true),
                Arguments.of("shutdown in progress (91)", command(91), true),
                Arguments.of("exceeded time limit (262)", command(262), true),
                Arguments.of("max time expired (50)", new MongoExecutionTimeoutException(50, "slow"), true),
                Arguments.of("labelled retryable", command(11000, "RetryableWriteError"), true),
                Arguments.of("labelled transient", command(2, "TransientTransactionError"), true),
                Arguments.of("bulk write, state code", bulk(189), true),
                Arguments.of("bulk write, write concern only", new MongoBulkWriteException(
                        BulkWriteResult.unacknowledged(), List.of(), new WriteConcernError(64, "WriteConcernFailed",
                        "w", new BsonDocument()), HERE, Set.of()), true),
                Arguments.of("wrapped in the cause chain", new ScopeRefusedException("wrapped",
                        new MongoSocketReadException("reset", HERE)), true),
                Arguments.of("unauthorized (13)", command(13), false),
                Arguments.of("document validation (121)", command(121), false),
                Arguments.of("bulk write, duplicate key", bulk(11000), false),
                Arguments.of("write error, bad value", new MongoWriteException(new WriteError(2, "network",
                        new BsonDocument()), HERE, Set.of()), false),
                Arguments.of("authentication", new MongoSecurityException(MongoCredential.createCredential("u", "d",
                        new char[0]), "bad password"), false),
                Arguments.of("generic with a timeout-like message", new MongoException("socket timeout, retry"), false),
                Arguments.of("a guard's refusal", new ScopeRefusedException("tenant 'x' is SUSPENDED"), false),
                Arguments.of("an I/O failure outside the driver", new UncheckedIOException(new IOException("disk")),
                        false));
    }

    @ParameterizedTest(name = "{0}: transient={2}")
    @MethodSource("errors")
    void classifiesByTypeLabelCodeAndCategory(String name, Throwable error, boolean transientError) {
        assertEquals(transientError, MongoErrors.isTransient(error), name);
    }
}
