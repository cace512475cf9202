package dev.tenantry.examples;

import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.testing.EmbeddedMongo;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * A guided tour of Tenantry: run it and read what it prints.
 *
 * <p>It needs no set-up. If the environment variable {@code MONGODB_URI} is set, it uses that MongoDB; otherwise it
 * starts an embedded, in-process MongoDB for the duration of the run. Either way it works in the database
 * {@code quickstart}, which it drops first so that every run starts clean.
 *
 * <p>Run it with {@code mvn -pl examples -Pquickstart}. Each numbered section of the output shows one guarantee:
 * tenants see only their own data, unique indexes are unique per tenant, writes into another tenant are refused,
 * code outside a tenant scope is refused, per-tenant collections, and joins that stay inside the tenant.
 */
public final class Quickstart {

    /**
     * A customer, stored as a plain Java record. It has no tenant field: Tenantry adds {@code tenantId} to the stored
     * document on every write, and the record codec ignores it on the way back.
     *
     * @param id the document's {@code _id}
     * @param name the customer's name
     * @param email the customer's e-mail address, unique within a tenant
     */
    public record Customer(@BsonId ObjectId id, String name, String email) {
    }

    private static final String DATABASE = "quickstart";
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private final PrintStream out;
    /** Things that did not behave as this tour says they should; empty when all is well. */
    private final List<String> surprises = new ArrayList<>();

