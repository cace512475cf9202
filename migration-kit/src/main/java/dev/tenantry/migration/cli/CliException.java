package dev.tenantry.migration.cli;

import org.jspecify.annotations.Nullable;

/** A failure the command line reports as one line, with the exit code it ends with. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** What {@code failure} says: its message, or its type where it has none. */
    static String said(@Nullable Throwable failure) {
        if (failure == null) {
            return "no cause given";
        }
        String message = failure.getMessage();
        return message != null ? message : failure.getClass().getName();
    }

    /** One of the {@code TenantryMigrate.EXIT_*} codes. */
    int exitCode() {
        return exitCode;
    }
}
