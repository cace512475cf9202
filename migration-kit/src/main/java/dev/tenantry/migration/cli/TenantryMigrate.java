package dev.tenantry.migration.cli;

import com.mongodb.ConnectionString;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code tenantry-migrate}, the migration kit's command line: {@code status}, {@code plan} (the dry run),
 * {@code migrate}, {@code verify}, {@code backup} and {@code restore} of one database.
 *
 * <pre>
 * java -jar tenantry-migration-kit-&lt;version&gt;-cli.jar --uri mongodb://localhost --database app \
 *     migrate --migrations-jar my-migrations.jar
 * </pre>
 *
 * <p>Migrations are classes implementing {@link dev.tenantry.migration.Migration}, found with {@link
 * java.util.ServiceLoader} in the {@code --migrations-jar} paths and on the class path, or named with
 * {@code --migration}. The server comes from {@code --uri} or the {@code MONGODB_URI} environment variable, the
 * database from {@code --database} or the URI's path.
 *
 * <p>Exit codes, also listed by {@code --help}:
 * <ul>
 *   <li>{@value #EXIT_OK}: success;</li>
 *   <li>{@value #EXIT_FAILED}: a migration or a verification failed, or another error;</li>
 *   <li>{@value #EXIT_USAGE}: bad arguments or usage (unknown option, missing database, a class that is no
 *       migration, ...);</li>
 *   <li>{@value #EXIT_UNREACHABLE}: the server cannot be reached or refused the credentials;</li>
 *   <li>{@value #EXIT_LOCKED}: migrations are locked by another runner;</li>
 *   <li>{@value #EXIT_CHANGED}: an applied migration changed since it ran (its fingerprint differs);</li>
 *   <li>{@value #EXIT_REFUSED}: restore refused, because it was not confirmed.</li>
 * </ul>
 *
 * <p>Run it with {@code new CommandLine(new TenantryMigrate()).execute(args)}, or from {@link #main}. An instance
 * serves one execution; it is not thread-safe.
 *
 * @since 0.1
 */
@Command(name = "tenantry-migrate", mixinStandardHelpOptions = true, versionProvider = TenantryMigrate.Version.class,
        description = "Runs Tenantry migrations on a MongoDB database, and backs it up and restores it.",
        subcommands = {StatusCommand.class, PlanCommand.class, MigrateCommand.class, VerifyCommand.class,
            BackupCommand.class, RestoreCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            TenantryMigrate.EXIT_OK + ":success",
            TenantryMigrate.EXIT_FAILED + ":a migration or a verification failed, or another error",
            TenantryMigrate.EXIT_USAGE + ":bad arguments or usage",
            TenantryMigrate.EXIT_UNREACHABLE + ":cannot reach or authenticate to the server",
            TenantryMigrate.EXIT_LOCKED + ":migrations are locked by another runner",
            TenantryMigrate.EXIT_CHANGED + ":an applied migration changed since it ran (fingerprint)",
            TenantryMigrate.EXIT_REFUSED + ":restore refused: not confirmed"},
        footer = {"%nThe server is --uri, else the MONGODB_URI environment variable; the database is --database, "
                + "else the URI's path (mongodb://host/<database>)."})
public final class TenantryMigrate implements Callable<Integer> {

    /** Exit code: success. */
    public static final int EXIT_OK = 0;
    /** Exit code: a migration or a verification failed, or another error. */
    public static final int EXIT_FAILED = 1;
    /** Exit code: bad arguments or usage. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: the server cannot be reached, or refused the credentials. */
    public static final int EXIT_UNREACHABLE = 3;
    /** Exit code: migrations are locked by another runner. */
    public static final int EXIT_LOCKED = 4;
    /** Exit code: an applied migration changed since it ran (its fingerprint differs). */
    public static final int EXIT_CHANGED = 5;
    /** Exit code: restore refused, because it was not confirmed. */
    public static final int EXIT_REFUSED = 6;

    /** The environment variable that gives the server when {@code --uri} does not. */
    public static final String URI_ENV = "MONGODB_URI";

    private final Function<String, @Nullable String> env;
    private final Terminal terminal;
    private final LongSupplier nanoTime;

    @Spec
    private @Nullable CommandSpec spec;

    @Option(names = "--uri", scope = ScopeType.INHERIT, paramLabel = "<uri>",
            description = "MongoDB connection string; default: the " + URI_ENV + " environment variable.")
    private @Nullable String uri;

    @Option(names = "--database", scope = ScopeType.INHERIT, paramLabel = "<name>",
            description = "Database to work on; default: the database in the URI's path.")
    private @Nullable String database;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "<duration>", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How long to wait for the server (e.g. 500ms, 10s, 2m); default: ${DEFAULT-VALUE}.")
    private Duration timeout = Duration.ofSeconds(10);

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log what the runner does, and print stack traces with errors.")
    private boolean verbose;

    /** The command line of this JVM: its environment and console. */
    public TenantryMigrate() {
        this(System::getenv, Terminal.system(), System::nanoTime);
    }

    TenantryMigrate(Function<String, @Nullable String> env, Terminal terminal, LongSupplier nanoTime) {
        this.env = Objects.requireNonNull(env, "env");
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String... args) {
        configureLogging(Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose"));
        System.exit(new CommandLine(new TenantryMigrate()).execute(args));
    }

    /** Without a command: says so and shows the usage. */
    @Override
    public Integer call() {
        CommandLine commandLine = Objects.requireNonNull(spec, "spec").commandLine();
        PrintWriter err = commandLine.getErr();
        err.println("Missing command: give one of status, plan, migrate, verify, backup, restore.");
        commandLine.usage(err);
        return EXIT_USAGE;
    }

    /**
     * slf4j-simple, bundled in the -cli jar, reads these once: the runner's own log of a failure would repeat the
     * error line the command prints, so it is shown only with {@code --verbose}, like informational logging.
     */
    private static void configureLogging(boolean verbose) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.tenantry.migration.MigrationRunner", verbose ? "info" : "off");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The server's connection string, from {@code --uri} or the environment. */
    ConnectionString connectionString() {
        String value = uri != null ? uri : env.apply(URI_ENV);
        if (value == null || value.isBlank()) {
            throw new CliException(EXIT_USAGE, "no server given: pass --uri <uri> or set the " + URI_ENV
                    + " environment variable");
        }
        try {
            return new ConnectionString(value.trim());
        } catch (IllegalArgumentException e) {
            // The driver's message names the rule broken; the URI itself may hold a password, so it is not echoed.
            throw new CliException(EXIT_USAGE, (uri != null ? "--uri" : URI_ENV) + " is not a MongoDB connection "
                    + "string: " + e.getMessage(), e);
        }
    }

    /** The database to work on, from {@code --database} or the path of {@code uri}. */
    String databaseName(ConnectionString uri) {
        String name = database != null ? database : uri.getDatabase();
        if (name == null || name.isBlank()) {
            throw new CliException(EXIT_USAGE, "no database given: pass --database <name> or put it in the URI's "
                    + "path (mongodb://host/<database>)");
        }
        return name;
    }

    Duration timeout() {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new CliException(EXIT_USAGE, "--timeout must be positive, was " + DurationConverter.format(timeout));
        }
        return timeout;
    }

    boolean verbose() {
        return verbose;
    }

    Terminal terminal() {
        return terminal;
    }

    LongSupplier nanoTime() {
        return nanoTime;
    }

    /** The version of the jar this class came from. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TenantryMigrate.class.getPackage().getImplementationVersion();
            return new String[] {"tenantry-migrate " + (version != null ? version : "(development build)")};
        }
    }
}