    private Quickstart(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the tour against {@code MONGODB_URI}, or an embedded MongoDB when it is not set, printing to stdout.
     * If the MongoDB cannot be used, or the tour did not go as described, it stops with a one-line reason.
     */
    public static void main(String[] args) {
        boolean asDescribed;
        try {
            asDescribed = run(System.out, System.getenv("MONGODB_URI"));
        } catch (MongoTimeoutException e) {
            throw new QuickstartFailure("could not reach the MongoDB named by MONGODB_URI within 10 seconds; start it, "
                    + "or unset MONGODB_URI to use the embedded one");
        } catch (MongoSecurityException e) {
            throw new QuickstartFailure("the MongoDB named by MONGODB_URI refused the credentials: " + e.getMessage());
        }
        if (!asDescribed) {
            throw new QuickstartFailure("some steps did not behave as described; see the UNEXPECTED lines above");
        }
    }

    /**
     * Why the quickstart stopped, in one plain sentence: no stack trace, because the cause is in the message, while
     * the JVM still exits with a non-zero status (and {@code mvn -Pquickstart} fails).
     */
    static final class QuickstartFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QuickstartFailure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs the tour, printing what happens to {@code out}.
     *
     * @param out where the tour is printed
     * @param mongoUri the MongoDB to use; null or blank starts an embedded one
     * @return whether everything behaved as described
     * @throws QuickstartFailure if {@code mongoUri} is not a connection string
     */
    public static boolean run(PrintStream out, @Nullable String mongoUri) {
        Quickstart tour = new Quickstart(out);
        out.println("Tenantry quickstart");
        EmbeddedMongo embedded = null;
        ConnectionString connection;
        if (mongoUri == null || mongoUri.isBlank()) {
            embedded = EmbeddedMongo.start();
            connection = embedded.connectionString();
            out.println("Using an embedded in-process MongoDB at " + connection
                    + " (set MONGODB_URI to use your own server).");
        } else {
            try {
                connection = new ConnectionString(mongoUri);
            } catch (IllegalArgumentException e) {
                throw new QuickstartFailure("MONGODB_URI is not a MongoDB connection string: " + e.getMessage());
            }
            // Print the hosts only: the full URI may hold a password.
            out.println("Using the MongoDB named by MONGODB_URI (hosts " + connection.getHosts() + "); its database '"
                    + DATABASE + "' is dropped first.");
        }
        // Fail within seconds, not the driver's default 30, if MONGODB_URI names a server that is not there.
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(connection)
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(10, TimeUnit.SECONDS))
                .build();
        // Close the client before the server, so the driver never sees its server disappear; closing both also
        // stops their threads, so the JVM can exit.
        try (MongoClient client = MongoClients.create(settings)) {
            tour.tour(client);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
        return tour.surprises.isEmpty();
    }

    private void tour(MongoClient client) {
        // Start clean: a rerun against a real server must not see the previous run's data.
        client.getDatabase(DATABASE).drop();

        // The registry of tenant-scoped collections. "customers" is SHARED (the default): one physical collection
        // for all tenants, every document carrying a tenantId. "invoices" gets one physical collection per tenant.
        // Indexes are schema: declared here, created by Tenantry (a shared collection's once, on first use).
        TenantDatabase tdb = TenantDatabase.builder(client, DATABASE)
                .collection("customers")
                .index("customers", Indexes.ascending("email"), new IndexOptions().unique(true))
                .collection("invoices", IsolationStrategy.COLLECTION_PER_TENANT)
                .build();
        // Two views of the same collection: one decodes to the Customer record, one to plain Documents.
        TenantCollection<Customer> customers = tdb.getCollection("customers", Customer.class);
        TenantCollection<Document> customerDocuments = tdb.getCollection("customers");
        TenantCollection<Document> invoices = tdb.getCollection("invoices");

        writeData(customers, customerDocuments);
        scopedReads(customers);
        uniquePerTenant(customers);
        crossTenantWrites(customers, customerDocuments);
        failClosed(customers);
        collectionPerTenant(invoices);
        joinInsideTenant(customerDocuments);

        out.println();
        if (surprises.isEmpty()) {
            out.println("Done: every tenant saw and changed only its own data, and every attempt to cross over was "
                    + "refused.");
        } else {
            out.println("Done, but " + surprises.size() + " thing(s) did not behave as described: " + surprises);
        }
    }

    // ---------------------------------------------------------------- 1. writing

    private void writeData(TenantCollection<Customer> customers, TenantCollection<Document> customerDocuments) {
        section(1, "Writing customers for two tenants");
        // Every operation runs inside a tenant scope; the collection reads the current tenant from it.
        Customer ada = new Customer(new ObjectId(), "Ada Lovelace", "ada@example.com");
        Tenants.run(ACME, () -> customers.insertMany(List.of(ada,
                new Customer(new ObjectId(), "Alan Turing", "alan@example.com"))));
        Tenants.run(GLOBEX, () -> customers.insertOne(
                new Customer(new ObjectId(), "Grace Hopper", "grace@example.com")));
        say("acme saved Ada Lovelace and Alan Turing; globex saved Grace Hopper");

        // The record has no tenant field, yet the stored document has one: Tenantry stamped it on insert.
        Document stored = Tenants.call(ACME, () -> customerDocuments.find(Filters.eq("_id", ada.id())).first());
        say("Ada as stored: %s", stored == null ? "(not found)" : stored.toJson());
        expect(stored != null && ACME.value().equals(stored.getString("tenantId")), "Ada was stamped with tenant acme");

        Customer readBack = Tenants.call(ACME, () -> customers.find(Filters.eq("_id", ada.id())).first());
        say("Ada read back as a record: %s", readBack);
        expect(ada.equals(readBack), "the record reads back equal to what was written");
    }

    // ---------------------------------------------------------------- 2. reading

    private void scopedReads(TenantCollection<Customer> customers) {
        section(2, "Each tenant reads only its own customers");
        for (TenantId tenant : List.of(ACME, GLOBEX)) {
            Tenants.run(tenant, () -> say("%s sees %d customer(s): %s", tenant, customers.countDocuments(),
                    names(customers.find())));
        }

        // Tenantry never merges a filter into the tenant condition; it wraps it: {$and: [{tenantId: "acme"}, filter]}.
        // So an $or cannot widen the scope, whatever it says.
        Bson escape = Filters.or(Filters.eq("tenantId", "globex"), Filters.exists("_id"));
        List<String> found = Tenants.call(ACME, () -> names(customers.find(escape)));
        say("acme tries to escape with %s", escape.toBsonDocument().toJson());
        say("  and still gets only its own customers: %s", found);
        expect(found.equals(List.of("Ada Lovelace", "Alan Turing")), "an escaping filter returns only acme's rows");
    }

    // ---------------------------------------------------------------- 3. indexes

    private void uniquePerTenant(TenantCollection<Customer> customers) {
        section(3, "Unique indexes are unique per tenant");
        // The unique index on email was declared on the builder. Tenantry put the tenant field first, so "unique"
        // means "unique within one tenant", and created it when the collection was first used. Reading the shared
        // collection's indexes is cross-tenant work, so it runs in system scope.
        String indexName = "email_1";
        List<Document> indexes = Tenants.callAsSystem("quickstart: show the shared index",
                () -> customers.listIndexes().into(new ArrayList<>()));
        Document keys = indexes.stream()
                .filter(index -> indexName.equals(index.getString("name")))
                .map(index -> index.get("key", Document.class))
                .findFirst()
                .orElse(new Document());
        say("declared a unique index on email; index '%s' has keys %s", indexName, keys.toJson());
        expect(keys.keySet().stream().findFirst().orElse("").equals("tenantId"), "the index keys lead with tenantId");

        // From a tenant's scope, index DDL on a shared collection is refused: it would change every tenant's index.
        Tenants.run(ACME, () -> {
            try {
                customers.createIndex(Indexes.ascending("name"), new IndexOptions().unique(true));
                unexpected("acme created a unique index on the shared collection");
            } catch (TenantViolationException e) {
                say("acme tries to add a unique index to the shared collection: refused (TenantViolationException)");
            }
        });

        // The same address in another tenant is fine...
        Tenants.run(GLOBEX, () -> customers.insertOne(
                new Customer(new ObjectId(), "Adelaide Hill", "ada@example.com")));
        say("globex adds Adelaide Hill with ada@example.com, an address acme already uses: accepted");

        // ...but twice in one tenant is a duplicate key, reported by MongoDB as usual.
        Tenants.run(ACME, () -> {
            try {
                customers.insertOne(new Customer(new ObjectId(), "Ada Twin", "ada@example.com"));
                unexpected("acme stored ada@example.com twice");
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    say("acme adds a second customer with ada@example.com: rejected as a duplicate key");
                } else {
                    unexpected("acme's duplicate failed for another reason: " + e.getError().getMessage());
                }
            }
        });
    }

