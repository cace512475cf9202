package dev.tenantry.ratelimit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import dev.tenantry.Tenants;
import dev.tenantry.ratelimit.FailPolicy;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets shared by every app instance through MongoDB: one document per key, one round trip in the common case.
 *
 * <p>Where the server runs update pipelines (detected once, when the store is made), an admitted or denied request is
 * one {@code findOneAndUpdate} whose pipeline refills, checks and takes on the server, atomically, from the time this
 * app server sends: no retries however hot the key, and a key seen for the first time is created by the same upsert.
 * Elsewhere (and for the rare call that finds the bucket counted under another plan), the portable form below runs.
 *
 * <p>Each instance caches the state it last saw per key. An admitted request writes the new state with {@code
 * updateOne({_id, n: <seen>}, {$set: ...})}: one round trip. A denial writes nothing: other instances only ever take
 * tokens away, so a bucket that is short in the cached state is short in truth too. A key seen for the first time is
 * created, already charged, by one upsert; whether this call created it is told by the upsert's answer (its upserted
 * id), and when another writer was first, its state is read and the swap below takes from it. When another writer (another instance, or another thread of this one) wrote
 * first, the swap matches nothing: the state is read again and the swap retried with jittered backoff, so a hot key
 * causes no retry storm.
 *
 * <p>No lock is held across a round trip: threads of one instance that decide for the same key race on the server
 * like instances do. Every decision has one deadline, the store's timeout from when it started; each round trip is
 * bounded by what is left of it (a client-side operation timeout), and a decision whose deadline passes, whether
 * MongoDB is down, hangs or the key is contended, is decided by the {@link FailPolicy}. So a decision returns within
 * the timeout plus the local work, however many threads wait on the same key.
 *
 * <p>The app server's clock decides refills, from the time stored with the state: a server whose clock is behind
 * refills nothing until its clock passes that time (skew delays refills, it never adds tokens), and the stored time
 * never moves backwards. A TTL index removes a document once its bucket is full again (plus a minute of margin for
 * the database server's clock), when a new bucket would be full too.
 */
public final class MongoStore implements BucketStore {

    private static final Logger LOG = LoggerFactory.getLogger(MongoStore.class);
    static final int FORMAT_VERSION = 1;
    private static final long TTL_MARGIN_MILLIS = Duration.ofMinutes(1).toMillis();

    /** A bucket as stored: its version, limit name, unit sizes and units per bandwidth, and last refill time. */
    private record State(long version, String plan, long[] unitSizes, long[] rates, long[] full, long[] units,
                         long lastNanos) {
    }

    private final MongoCollection<BsonDocument> buckets;
    private final FailPolicy failPolicy;
    private final long timeoutNanos;
    private final AtomicLong failedDecisions = new AtomicLong();
    private final Cache<String, State> seen = Caffeine.newBuilder().maximumSize(100_000).build();

    private final java.util.function.LongSupplier epochNanos;
    /** Whether decisions run as a server-side update pipeline; else by compare-and-swap. */
    private final boolean pipelines;

    /** How decisions are written: detected from the server, or forced (for tests). */
    public enum Mode {
        /** Update pipelines where the server runs them, else compare-and-swap. */
        DETECT,
        /** Update pipelines; the server must support them (MongoDB 4.2 and later). */
        PIPELINE,
        /** Compare-and-swap of the stored state, on any server. */
        COMPARE_AND_SWAP
    }

    /**
     * A store in {@code collection} of {@code database}, timed by {@code epochNanos} (the limiter's clock: shared
     * state needs a time every app server reads alike); creates the TTL index.
     */
    public MongoStore(MongoDatabase database, String collection, FailPolicy failPolicy, Duration timeout,
                      java.util.function.LongSupplier epochNanos) {
        this(database, collection, failPolicy, timeout, epochNanos, Mode.DETECT);
    }

    /** As above, writing decisions as {@code mode} says. */
    public MongoStore(MongoDatabase database, String collection, FailPolicy failPolicy, Duration timeout,
                      java.util.function.LongSupplier epochNanos, Mode mode) {
        this.epochNanos = epochNanos;
        this.buckets = database.getCollection(collection, BsonDocument.class);
        this.failPolicy = failPolicy;
        this.timeoutNanos = timeout.toNanos();
        // The library's own schema: in system scope, like every collection-wide DDL.
        Tenants.runAsSystem("tenantry: create the rate-limit buckets' TTL index", () -> buckets.createIndex(
                Indexes.ascending("exp"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS).name("exp_ttl")));
        this.pipelines = mode == Mode.PIPELINE || mode == Mode.DETECT && runsUpdatePipelines();
    }

    /** Whether decisions run as server-side update pipelines. */
    public boolean usesUpdatePipelines() {
        return pipelines;
    }

    /** Tries a pipeline update on a document no key can name (keys contain '|'), then removes it. */
    private boolean runsUpdatePipelines() {
        BsonDocument probe = new BsonDocument("_id", new BsonString("probe:update-pipelines"));
        try {
            within(System.nanoTime() + timeoutNanos).updateOne(probe, List.of(new BsonDocument("$addFields",
                    new BsonDocument("exp", new BsonDateTime(0)))), new UpdateOptions().upsert(true));
            return true;
        } catch (MongoCommandException | MongoWriteException e) {
            LOG.info("the server does not run update pipelines ({}); rate-limit decisions use compare-and-swap",
                    e.getMessage());
            return false;
        } finally {
            try {
                within(System.nanoTime() + timeoutNanos).deleteOne(probe);
            } catch (MongoException e) {
                LOG.debug("could not remove the update-pipeline probe; its TTL removes it", e);
            }
        }
    }

    @Override
    public RateLimitDecision apply(RateLimitKey rateLimitKey, CompiledLimit limit, long permits, boolean consume) {
        String key = rateLimitKey.asString();
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            return decide(key, limit, permits, consume, epochNanos.getAsLong(), deadline);
        } catch (MongoException e) {
            return failed(limit, permits, e.toString());
        }
    }

    private long timeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    }

    /**
     * The collection with a client-side operation timeout of what is left until {@code deadline}.
     *
     * @throws MongoOperationTimeoutException if nothing is left
     */
    private MongoCollection<BsonDocument> within(long deadline) {
        long left = deadline - System.nanoTime();
        if (left < TimeUnit.MILLISECONDS.toNanos(1)) {
            throw new MongoOperationTimeoutException("the rate-limit decision's " + timeoutMillis() + " ms are up");
        }
        return buckets.withTimeout(TimeUnit.NANOSECONDS.toMillis(left), TimeUnit.MILLISECONDS);
    }

    /** The decision; a refusal when the key stayed contended until the deadline. */
    private RateLimitDecision decide(String key, CompiledLimit limit, long permits, boolean consume,
                                               long nowNanos, long deadline) {
        if (pipelines && consume) {
            State cached = seen.getIfPresent(key);
            if (cached != null && counts(limit, cached)) {
                long[] units = refilled(limit, cached, nowNanos);
                if (!BucketMath.canTake(limit, units, permits)) {
                    return BucketMath.decide(limit, units, permits, false); // short here, so short in truth
                }
            }
            BsonDocument doc = within(deadline).findOneAndUpdate(new BsonDocument("_id", new BsonString(key)),
                    DecisionPipeline.of(limit, permits, nowNanos, TTL_MARGIN_MILLIS),
                    new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
            State state = fromDocument(doc);
            seen.put(key, state);
            if (doc.getBoolean(DecisionPipeline.TAKEN).getValue()) {
                return BucketMath.decide(limit, state.units(), permits, true);
            }
            if (counts(limit, state)) {
                return BucketMath.decide(limit, refilled(limit, state, nowNanos), permits, false);
            }
            // counted under another plan: the compare-and-swap below carries the tokens over, from the state just read
        }
        for (int attempt = 0; ; attempt++) {
            State state = seen.getIfPresent(key);
            if (state == null) {
                State created = charged(limit, permits, consume, nowNanos);
                if (created(key, created, limit, nowNanos, deadline)) { // created, and charged if asked
                    seen.put(key, created);
                    return BucketMath.decide(limit, created.units(), permits, true);
                }
                BsonDocument doc = within(deadline).find(new BsonDocument("_id", new BsonString(key))).first();
                if (doc == null) {
                    continue; // created by another writer and already expired: create it again
                }
                state = fromDocument(doc);
                seen.put(key, state);
            }
            long[] units = state.units().clone();
            boolean changed = !counts(limit, state);
            if (changed) {
                // Another plan, or this plan reconfigured: refill the time since the last write under the counting
                // stored with the bucket, then carry the tokens left over, as the in-process store does.
                BucketMath.refill(state.full(), state.rates(), units, nowNanos - state.lastNanos());
                units = BucketMath.carryOver(state.unitSizes(), units, limit);
            } else {
                BucketMath.refill(limit, units, nowNanos - state.lastNanos());
            }
            long last = Math.max(state.lastNanos(), nowNanos);
            boolean allowed = BucketMath.canTake(limit, units, permits);
            boolean take = consume && allowed;
            if (!take && !changed) {
                return BucketMath.decide(limit, units, permits, allowed);
            }
            if (take) {
                BucketMath.take(limit, units, permits);
            }
            State next = new State(state.version() + 1, limit.name(), limit.unitSizes(), limit.rates(),
                    limit.fullUnits(), units, last);
            UpdateResult result = within(deadline).updateOne(new BsonDocument("_id", new BsonString(key))
                            .append("n", new BsonInt64(state.version())),
                    new BsonDocument("$set", toDocument(next, limit, nowNanos, true)));
            if (result.getMatchedCount() == 1) {
                seen.put(key, next);
                return BucketMath.decide(limit, units, permits, allowed);
            }
            seen.invalidate(key); // another writer was first: read its state and try again
            if (attempt > 0) {
                long pause = ThreadLocalRandom.current().nextLong(1, 1L << Math.min(attempt + 10, 20));
                if (deadline - System.nanoTime() <= pause) {
                    // Contended until the deadline (MongoDB answers, others keep winning): refuse this one rather
                    // than hammer the key. Not an outage, so the fail policy does not apply: opening would over-admit.
                    State latest = seen.getIfPresent(key);
                    long[] left = latest != null && counts(limit, latest) ? latest.units()
                            : new long[limit.full.length];
                    return BucketMath.decide(limit, left, permits, false);
                }
                LockSupport.parkNanos(pause);
            }
        }
    }

    /**
     * Whether this call created the bucket for {@code key} as {@code state}. Told by the server's own answer to the
     * upsert (an upserted id), never by reading the document back: what is read back may already carry another
     * writer's update. A duplicate key error is the losing side of two upserts racing for a new key (servers before
     * 4.2, and some proxies, do not retry it): another writer created it.
     */
    private boolean created(String key, State state, CompiledLimit limit, long nowNanos, long deadline) {
        try {
            return within(deadline).updateOne(new BsonDocument("_id", new BsonString(key)),
                    Updates.setOnInsert(toDocument(state, limit, nowNanos, false)),
                    new UpdateOptions().upsert(true)).getUpsertedId() != null;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return false;
        }
    }

    private static boolean counts(CompiledLimit limit, State state) {
        return limit.sameCounting(state.plan(), state.unitSizes(), state.rates(), state.full());
    }

    private static long[] refilled(CompiledLimit limit, State state, long nowNanos) {
        long[] units = state.units().clone();
        BucketMath.refill(limit, units, nowNanos - state.lastNanos());
        return units;
    }

    /** A new bucket: full, less the permits when charging; its version is random so the creator can tell. */
    private static State charged(CompiledLimit limit, long permits, boolean consume, long nowNanos) {
        long[] units = BucketMath.full(limit);
        if (consume) {
            BucketMath.take(limit, units, permits);
        }
        return new State(ThreadLocalRandom.current().nextLong(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2), limit.name(),
                limit.unitSizes(), limit.rates(), limit.fullUnits(), units, nowNanos);
    }

    private static BsonDocument toDocument(State state, CompiledLimit limit, long nowNanos, boolean update) {
        BsonArray units = longs(state.units());
        RateLimitDecision d = BucketMath.decide(limit, state.units(), 1, true);
        long fullAtMillis = Math.floorDiv(Math.max(nowNanos, state.lastNanos()), 1_000_000L)
                + d.resetAfter().toMillis() + TTL_MARGIN_MILLIS;
        return new BsonDocument("v", new BsonInt32(FORMAT_VERSION))
                .append("n", new BsonInt64(state.version()))
                .append("plan", new BsonString(state.plan()))
                .append("u", longs(state.unitSizes()))
                .append("r", longs(state.rates()))
                .append("f", longs(state.full()))
                .append("units", units)
                .append("t", new BsonInt64(state.lastNanos()))
                .append("exp", new BsonDateTime(fullAtMillis));
    }

    /** {@code values} as an array of int64. */
    static BsonArray longs(long[] values) {
        BsonArray array = new BsonArray(new ArrayList<BsonValue>(values.length));
        for (long value : values) {
            array.add(new BsonInt64(value));
        }
        return array;
    }

    /** The numbers of {@code array} as longs. */
    static long[] longs(BsonArray array) {
        List<BsonValue> stored = array.getValues();
        long[] values = new long[stored.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = stored.get(i).asNumber().longValue();
        }
        return values;
    }

    private static State fromDocument(BsonDocument doc) {
        return new State(doc.getInt64("n").getValue(), doc.getString("plan").getValue(), longs(doc.getArray("u")),
                longs(doc.getArray("r")), longs(doc.getArray("f")), longs(doc.getArray("units")),
                doc.getInt64("t").getValue());
    }

    private RateLimitDecision failed(CompiledLimit limit, long permits, String why) {
        long failures = failedDecisions.incrementAndGet();
        if (Long.bitCount(failures) == 1) { // 1, 2, 4, 8, ...: loud, but not a log flood during an outage
            LOG.warn("rate-limit store unavailable, failing {} ({} decisions so far): {}", failPolicy, failures, why);
        }
        boolean open = failPolicy == FailPolicy.OPEN;
        long[] units = open ? BucketMath.full(limit) : new long[limit.full.length];
        RateLimitDecision d = BucketMath.decide(limit, units, permits, open);
        return open ? d : RateLimitDecision.of(false, d.limit(), 0, d.resetAfter(), Duration.ofSeconds(1),
                d.policy(), d.bandwidths());
    }
}
