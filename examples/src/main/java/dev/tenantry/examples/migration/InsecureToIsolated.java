package dev.tenantry.examples.migration;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.migration.MigrationRunner;
import dev.tenantry.migration.MigrationStatus;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.backup.Backup;
import dev.tenantry.migration.backup.BackupManifest;
import dev.tenantry.migration.backup.Restore;
import dev.tenantry.migration.backup.RestoreReport;
import dev.tenantry.migration.verify.VerificationReport;
import dev.tenantry.testing.EmbeddedMongo;
import dev.tenantry.testing.seeds.Seed2Dataset;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * Seed 2 end to end through the migration kit: builds the "insecure" booking database (owners, staff and customers
 * mixed in {@code users}, bookings pointing at users), then backup, dry run, expand, verify, a look through
 * Tenantry's tenant-scoped collections, contract, verify, a planted cross-business reference caught by the verifier,
 * and rollback by restore.
 *
 * <p>Run it with {@code mvn -q -Pquickstart -pl examples -am
 * -Dquickstart.main=dev.tenantry.examples.migration.InsecureToIsolated}. It uses an embedded MongoDB unless
 * {@code MONGODB_URI} is set (its database {@value #DATABASE} is dropped first).
 */
public final class InsecureToIsolated {

    static final String DATABASE = "seed2example";
    private static final int BUSINESSES = 20;
    private static final int USERS = 2_000;
    private static final int BOOKINGS = 6_000;

    private final PrintStream out;

    private InsecureToIsolated(PrintStream out) {
        this.out = out;
    }

    /** Runs the script against {@code MONGODB_URI}, or an embedded MongoDB. */
    public static void main(String[] args) throws IOException {
        Path backup = Files.createTempDirectory("seed2-backup");
        run(System.out, System.getenv("MONGODB_URI"), backup);
    }

    /**
     * Runs the script, printing to {@code out}, with the backup in {@code backupDir}.
     *
     * @return the verification report after the contract phase
     */
    public static VerificationReport run(PrintStream out, @Nullable String mongoUri, Path backupDir) {
        EmbeddedMongo embedded = null;
        ConnectionString connection;
        if (mongoUri == null || mongoUri.isBlank()) {
            embedded = EmbeddedMongo.start();
            connection = embedded.connectionString();
        } else {
            connection = new ConnectionString(mongoUri);
        }
        MongoClientSettings settings = MongoClientSettings.builder().applyConnectionString(connection)
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(10, TimeUnit.SECONDS)).build();
        try (MongoClient client = MongoClients.create(settings)) {
            return new InsecureToIsolated(out).script(client, backupDir);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private VerificationReport script(MongoClient client, Path backupDir) {
        MongoDatabase db = client.getDatabase(DATABASE);
        section("1. The insecure database (seed 2's \"before\")");
        Seed2Dataset.create(db, BUSINESSES, USERS, BOOKINGS, 7L);
        out.printf("%d businesses, %d users (owners, staff and customers mixed), %d bookings pointing at users%n",
                BUSINESSES, USERS, BOOKINGS);

        section("2. Back up first (mongorestore can read it too)");
        BackupManifest manifest = Backup.of(db).collections("businesses", "services", "users", "bookings")
                .to(backupDir);
        out.println("backed up to " + backupDir + ": documents per collection " + manifest.collections());

        MigrationRunner expandOnly = MigrationRunner.builder(client, DATABASE).migrations(new ExpandCustomers())
                .build();
        MigrationRunner both = MigrationRunner.builder(client, DATABASE)
                .migrations(new ExpandCustomers(), new ContractUsers()).build();

        section("3. Dry run: what would change (nothing is written)");
        for (Map.Entry<String, Plan> plan : both.plan().entrySet()) {
            out.println(plan.getKey() + ":");
            plan.getValue().counts().forEach((what, n) -> out.printf("    %,d %s%n", n, what));
        }

        section("4. Expand: customers split per business, bookings re-pointed");
        printStatus(expandOnly.migrate());
        out.println(Seed2Steps.expanded(db).run());

        section("5. Business A cannot see business B's customers (through Tenantry)");
        showIsolation(client, db);

        section("6. Contract: userId off bookings, customer fields off users");
        printStatus(both.migrate());
        VerificationReport report = Seed2Steps.contracted(db).run();
        out.println(report);

        section("7. The verifier catches a booking pointing at another business's customer");
        MongoCollection<Document> bookings = db.getCollection("bookings");
        Document booking = Objects.requireNonNull(bookings.find().first());
        Document foreign = Objects.requireNonNull(db.getCollection("customers")
                .find(Filters.ne("businessId", booking.get("businessId"))).first());
        bookings.updateOne(Filters.eq("_id", booking.get("_id")), Updates.set("customerId", foreign.get("_id")));
        VerificationReport planted = Seed2Steps.contracted(db).run();
        out.println(planted);

        section("8. Roll back by restoring the backup");
        RestoreReport restored = Restore.from(backupDir).into(db);
        out.println("restored documents per collection " + restored.restored() + "; dropped, created since the "
                + "backup: " + restored.dropped());
        Document user = Objects.requireNonNull(db.getCollection("users").find(Filters.eq("hashedPassword", null))
                .first());
        out.printf("customers collection present: %s; a customer user's phone is back: %s%n",
                db.listCollectionNames().into(new ArrayList<>()).contains("customers"), user.get("phone"));
        try {
            Files.walk(backupDir).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return report;
    }

    private void showIsolation(MongoClient client, MongoDatabase db) {
        TenantDatabase tenants = TenantDatabase.builder(client, DATABASE).tenantField(Seed2Steps.TENANT_FIELD)
                .collection("customers").build();
        TenantCollection<Document> customers = tenants.getCollection("customers");
        TenantId a = TenantId.of(Seed2Dataset.slug(0));
        TenantId b = TenantId.of(Seed2Dataset.slug(1));
        Document ofB = Objects.requireNonNull(db.getCollection("customers")
                .find(Filters.eq(Seed2Steps.TENANT_FIELD, b.value())).first());
        long countA = Tenants.call(a, customers::countDocuments);
        long countB = Tenants.call(b, customers::countDocuments);
        Document seenFromA = Tenants.call(a, () -> customers.find(Filters.eq("_id", ofB.get("_id"))).first());
        out.printf("%s has %d customers, %s has %d; %s looking up %s's customer %s by id finds: %s%n", a, countA, b,
                countB, a, b, ofB.get("_id"), seenFromA == null ? "nothing" : seenFromA.toJson());
    }

    private void printStatus(List<MigrationStatus> ran) {
        if (ran.isEmpty()) {
            out.println("nothing pending");
        }
        for (MigrationStatus s : ran) {
            out.printf("%s (version %d): %s, counts %s%n", s.id(), s.version(), s.state(), s.counts());
        }
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }
}
