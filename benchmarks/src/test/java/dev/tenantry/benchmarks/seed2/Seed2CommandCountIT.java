package dev.tenantry.benchmarks.seed2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.seeds.Seed2Dataset;
import org.junit.jupiter.api.Test;

/**
 * Round trips, not time: on seed 2's dataset of 20,000 users (60,000 bookings, 50 businesses) the migration kit's
 * whole restructure, run by a migration runner and verified, sends at most 1/40 of the commands of the seed's
 * per-document scripts, and both end in the same outcome. Counted with a command listener on whichever server the
 * fixture gives (the embedded one, or {@code MONGODB_URI}'s).
 */
@MongoTest
class Seed2CommandCountIT {

    private static final int USERS = 20_000;
    private static final long SEED = 20251103L;

    @Test
    void theKitSendsAtMostAFortiethOfThePortsCommandsForTheSameOutcome(MongoBackend backend, MongoDatabase db) {
        CommandCounter commands = new CommandCounter();
        try (MongoClient client = backend.newClient(settings -> settings.addCommandListener(commands))) {
            MongoDatabase database = client.getDatabase(db.getName());

            Seed2Dataset.create(db, 50, USERS, USERS * 3, SEED);
            commands.reset();
            PerDocumentPort.migrate(database);
            long port = commands.total();
            Outcome ported = Outcome.of(db);

            Seed2Dataset.create(db, 50, USERS, USERS * 3, SEED);
            commands.reset();
            KitMigration.migrate(client, db.getName());
            long kit = commands.total();
            Outcome migrated = Outcome.of(db);

            System.out.printf("seed 2, %,d users: port %,d commands, kit %,d commands %s (1/%.0f)%n", USERS, port,
                    kit, commands.byName(), (double) port / kit);
            assertEquals(ported, migrated, "the same customers, bookings and users");
            assertTrue(port > 40_000, "the port sends a command or two per customer: " + port);
            assertTrue(kit * 40 <= port, "kit " + kit + " commands, port " + port);
        }
    }
}
