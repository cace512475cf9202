package dev.tenantry.ratelimit.internal;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The update pipeline that makes one shared-store decision on the server: refill the stored units to the app
 * server's time, take the permits if every bandwidth has them, and say whether it did, in the document's {@value
 * #TAKEN} field. A missing document (the upsert of a new key) starts full. A bucket counted under another plan or
 * another counting is left as it is, not taken from; the caller carries its tokens over.
 *
 * <p>The arithmetic is {@link BucketMath}'s, in 64-bit integers on the server: a refill below the time to fill from
 * empty stays under a full bucket, so no product overflows. Only stages an update pipeline allows are used ({@code
 * $addFields}, {@code $project}); the same stages run in an aggregation, which is how the tests check the arithmetic
 * against {@link BucketMath} on servers without update pipelines.
 */
final class DecisionPipeline {

    /** Whether the last decision written took its permits. */
    static final String TAKEN = "a";
    private static final String FRESH = "_fresh";
    private static final String REFILLED = "_ru";
    private static final String TAKEN_UNITS = "_tu";

    private DecisionPipeline() {
    }

    /**
     * The pipeline taking {@code permits} under {@code limit} at {@code nowNanos}; the document expires {@code
     * marginMillis} after it would be full again.
     */
    static List<BsonDocument> of(CompiledLimit limit, long permits, long nowNanos, long marginMillis) {
        int n = limit.full.length;
        BsonValue now = new BsonInt64(nowNanos);
        BsonValue elapsed = op("$subtract", now, new BsonString("$t"));

        // per bandwidth i, over $range(0, n): the constants are literal arrays indexed by $$i
        BsonValue i = new BsonString("$$i");
        BsonValue stored = op("$arrayElemAt", new BsonString("$units"), i);
        BsonValue full = at(limit.full, i);
        BsonValue refill = cond(op("$lte", elapsed, new BsonInt64(0)), stored,
                cond(op("$gte", elapsed, at(limit.fillNanos, i)), full,
                        op("$min", full, op("$add", stored, op("$multiply", elapsed, at(limit.perNano, i))))));
        BsonValue refilled = perBandwidth(n, cond(new BsonString("$" + FRESH), full, refill));
        long[] need = new long[n];
        for (int b = 0; b < n; b++) {
            need[b] = permits * limit.unit[b];
        }
        BsonValue units = op("$arrayElemAt", new BsonString("$" + REFILLED), i);
        BsonValue enough = perBandwidth(n, op("$gte", units, at(need, i)));
        BsonValue taken = perBandwidth(n, op("$subtract", units, at(need, i)));

        BsonArray sameCounting = new BsonArray();
        sameCounting.add(op("$eq", new BsonString("$plan"), literal(new BsonString(limit.name()))));
        sameCounting.add(op("$eq", new BsonString("$u"), literal(MongoStore.longs(limit.unit))));
        sameCounting.add(op("$eq", new BsonString("$r"), literal(MongoStore.longs(limit.perNano))));
        sameCounting.add(op("$eq", new BsonString("$f"), literal(MongoStore.longs(limit.full))));
        BsonValue allowed = op("$and", op("$or", new BsonString("$" + FRESH), new BsonDocument("$and", sameCounting)),
                op("$allElementsTrue", new BsonArray(List.of(enough))));

        BsonValue ok = new BsonString("$" + TAKEN);
        BsonValue last = op("$max", now, new BsonString("$t"));
        // the bucket is full again at the latest fullFromEmpty after its last take; the TTL monitor reads a date
        BsonValue expires = op("$toDate", op("$add", op("$divide", last, new BsonInt64(1_000_000L)),
                new BsonInt64(Math.floorDiv(limit.fullFromEmptyNanos, 1_000_000L) + 1 + marginMillis)));
        BsonDocument write = new BsonDocument()
                .append("v", cond(ok, new BsonInt32(MongoStore.FORMAT_VERSION), new BsonString("$v")))
                .append("n", cond(ok, op("$add", op("$ifNull", new BsonString("$n"), new BsonInt64(0)),
                        new BsonInt64(1)), new BsonString("$n")))
                .append("plan", cond(ok, literal(new BsonString(limit.name())), new BsonString("$plan")))
                .append("u", cond(ok, literal(MongoStore.longs(limit.unit)), new BsonString("$u")))
                .append("r", cond(ok, literal(MongoStore.longs(limit.perNano)), new BsonString("$r")))
                .append("f", cond(ok, literal(MongoStore.longs(limit.full)), new BsonString("$f")))
                .append("units", cond(ok, new BsonString("$" + TAKEN_UNITS), new BsonString("$units")))
                .append("t", cond(ok, last, new BsonString("$t")))
                .append("exp", cond(ok, expires, new BsonString("$exp")));

        List<BsonDocument> pipeline = new ArrayList<>();
        pipeline.add(addFields(FRESH, op("$not", op("$isArray", new BsonString("$units")))));
        pipeline.add(addFields(REFILLED, refilled));
        pipeline.add(addFields(TAKEN, allowed));
        pipeline.add(addFields(TAKEN_UNITS, taken));
        pipeline.add(new BsonDocument("$addFields", write));
        pipeline.add(new BsonDocument("$project", new BsonDocument(FRESH, new BsonInt32(0))
                .append(REFILLED, new BsonInt32(0)).append(TAKEN_UNITS, new BsonInt32(0))));
        return pipeline;
    }

    /** {@code expression} evaluated for each bandwidth index {@code $$i} in 0..n-1, as an array. */
    private static BsonDocument perBandwidth(int n, BsonValue expression) {
        return new BsonDocument("$map", new BsonDocument("input", op("$range", new BsonInt32(0), new BsonInt32(n)))
                .append("as", new BsonString("i")).append("in", expression));
    }

    /** Element {@code index} of a constant array. */
    private static BsonDocument at(long[] values, BsonValue index) {
        return op("$arrayElemAt", literal(MongoStore.longs(values)), index);
    }

    private static BsonDocument addFields(String field, BsonValue value) {
        return new BsonDocument("$addFields", new BsonDocument(field, value));
    }

    private static BsonDocument op(String operator, BsonValue... args) {
        return new BsonDocument(operator, args.length == 1 ? args[0] : new BsonArray(List.of(args)));
    }

    private static BsonDocument cond(BsonValue condition, BsonValue then, BsonValue otherwise) {
        return op("$cond", condition, then, otherwise);
    }

    private static BsonDocument literal(BsonValue value) {
        return new BsonDocument("$literal", value);
    }
}
