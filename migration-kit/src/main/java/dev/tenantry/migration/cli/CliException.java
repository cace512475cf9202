package dev.tenantry.migration.cli;

/** A failure the command line reports as one line, with the exit code it ends with. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** One of the {@code TenantryMigrate.EXIT_*} codes. */
    int exitCode() {
        return exitCode;
    }
}
