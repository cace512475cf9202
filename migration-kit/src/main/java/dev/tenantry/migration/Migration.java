package dev.tenantry.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * One migration: an id, a numeric version, a description, an execute step, and optional verify, rollback and
 * dry-run plan steps.
 *
 * <p>Migrations run in ascending numeric {@link #version()} order (so 2 runs before 10). Each one that ran is
 * remembered with its {@link #fingerprint()}; editing an applied migration changes it, and the runner then refuses
 * to run until that is sorted out. A migration that declares the collections it {@link #reads() reads} is not run
 * against a database that lacks them.
 *
 * <p>The runner calls a migration's steps on the thread that runs it, one at a time; a migration object needs no
 * locking unless the application shares it otherwise.
 *
 * @since 0.1
 */
public interface Migration {

    /** A stable, unique id, the key of this migration's history document. */
    String id();

    /** The version; unique among the runner's migrations, compared as a number. */
    long version();

    /** What this migration does, for people. */
    String description();

    /**
     * The collections this migration reads and expects to exist, e.g. {@code users} and {@code bookings}. The runner
     * refuses to run it where one is missing ({@link MissingCollectionsException}) unless told to allow that, and
     * the dry run reports it. By default none, which checks nothing.
     */
    default Set<String> reads() {
        return Set.of();
    }

    /**
     * Does the work. Call {@link MigrationContext#checkLease()} before writes, and use
     * {@link MigrationContext#progress} and {@link MigrationContext#count} to report.
     */
    void execute(MigrationContext ctx);

    /** Checks the work after {@link #execute}; a failing report fails the migration. By default, passes. */
    default MigrationReport verify(MigrationContext ctx) {
        return MigrationReport.ok();
    }

    /**
     * Undoes what a failed {@link #execute} did. By default there is none.
     *
     * @throws UnsupportedOperationException if this migration has no rollback
     */
    default void rollback(MigrationContext ctx) {
        throw new UnsupportedOperationException("no rollback");
    }

    /**
     * For a dry run: what {@link #execute} would touch, counted with reads only. It must not write. By default, an
     * empty plan.
     */
    default Plan plan(MigrationContext ctx) {
        return Plan.empty();
    }

    /**
     * Identifies this migration's code, to detect edits after it ran. By default, the SHA-256 (hex) of this class's
     * bytecode; override when that does not fit (e.g. migrations built from data, or lambdas).
     *
     * @throws IllegalStateException if the class file cannot be found
     */
    default String fingerprint() {
        Class<?> type = getClass();
        String name = type.getName();
        String file = name.substring(name.lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("cannot read the class file of " + name
                        + " to fingerprint migration " + id() + "; override fingerprint()");
            }
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the class file of " + name, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