    // ---------------------------------------------------------------- 4. cross-tenant writes

    private void crossTenantWrites(TenantCollection<Customer> customers,
                                   TenantCollection<Document> customerDocuments) {
        section(4, "Writes into another tenant are refused");
        List<String> globexBefore = Tenants.call(GLOBEX, () -> names(customers.find()));

        // A document that names another tenant is refused before anything is sent to MongoDB.
        Document intruder = new Document("name", "Mallory").append("email", "mallory@example.com")
                .append("tenantId", "globex");
        Tenants.run(ACME, () -> {
            try {
                customerDocuments.insertOne(intruder);
                unexpected("acme inserted a document for globex");
            } catch (TenantViolationException e) {
                say("acme inserts a document with tenantId 'globex': refused (TenantViolationException)");
                say("  %s", e.getMessage());
            }
        });

        // Moving documents to another tenant by rewriting their tenantId is refused too.
        Tenants.run(ACME, () -> {
            try {
                customerDocuments.updateMany(Filters.eq("email", "ada@example.com"),
                        Updates.set("tenantId", "globex"));
                unexpected("acme rewrote a tenantId");
            } catch (TenantViolationException e) {
                say("acme sets tenantId to 'globex' with updateMany: refused (TenantViolationException)");
                say("  %s", e.getMessage());
            }
        });

        List<String> globexAfter = Tenants.call(GLOBEX, () -> names(customers.find()));
        say("globex's customers before: %s, after: %s", globexBefore, globexAfter);
        expect(globexBefore.equals(globexAfter), "globex's data is unchanged");
    }

