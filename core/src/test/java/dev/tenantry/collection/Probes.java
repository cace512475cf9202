package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import dev.tenantry.testing.MongoBackend;
import java.util.List;
import java.util.stream.Collectors;

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

    /**
     * Asserts the probe saw no violation except collection-wide index DDL on a SHARED collection sent from a tenant
     * scope ({@code createIndexes}, {@code listIndexes}, {@code dropIndexes}).
     *
     * <p>Temporary, until issue 16 §2 is merged: until then {@code TenantCollection}'s index methods and the audit
     * trail's start-up still send that DDL from a tenant scope, and the probe rightly reports it (on SHARED it acts
     * for every tenant). Once indexes are declared on the {@code TenantDatabase} builder and ensured in system scope,
     * delete this method and call {@link IsolationProbe#assertNoViolations()} at its call sites.
     */
    public static void assertNoViolationsBesidesSharedIndexDdl(IsolationProbe probe) {
        List<String> others = probe.violations().stream().filter(v -> !sharedIndexDdl(v))
                .collect(Collectors.toList());
        assertEquals(List.of(), others, "violations of tenant isolation");
    }

    private static boolean sharedIndexDdl(String violation) {
        for (String command : List.of("createIndexes", "listIndexes", "dropIndexes")) {
            if (violation.startsWith(command + " on ") && violation.contains(": collection-wide " + command
                    + " on SHARED collection ")) {
                return true;
            }
        }
        return false;
    }
}
