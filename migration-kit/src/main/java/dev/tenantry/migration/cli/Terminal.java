package dev.tenantry.migration.cli;

import java.io.Console;
import org.jspecify.annotations.Nullable;

/** The user's terminal, if there is one: whether a person can see redrawn lines and answer a question. */
interface Terminal {

    /** No terminal: output goes to a pipe or a file, and nobody can answer. */
    Terminal NONE = new Terminal() {
        @Override
        public boolean interactive() {
            return false;
        }

        @Override
        public @Nullable String readLine(String prompt) {
            return null;
        }
    };

    /** Whether a person is at a terminal (a console is attached). */
    boolean interactive();

    /** Asks {@code prompt} and returns the answer, or null if nobody can answer (or input ended). */
    @Nullable String readLine(String prompt);

    /** The JVM's console, or {@link #NONE} when the JVM has none (redirected input or output). */
    static Terminal system() {
        Console console = System.console();
        if (console == null) {
            return NONE;
        }
        return new Terminal() {
            @Override
            public boolean interactive() {
                return true;
            }

            @Override
            public @Nullable String readLine(String prompt) {
                return console.readLine("%s", prompt);
            }
        };
    }
}
