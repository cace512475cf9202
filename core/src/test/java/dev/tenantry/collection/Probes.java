package dev.tenantry.collection;

import com.mongodb.client.MongoClient;
import dev.tenantry.testing.MongoBackend;

/** Helpers that put {@link IsolationProbe}s on the clients of the suites that check Tenantry's own commands. */
public final class Probes {

    private Probes() {
    }

    /** A new client to {@code backend} with every probe attached; the caller closes it. */
    public static MongoClient client(MongoBackend backend, IsolationProbe... probes) {
        return backend.newClient(settings -> {
            for (IsolationProbe probe : probes) {
                settings.addCommandListener(probe);
            }
        });
    }
}
