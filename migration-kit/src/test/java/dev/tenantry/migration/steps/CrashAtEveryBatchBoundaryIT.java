package dev.tenantry.migration.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoDatabase;
import dev.tenantry.migration.batch.Checkpoint;
import dev.tenantry.migration.batch.CrashingCheckpoint;
import dev.tenantry.testing.MongoTest;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A crash at every batch boundary of the split and of the re-point (after a batch was written but before its
 * checkpoint, and after its checkpoint), then a rerun from the stored checkpoint: the final state is exactly that of
 * an uninterrupted run. Seed 2 at 5 businesses, 300 users and 900 bookings, 50 per batch: 18 batches a step.
 */
@MongoTest
class CrashAtEveryBatchBoundaryIT {

    private static final long SEED = 20_251_103L;
    private static final int BATCH = 50;
    private static final int BOOKINGS = 900;
    private static final String CHECKPOINTS = "checkpoints";

    private final MongoDatabase db;

    CrashAtEveryBatchBoundaryIT(MongoDatabase db) {
        this.db = db;
    }

    private @Nullable Map<String, List<Document>> ready;

    /** The data after the customers collection and the backfill, ready for the split: made once, then restored. */
    private void reseed() {
        db.drop();
        if (ready == null) {
            Seed2Data.generate(db, SEED, 5, 300, BOOKINGS);
            Seed2Steps setup = new Seed2Steps(db, 1000);
            setup.customers.run();
            setup.backfill.run();
            ready = Seed2Data.dump(db);
            return;
        }
        ready.forEach((name, docs) -> {
            if (!docs.isEmpty()) {
                db.getCollection(name).insertMany(docs);
            }
        });
        new Seed2Steps(db, 1000).customers.run();
    }

    private Map<String, List<Document>> state() {
        Map<String, List<Document>> dump = Seed2Data.dump(db);
        List<Document> checkpoints = dump.remove(CHECKPOINTS);
        assertTrue(checkpoints == null || checkpoints.isEmpty(), "a completed step clears its checkpoint");
        return dump;
    }

    private Checkpoint stored(String step) {
        return Checkpoint.stored(db.getCollection(CHECKPOINTS, BsonDocument.class), step);
    }

    @Test
    void aCrashedSplitRerunEndsExactlyAsAnUninterruptedOne() {
        crashAtEveryBoundary((steps, checkpoint) -> steps.split.checkpoint(checkpoint).run(),
                steps -> steps.repoint.run());
    }

    @Test
    void aCrashedRepointRerunEndsExactlyAsAnUninterruptedOne() {
        crashAtEveryBoundary((steps, checkpoint) -> {
            steps.split.run();
            return steps.repoint.checkpoint(checkpoint).run();
        }, steps -> { });
    }

    /**
     * @param step runs the steps up to and including the crashing one, whose checkpoint is given
     * @param rest runs the steps after it
     */
    private void crashAtEveryBoundary(BiFunction<Seed2Steps, Checkpoint, StepReport> step,
            Consumer<Seed2Steps> rest) {
        reseed();
        Seed2Steps plain = new Seed2Steps(db, BATCH);
        plain.split.run();
        plain.repoint.run();
        Map<String, List<Document>> uninterrupted = state();
        int batches = (BOOKINGS + BATCH - 1) / BATCH;

        for (int boundary = 1; boundary <= batches; boundary++) {
            for (boolean afterWrite : new boolean[] {false, true}) {
                String where = "boundary " + boundary + (afterWrite ? " (written, not checkpointed)"
                        : " (checkpointed)");
                reseed();
                Checkpoint crashing = new CrashingCheckpoint(stored("step"), boundary, afterWrite);
                assertThrows(CrashingCheckpoint.Crash.class, () -> step.apply(new Seed2Steps(db, BATCH), crashing),
                        where);
                Seed2Steps again = new Seed2Steps(db, BATCH);
                StepReport rerun = step.apply(again, stored("step"));
                rest.accept(again);
                assertTrue(rerun.batch().resumed() || boundary == 1 && afterWrite, where);
                assertTrue(rerun.clean(), rerun::toString);
                assertEquals(uninterrupted, state(), where);
            }
        }
    }
}