    // ---------------------------------------------------------------- 5. no tenant, no data

    private void failClosed(TenantCollection<Customer> customers) {
        section(5, "Outside a tenant scope, nothing runs");
        // Forgetting the scope is a bug in the calling code; Tenantry refuses rather than guess (fail closed).
        try {
            long count = customers.countDocuments();
            unexpected("countDocuments() outside any scope answered " + count);
        } catch (MissingTenantException e) {
            say("countDocuments() with no tenant set: refused (MissingTenantException)");
            say("  %s", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- 6. collection per tenant

    private void collectionPerTenant(TenantCollection<Document> invoices) {
        section(6, "Invoices get one physical collection per tenant");
        // The code is the same as for a shared collection; only the registration differs.
        Tenants.run(ACME, () -> {
            invoices.insertMany(List.of(invoice("A-1001", "ada@example.com", 120),
                    invoice("A-1002", "ada@example.com", 80)));
            say("acme's 2 invoices are stored in %s", invoices.getNamespace());
        });
        // Globex bills ada@example.com too (its customer Adelaide Hill): a careless join would pick this one up.
        Tenants.run(GLOBEX, () -> {
            invoices.insertOne(invoice("G-2001", "ada@example.com", 999));
            say("globex's invoice is stored in %s", invoices.getNamespace());
        });
    }

    private static Document invoice(String number, String customerEmail, int amount) {
        return new Document("number", number).append("customerEmail", customerEmail).append("amount", amount);
    }

    // ---------------------------------------------------------------- 7. joins

    private void joinInsideTenant(TenantCollection<Document> customerDocuments) {
        section(7, "A $lookup join stays inside the tenant");
        // The pipeline names the logical collection "invoices"; Tenantry points the join at acme's physical
        // collection and confines it to acme's documents.
        List<Document> joined = Tenants.call(ACME, () -> customerDocuments.aggregate(List.of(
                Aggregates.lookup("invoices", "email", "customerEmail", "invoices"),
                Aggregates.sort(Sorts.ascending("name")))).into(new ArrayList<>()));
        List<String> joinedNumbers = new ArrayList<>();
        for (Document customer : joined) {
            List<String> numbers = customer.getList("invoices", Document.class).stream()
                    .map(invoice -> invoice.getString("number"))
                    .collect(Collectors.toList());
            joinedNumbers.addAll(numbers);
            say("acme: %s -> %s", customer.getString("name"), numbers.isEmpty() ? "no invoices" : numbers);
        }
        boolean globexJoined = joinedNumbers.contains("G-2001");
        say("globex's invoice G-2001 for ada@example.com %s", globexJoined ? "WAS JOINED" : "did not appear");
        expect(!globexJoined && joinedNumbers.equals(List.of("A-1001", "A-1002")),
                "acme's join returns exactly acme's invoices");
    }

    // ---------------------------------------------------------------- helpers

    /** The names of the customers found, sorted, so the output is the same on every run. */
    private static List<String> names(FindIterable<Customer> found) {
        return found.sort(Sorts.ascending("name")).map(Customer::name).into(new ArrayList<>());
    }

    private void section(int number, String title) {
        out.println();
        out.println(number + ". " + title);
    }

    private void say(String format, Object... args) {
        out.println("   " + String.format(format, args));
    }

    /** Records (and prints) a surprise when {@code condition} is false; the tour goes on either way. */
    private void expect(boolean condition, String what) {
        if (!condition) {
            unexpected("expected that " + what);
        }
    }

    private void unexpected(String what) {
        surprises.add(what);
        say("UNEXPECTED: %s", what);
    }
}
