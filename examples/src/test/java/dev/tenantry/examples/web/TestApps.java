package dev.tenantry.examples.web;

import java.util.UUID;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The booking demo as a test class uses it: on a free port, in a database of its own (the embedded MongoDB, or {@code
 * MONGODB_URI}'s server, where the database is dropped afterwards).
 */
final class TestApps {

    private TestApps() {
    }

    /** Starts the app in a new database named {@code prefix} and a random suffix. */
    static BookingApp start(String prefix) {
        return start(prefix, null);
    }

    /** As {@link #start(String)}, with data exports run by {@code exports} (null: the app's own thread). */
    static BookingApp start(String prefix, @Nullable Executor exports) {
        return BookingApp.start(0, System.getenv("MONGODB_URI"), prefix + UUID.randomUUID().toString()
                .substring(0, 8), exports);
    }

    /** Stops the app (null: nothing started), dropping its database on a real server. */
    static void stop(@Nullable BookingApp app) {
        if (app == null) {
            return;
        }
        if (System.getenv("MONGODB_URI") != null) {
            app.mongoClient().getDatabase(app.databaseName()).drop();
        }
        app.close();
    }
}
