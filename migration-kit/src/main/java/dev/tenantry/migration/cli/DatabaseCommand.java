package dev.tenantry.migration.cli;

import com.mongodb.ConnectionString;
import dev.tenantry.migration.MigrationFailedException;
import dev.tenantry.migration.MigrationFingerprintException;
import dev.tenantry.migration.MigrationLockedException;
import dev.tenantry.migration.MissingCollectionsException;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the connection, the progress bar, and turning failures into one line on the error
 * stream and an exit code (a stack trace only with {@code --verbose}). Handled here rather than in picocli's
 * handlers so that any {@code CommandLine} built around {@link TenantryMigrate} behaves the same.
 */
abstract class DatabaseCommand implements Callable<Integer> {

    @ParentCommand
    private @Nullable TenantryMigrate root;

    @Spec
    private @Nullable CommandSpec spec;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private @Nullable Session session;
    private @Nullable ProgressBar bar;

    /** Does the command's work; returns its exit code. */
    abstract int run();

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            return fail(e);
        } finally {
            if (bar != null) {
                bar.finish();
            }
            out().flush();
            closeResources();
        }
    }

    private int fail(RuntimeException e) {
        if (bar != null) {
            bar.finish();
        }
        out().flush();
        CliException translated = translate(e);
        PrintWriter err = err();
        err.println("error: " + translated.getMessage());
        if (translated.exitCode() == TenantryMigrate.EXIT_USAGE) {
            err.println("(see " + spec().qualifiedName() + " --help)");
        }
        if (root().verbose()) {
            e.printStackTrace(err);
        }
        err.flush();
        return translated.exitCode();
    }

    private CliException translate(RuntimeException e) {
        if (e instanceof CliException) {
            return (CliException) e;
        }
        if (e instanceof MigrationLockedException) {
            MigrationLockedException locked = (MigrationLockedException) e;
            return new CliException(TenantryMigrate.EXIT_LOCKED, "migrations are locked by " + locked.owner()
                    + (locked.expiresAt() == null ? "" : " until " + locked.expiresAt())
                    + " (its lease is refreshed while it runs): wait for it to finish, or pass --wait-for-lock "
                    + "<duration> to wait", e);
        }
        if (e instanceof MissingCollectionsException) {
            return new CliException(TenantryMigrate.EXIT_USAGE, CliException.said(e) + " (--allow-missing-collections)",
                    e);
        }
        if (e instanceof MigrationFingerprintException) {
            return new CliException(TenantryMigrate.EXIT_CHANGED, CliException.said(e), e);
        }
        if (e instanceof MigrationFailedException) {
            return new CliException(TenantryMigrate.EXIT_FAILED, CliException.said(e), e);
        }
        CliException unreachable = session != null ? session.translate(e) : null;
        if (unreachable != null) {
            return unreachable;
        }
        return new CliException(TenantryMigrate.EXIT_FAILED, String.valueOf(e), e);
    }

    /** Connects on first use; the connection is closed when the command ends. */
    final Session session() {
        if (session == null) {
            ConnectionString uri = root().connectionString();
            String database = root().databaseName(uri);
            session = manage(Session.open(uri, database, root().timeout()));
        }
        return session;
    }

    /** The progress bar on the error stream, redrawn in place on a terminal (not with {@code --verbose}). */
    final ProgressBar progressBar() {
        if (bar == null) {
            bar = new ProgressBar(err(), root().terminal().interactive() && !root().verbose(), root().nanoTime());
        }
        return bar;
    }

    /** Closes {@code resource} when the command ends, after the ones registered later. */
    final <T extends AutoCloseable> T manage(T resource) {
        resources.push(resource);
        return resource;
    }

    private void closeResources() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                err().println("warning: could not close " + e);
            }
        }
    }

    final TenantryMigrate root() {
        return Objects.requireNonNull(root, "root command");
    }

    final CommandSpec spec() {
        return Objects.requireNonNull(spec, "spec");
    }

    final PrintWriter out() {
        return spec().commandLine().getOut();
    }

    final PrintWriter err() {
        return spec().commandLine().getErr();
    }
}
