package dev.tenantry.migration.verify;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.migration.batch.Batches;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * Checks that a migrated database is tenant-isolated: every document carries the tenant field, no reference points
 * at nothing or into another tenant, values are unique per tenant, retired fields are gone, and counts reconcile.
 * The result is a {@link VerificationReport} a script prints or asserts on, or a migration returns from
 * {@link dev.tenantry.migration.Migration#verify verify}.
 *
 * <pre>{@code
 * VerificationReport report = Verifier.of(db).tenantField("businessId")
 *         .tenantScoped("customers").tenantScoped("bookings")
 *         .reference("bookings", "customerId", "customers")
 *         .uniquePerTenant("customers", "email")
 *         .absent("users", "phone", "company")
 *         .removedValues("users")          // every value an Unset removed lives on in customers or users_archive
 *         .quarantined("bookings")         // every quarantined booking has its reason and left bookings
 *         .reconcile("bookings before and after", bookingsBefore, db.getCollection("bookings").countDocuments())
 *         .run();
 * System.out.print(report);
 * report.assertClean();
 * }</pre>
 *
 * <p>Checks run in declaration order and only read. References are checked in batches in Java: the referencing
 * collection is read through one cursor and each batch's targets with {@code $in} queries on {@code _id};
 * uniqueness is one {@code $group} aggregation; removed values are checked from the unset's ledger, each against the
 * destination document it names, by digest. Each failed check names up to {@value #MAX_SAMPLES} violating
 * documents.
 *
 * <p>Not thread-safe while being configured; {@link #run()} may be called again, e.g. before and after a step.
 *
 * @since 0.1
 */
public final class Verifier {

    /** The tenant field unless set: {@link TenantDatabase#DEFAULT_TENANT_FIELD}, as in tenant-scoped collections. */
    public static final String DEFAULT_TENANT_FIELD = TenantDatabase.DEFAULT_TENANT_FIELD;

    /** How many violating documents a check names. */
    public static final int MAX_SAMPLES = 10;

    private final MongoDatabase database;
    private String tenantField = DEFAULT_TENANT_FIELD;
    private int batchSize = Batches.DEFAULT_BATCH_SIZE;
    private final List<Supplier<List<Check>>> checks = new ArrayList<>();

    private Verifier(MongoDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * A verifier of {@code database}, with no checks yet.
     *
     * @param database the migrated database
     * @return the verifier, to configure
     */
    public static Verifier of(MongoDatabase database) {
        return new Verifier(database);
    }

    /**
     * The tenant field of every tenant-scoped collection (default {@value #DEFAULT_TENANT_FIELD}).
     *
     * @param field e.g. {@code "businessId"}
     * @return this verifier
     * @throws IllegalArgumentException if it is not a usable field path
     */
    public Verifier tenantField(String field) {
        this.tenantField = Values.field("tenantField", field);
        return this;
    }

    /**
     * Documents per batch of a reference check (default {@value Batches#DEFAULT_BATCH_SIZE}).
     *
     * @param size between 1 and {@value Batches#MAX_BATCH_SIZE}
     * @return this verifier
     * @throws IllegalArgumentException if out of range
     */
    public Verifier batchSize(int size) {
        if (size < 1 || size > Batches.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be between 1 and " + Batches.MAX_BATCH_SIZE + ", was "
                    + size);
        }
        this.batchSize = size;
        return this;
    }

    /**
     * Checks that every document of {@code collection} has the tenant field, not null: check
     * {@code "<collection>: every document has <tenantField>"}.
     *
     * @param collection a collection name
     * @return this verifier
     * @throws IllegalArgumentException if the name is not a usable collection name
     */
    public Verifier tenantScoped(String collection) {
        Values.collection("collection", collection);
        checks.add(() -> {
            String field = tenantField;
            return List.of(matching(collection + ": every document has " + field, collection,
                    Filters.eq(field, null)));
        });
        return this;
    }

    /**
     * Checks the reference {@code field} of every document of {@code collection} to documents of {@code target},
     * as three checks: {@code "<collection>.<field> -> <target>: set"} (the reference is present and not null),
     * {@code "...: no orphans"} (it names an existing document) and {@code "...: same <tenantField>"} (the document
     * and the one it names have the same tenant, so nothing crosses tenants).
     *
     * @param collection the referencing collection, e.g. bookings
     * @param field its reference field, e.g. {@code "customerId"}
     * @param target the referenced collection, e.g. customers
     * @return this verifier
     * @throws IllegalArgumentException if a name is not usable
     */
    public Verifier reference(String collection, String field, String target) {
        Values.collection("collection", collection);
        Values.field("field", field);
        Values.collection("target", target);
        checks.add(() -> new ReferenceCheck(database, collection, field, target, tenantField, batchSize).run());
        return this;
    }

    /**
     * Checks that no two documents of {@code collection} with the same tenant have the same values of
     * {@code fields}: check {@code "<collection>: <fields> unique per <tenantField>"}. Documents in which all the
     * fields are missing or null are not compared (as with a partial unique index on their existence). The
     * violations are the groups of documents sharing values.
     *
     * @param collection a collection name
     * @param fields one or more field paths
     * @return this verifier
     * @throws IllegalArgumentException if a name is not usable or no field is given
     */
    public Verifier uniquePerTenant(String collection, String... fields) {
        Values.collection("collection", collection);
        if (fields.length == 0) {
            throw new IllegalArgumentException("uniquePerTenant(" + collection + ") needs at least one field");
        }
        for (String field : fields) {
            Values.field("field", field);
        }
        List<String> copy = List.copyOf(Arrays.asList(fields));
        checks.add(() -> List.of(UniquenessCheck.run(database, collection, copy, tenantField)));
        return this;
    }

    /**
     * Checks that no document of {@code collection} has any of {@code fields} (e.g. after a contract step):
     * check {@code "<collection>: no <fields>"}.
     *
     * @param collection a collection name
     * @param fields one or more field paths
     * @return this verifier
     * @throws IllegalArgumentException if a name is not usable or no field is given
     */
    public Verifier absent(String collection, String... fields) {
        Values.collection("collection", collection);
        if (fields.length == 0) {
            throw new IllegalArgumentException("absent(" + collection + ") needs at least one field");
        }
        List<Bson> any = new ArrayList<>();
        for (String field : fields) {
            any.add(Filters.exists(Values.field("field", field)));
        }
        Bson filter = any.size() == 1 ? any.get(0) : Filters.or(any);
        String name = collection + ": no " + String.join(", ", fields);
        checks.add(() -> List.of(matching(name, collection, filter)));
        return this;
    }

    /**
     * Checks a quarantine ({@code <collection>_quarantine}, as {@link dev.tenantry.migration.steps.Quarantine} and
     * the steps' quarantine policy fill it): every quarantined document names its reason and holds the document
     * whole, and none is still in {@code collection}; check {@code "<collection>_quarantine: each with its reason, none
     * left in <collection>"}, whose detail counts the documents quarantined.
     *
     * @param collection the collection documents were quarantined from, e.g. bookings
     * @return this verifier
     * @throws IllegalArgumentException if the name is not usable
     */
    public Verifier quarantined(String collection) {
        Values.collection("collection", collection);
        checks.add(() -> List.of(QuarantineCheck.run(database, collection, collection + "_quarantine", batchSize)));
        return this;
    }

    /**
     * Checks that every value an {@link dev.tenantry.migration.steps.Unset} removed from {@code collection} still
     * exists: in the destination document its ledger names (compared by digest), or in the archive; a value the step
     * was allowed to discard is a violation, since it exists nowhere. Check {@code "<collection>: removed values kept
     * or in <collection>_archive"}, whose detail counts the values.
     *
     * @param collection the stripped collection, e.g. users
     * @return this verifier
     * @throws IllegalArgumentException if the name is not usable
     */
    public Verifier removedValues(String collection) {
        Values.collection("collection", collection);
        return removedValues(collection, collection + "_archive");
    }

    /**
     * As {@link #removedValues(String)}, with the ledger in {@code archive}.
     *
     * @param collection the stripped collection
     * @param archive the collection the unset archived to
     * @return this verifier
     * @throws IllegalArgumentException if a name is not usable
     */
    public Verifier removedValues(String collection, String archive) {
        Values.collection("collection", collection);
        Values.collection("archive", archive);
        checks.add(() -> List.of(RemovedValuesCheck.run(database, collection, archive, batchSize)));
        return this;
    }

    /**
     * Checks that two counts agree, e.g. bookings before and after: check {@code "reconcile: <name>"}, whose
     * violations are the difference.
     *
     * @param name what is counted, e.g. {@code "bookings before and after"}
     * @param expected the count expected
     * @param actual the count found
     * @return this verifier
     * @throws IllegalArgumentException if the name is blank
     */
    public Verifier reconcile(String name, long expected, long actual) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a reconciliation needs a name, was '" + name + "'");
        }
        checks.add(() -> List.of(new Check("reconcile: " + name, Math.abs(expected - actual), List.of(),
                expected == actual ? "" : "expected " + expected + ", found " + actual)));
        return this;
    }

    /**
     * Runs every check, in declaration order. Reads only.
     *
     * @return the results
     */
    public VerificationReport run() {
        List<Check> results = new ArrayList<>();
        for (Supplier<List<Check>> check : checks) {
            results.addAll(check.get());
        }
        return new VerificationReport(results);
    }

    /** A check whose violations are the documents matching {@code filter}. */
    private Check matching(String name, String collection, Bson filter) {
        var c = database.getCollection(collection, BsonDocument.class);
        long n = c.countDocuments(filter);
        List<BsonValue> samples = new ArrayList<>();
        if (n > 0) {
            for (BsonDocument doc : c.find(filter).projection(Projections.include("_id"))
                    .sort(Sorts.ascending("_id")).limit(MAX_SAMPLES)) {
                samples.add(doc.get("_id"));
            }
        }
        return new Check(name, n, samples, "");
    }
}
