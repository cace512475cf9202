package dev.tenantry.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimit;
import dev.tenantry.testing.MongoTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;

/**
 * The shared store's update pipeline computes exactly what {@link BucketMath} computes. Its stages run here as an
 * aggregation, which every server (the embedded one included) evaluates with the same expression engine an update
 * pipeline uses; {@code SharedPipelineRateLimiterIT} runs them as real updates where the server supports that.
 */
@MongoTest
class DecisionPipelineIT {

    private static final long NOW = 1_800_000_000_000_000_000L;

    private final MongoCollection<BsonDocument> buckets;

    DecisionPipelineIT(MongoDatabase database) {
        this.buckets = database.getCollection("pipeline", BsonDocument.class);
    }

    @Test
    void refillCheckAndTakeMatchBucketMathExactly() {
        long seed = Long.getLong("tenantry.seed", System.nanoTime());
        System.out.println("DecisionPipelineIT seed: " + seed + " (rerun with -Dtenantry.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 300; round++) {
            CompiledLimit limit = new CompiledLimit(randomLimit(random));
            long[] units = new long[limit.full.length];
            for (int i = 0; i < units.length; i++) {
                units[i] = random.nextInt(4) == 0 ? limit.full[i] : Math.floorMod(random.nextLong(), limit.full[i]);
            }
            long elapsed = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> -1 - random.nextInt(1_000_000); // this server's clock is behind the last writer's
                case 2 -> limit.fullFromEmptyNanos + random.nextInt(1000); // a long idle
                default -> Math.floorMod(random.nextLong(), limit.fullFromEmptyNanos + 1);
            };
            long permits = 1 + Math.floorMod(random.nextLong(), limit.limit().maxPermits());
            String where = "seed " + seed + " round " + round + ": " + limit.limit() + ", units "
                    + java.util.Arrays.toString(units) + ", elapsed " + elapsed + ", permits " + permits;

            BsonDocument after = run(stored(limit, units, NOW - elapsed, 7), limit, permits);

            long[] expected = units.clone();
            BucketMath.refill(limit, expected, elapsed);
            boolean allowed = BucketMath.canTake(limit, expected, permits);
            assertEquals(allowed, after.getBoolean(DecisionPipeline.TAKEN).getValue(), where);
            if (allowed) {
                BucketMath.take(limit, expected, permits);
                assertArrayEquals(expected, MongoStore.longs(after.getArray("units")), where);
                assertEquals(Math.max(NOW, NOW - elapsed), after.getInt64("t").getValue(), where);
                assertEquals(8, after.getInt64("n").getValue(), where);
                assertTrue(after.getDateTime("exp").getValue() > Math.max(NOW, NOW - elapsed) / 1_000_000L, where);
            } else {
                assertArrayEquals(units, MongoStore.longs(after.getArray("units")),
                        "a denial leaves the bucket as it was; " + where);
                assertEquals(NOW - elapsed, after.getInt64("t").getValue(), where);
                assertEquals(7, after.getInt64("n").getValue(), where);
            }
            assertFalse(after.containsKey("_ru") || after.containsKey("_tu") || after.containsKey("_fresh"), "no working fields are kept");
        }
    }

    @Test
    void aNewKeyStartsFullAndIsCharged() {
        CompiledLimit limit = new CompiledLimit(RateLimit.of("PRO", Bandwidth.of(10, Duration.ofSeconds(1)),
                Bandwidth.of(1000, Duration.ofHours(1))));
        BsonDocument after = run(new BsonDocument("_id", new BsonString("acme|tenant|")), limit, 3);
        assertTrue(after.getBoolean(DecisionPipeline.TAKEN).getValue());
        long[] expected = BucketMath.full(limit);
        BucketMath.take(limit, expected, 3);
        assertArrayEquals(expected, MongoStore.longs(after.getArray("units")));
        assertEquals(NOW, after.getInt64("t").getValue());
        assertEquals(1, after.getInt64("n").getValue());
        assertEquals("PRO", after.getString("plan").getValue());
    }

    @Test
    void aBucketCountedUnderAnotherPlanIsLeftForTheCallerToCarryOver() {
        CompiledLimit free = new CompiledLimit(RateLimit.of("FREE", Bandwidth.of(10, Duration.ofMinutes(1))));
        CompiledLimit pro = new CompiledLimit(RateLimit.of("PRO", Bandwidth.of(100, Duration.ofMinutes(1))));
        BsonDocument stored = stored(free, BucketMath.full(free), NOW - 5, 3);
        BsonDocument after = run(stored, pro, 1);
        assertFalse(after.getBoolean(DecisionPipeline.TAKEN).getValue());
        assertEquals("FREE", after.getString("plan").getValue());
        assertArrayEquals(free.full, MongoStore.longs(after.getArray("units")));
        assertEquals(3, after.getInt64("n").getValue());
    }

    private BsonDocument run(BsonDocument stored, CompiledLimit limit, long permits) {
        buckets.deleteMany(new BsonDocument());
        buckets.insertOne(stored);
        List<BsonDocument> pipeline = new ArrayList<>();
        pipeline.add(new BsonDocument("$match", new BsonDocument("_id", stored.get("_id"))));
        pipeline.addAll(DecisionPipeline.of(limit, permits, NOW, 60_000));
        return buckets.aggregate(pipeline).first();
    }

    private static BsonDocument stored(CompiledLimit limit, long[] units, long last, long version) {
        return new BsonDocument("_id", new BsonString("acme|tenant|"))
                .append("v", new BsonInt32(MongoStore.FORMAT_VERSION))
                .append("n", new BsonInt64(version))
                .append("plan", new BsonString(limit.name()))
                .append("u", MongoStore.longs(limit.unit))
                .append("r", MongoStore.longs(limit.perNano))
                .append("f", MongoStore.longs(limit.full))
                .append("units", MongoStore.longs(units))
                .append("t", new BsonInt64(last));
    }

    private static RateLimit randomLimit(Random random) {
        Duration[] periods = {Duration.ofMillis(1), Duration.ofMillis(250), Duration.ofSeconds(1),
            Duration.ofSeconds(7), Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1)};
        List<Bandwidth> bandwidths = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        while (bandwidths.size() < n) {
            long capacity = 1 + random.nextInt(random.nextBoolean() ? 20 : 1_000_000);
            long refill = 1 + random.nextInt(random.nextBoolean() ? 13 : 999_983);
            try {
                bandwidths.add(Bandwidth.of(capacity, refill, periods[random.nextInt(periods.length)]));
            } catch (IllegalArgumentException tooFine) {
                // a combination that cannot be counted exactly is refused when configured; draw another
            }
        }
        return new RateLimit("P" + random.nextInt(3), bandwidths);
    }
}
