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
import dev.tenantry.migration.MissingCollectionsException;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * Seed 2 end to end through the migration kit: builds the "insecure" booking database (owners, staff and customers
 * mixed in {@code users}, bookings pointing at users) with the awkward data real databases hold (bookings whose
 * service was deleted or whose user is gone, two users with one email at one business, users who never booked, staff
 * who booked elsewhere, missing names and profile fields, string ids among ObjectIds, a business without a slug),
 * then backup, a refused run on a mistyped database, dry run, expand, verify, a look through Tenantry's tenant-scoped
 * collections, contract, verify (no value lost), a planted cross-business reference caught by the verifier, and
 * rollback by restore.
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
        section("1. The insecure database (seed 2's \"before\"), with real data's awkward cases");
        Seed2Dataset.Awkward awkward = Seed2Dataset.createAwkward(db, BUSINESSES, USERS, BOOKINGS, 7L);
        out.printf("%d businesses, %,d users (owners, staff and customers mixed), %,d bookings pointing at users%n",
                BUSINESSES, db.getCollection("users").countDocuments(), db.getCollection("bookings")
                        .countDocuments());
        out.printf("awkward: %d bookings of a deleted service, %d of users that do not exist, twins %s sharing an"
                + " email at one business, %d string-id users, business %s without a slug%n",
                awkward.bookingsOfDeletedService().size(), awkward.bookingsOfMissingUsers().size(), awkward.twins(),
                awkward.stringIdUsers().size(), awkward.businessWithoutSlug());

        section("2. Back up first (mongorestore can read it too)");
        BackupManifest manifest = Backup.of(db).collections("businesses", "services", "users", "bookings")
                .to(backupDir);
        out.println("backed up to " + backupDir + ": documents per collection " + manifest.collections());

        MigrationRunner expandOnly = MigrationRunner.builder(client, DATABASE).migrations(new ExpandCustomers())
                .build();
        MigrationRunner both = MigrationRunner.builder(client, DATABASE)
                .migrations(new ExpandCustomers(), new ContractUsers()).build();

        section("3. A mistyped database is refused, and nothing is created");
        try {
            MigrationRunner.builder(client, DATABASE + "_typo").migrations(new ExpandCustomers()).build().migrate();
        } catch (MissingCollectionsException e) {
            out.println("refused: " + e.getMessage());
        }
        MongoDatabase typo = client.getDatabase(DATABASE + "_typo");
        out.println("collections in " + typo.getName() + ": " + typo.listCollectionNames().into(new ArrayList<>()));
        typo.drop();

        section("4. Dry run: what each step would do, and what would fail (nothing is written)");
        for (Map.Entry<String, Plan> plan : both.plan().entrySet()) {
            out.println(plan.getKey() + ":");
            out.print(plan.getValue());
        }

        section("5. Expand: orphans quarantined, customers split per business, twins merged, bookings re-pointed");
        printStatus(expandOnly.migrate());
        out.println(Seed2Steps.expanded(db).run());

        section("6. Business A cannot see business B's customers (through Tenantry)");
        showIsolation(client, db);

        section("7. Contract: userId off bookings, customer fields off users (kept in customers, or archived)");
        printStatus(both.migrate());
        VerificationReport report = Seed2Steps.contracted(db).run();
        out.println(report);
        out.printf("users_archive: %,d users' values kept nowhere else (e.g. %s)%n", db.getCollection("users_archive")
                .countDocuments(Filters.exists("values")), Objects.requireNonNull(db.getCollection("users_archive")
                .find(Filters.eq("_id", awkward.usersWithoutBookings().get(0))).first()).toJson());

        section("8. The verifier catches a booking pointing at another business's customer");
        MongoCollection<Document> bookings = db.getCollection("bookings");
        Document booking = Objects.requireNonNull(bookings.find().first());
        Document foreign = Objects.requireNonNull(db.getCollection("customers")
                .find(Filters.ne("businessId", booking.get("businessId"))).first());
        bookings.updateOne(Filters.eq("_id", booking.get("_id")), Updates.set("customerId", foreign.get("_id")));
        VerificationReport planted = Seed2Steps.contracted(db).run();
        out.println(planted);

        section("9. Roll back by restoring the backup");
        RestoreReport restored = Restore.from(backupDir).into(db);
        out.println("restored documents per collection " + restored.restored() + "; dropped, created since the "
                + "backup: " + restored.dropped());
        Document user = Objects.requireNonNull(db.getCollection("users").find(Filters.eq("hashedPassword", null))
                .first());
        out.printf("customers collection present: %s; quarantine present: %s; a customer user's phone is back: %s%n",
                db.listCollectionNames().into(new ArrayList<>()).contains("customers"),
                db.listCollectionNames().into(new ArrayList<>()).contains("bookings_quarantine"), user.get("phone"));
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
            out.printf("%s (version %d): %s in %d run(s)%n", s.id(), s.version(), s.state(), s.runs());
            new TreeMap<>(s.counts()).forEach((name, n) -> out.printf("    %s: %,d%n", name, n));
        }
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }
}
