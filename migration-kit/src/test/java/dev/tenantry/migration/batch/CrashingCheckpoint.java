package dev.tenantry.migration.batch;

import org.jspecify.annotations.Nullable;

/**
 * A checkpoint that crashes a step at one batch boundary, like a process killed there: at batch {@code failAt},
 * after the batch was written but before its position is saved, or just after it is saved.
 */
public final class CrashingCheckpoint implements Checkpoint {

    /** Thrown by the crashing checkpoint. */
    public static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String message) {
            super(message);
        }
    }

    private final Checkpoint stored;
    private final int failAt;
    private final boolean beforeSaving;
    private int saved;

    /**
     * Crashes at batch {@code failAt} (1 for the first), with {@code stored} holding the positions.
     *
     * @param beforeSaving whether to crash once the batch is written but before its position is saved
     */
    public CrashingCheckpoint(Checkpoint stored, int failAt, boolean beforeSaving) {
        this.stored = stored;
        this.failAt = failAt;
        this.beforeSaving = beforeSaving;
    }

    @Override
    public @Nullable Position load() {
        return stored.load();
    }

    @Override
    public void save(Position position) {
        if (++saved == failAt && beforeSaving) {
            throw new Crash("crash after batch " + failAt + " was written");
        }
        stored.save(position);
        if (saved == failAt) {
            throw new Crash("crash after batch " + failAt + " was checkpointed");
        }
    }

    @Override
    public void clear() {
        stored.clear();
    }
}
