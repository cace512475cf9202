package dev.tenantry.migration.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** One execution of the command line with its output captured. */
record CliRun(int exitCode, String out, String err) {

    /** Runs {@code args} with no console and an environment of {@code env}. */
    static CliRun run(Map<String, String> env, Terminal terminal, String... args) {
        return run(new TenantryMigrate(env::get, terminal, System::nanoTime), args);
    }

    /** Runs {@code args} on {@code command}. */
    static CliRun run(TenantryMigrate command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The standard error stream's lines that are not blank. */
    long errLines() {
        return err.lines().filter(l -> !l.isBlank()).count();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
