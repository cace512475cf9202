package dev.tenantry.migration.steps;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import dev.tenantry.collection.TenantIndexes;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.internal.BsonValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Makes sure a tenant-scoped collection and its indexes exist: creates what is missing, leaves what is there, and
 * refuses, naming both, when an existing index has the wanted keys but other options. Seed 1's new collections
 * ({@code AuditLog}, {@code UserSession}, {@code DataExport}) and seed 2's {@code customers} are made this way.
 *
 * <pre>{@code
 * EnsureCollection.of(db, "customers").tenantField("businessId")
 *         .index(Indexes.ascending("email"), new IndexOptions().unique(true)) // {businessId: 1, email: 1}, unique
 *         .index(Indexes.ascending("userId"))
 *         .in(ctx).run();
 * }</pre>
 *
 * <p>Index keys lead with the tenant field, so {@code unique} means unique per tenant and every look-up by tenant
 * uses the index, as with {@link dev.tenantry.collection.TenantCollection#createIndex}; likewise a TTL index that is
 * not unique keeps its own keys (MongoDB expires documents only through single-field indexes), and an index is
 * named after the keys as given ({@code email_1}), so the library's own index creation later finds it in place.
 * Existing indexes are compared by keys and by {@code unique}, {@code sparse}, {@code partialFilterExpression} and
 * {@code expireAfterSeconds}. Every conflict is found before anything is created.
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class EnsureCollection implements Step {

    private final MongoDatabase database;
    private final String collection;
    private String tenantField = Split.DEFAULT_TENANT_FIELD;
    private final List<Wanted> indexes = new ArrayList<>();
    private @Nullable MigrationContext context;

    /** An index as the user gave it. */
    private record Wanted(BsonDocument keys, IndexOptions options) {
    }

    private EnsureCollection(MongoDatabase database, String collection) {
        this.database = Objects.requireNonNull(database, "database");
        Objects.requireNonNull(collection, "collection");
        if (collection.isEmpty() || collection.startsWith("system.") || collection.indexOf('$') >= 0
                || collection.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("collection name must be non-empty, not start with 'system.' and"
                    + " contain no '$' or NUL, was '" + collection + "'");
        }
        this.collection = collection;
    }

    /**
     * Ensures collection {@code name} of {@code database}.
     *
     * @param database the database
     * @param name the collection's name
     * @return the step, to configure
     * @throws IllegalArgumentException if the name is not a usable collection name
     */
    public static EnsureCollection of(MongoDatabase database, String name) {
        return new EnsureCollection(database, name);
    }

    /**
     * The tenant field that indexes lead with (default {@value Split#DEFAULT_TENANT_FIELD}).
     *
     * @param field e.g. {@code "businessId"}
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path or is {@code _id}
     */
    public EnsureCollection tenantField(String field) {
        Fields.check("tenantField", field);
        if (field.equals("_id")) {
            throw new IllegalArgumentException("the tenant field cannot be _id");
        }
        this.tenantField = field;
        return this;
    }

    /**
     * An index on {@code keys}, after the tenant field.
     *
     * @param keys e.g. {@code Indexes.ascending("email")}
     * @return this step
     * @throws IllegalArgumentException if the keys are empty or not a valid key specification
     */
    public EnsureCollection index(Bson keys) {
        return index(keys, new IndexOptions());
    }

    /**
     * An index on {@code keys}, after the tenant field, with {@code options} ({@code unique} means unique per
     * tenant).
     *
     * @param keys e.g. {@code Indexes.ascending("email")}
     * @param options the driver's index options
     * @return this step
     * @throws IllegalArgumentException if the keys are empty or not a valid key specification
     */
    public EnsureCollection index(Bson keys, IndexOptions options) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(options, "options");
        BsonDocument spec = keys.toBsonDocument(BsonDocument.class, MongoClientSettings.getDefaultCodecRegistry());
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("index keys must not be empty");
        }
        for (Map.Entry<String, BsonValue> key : spec.entrySet()) {
            Fields.check("index key", key.getKey());
            BsonValue v = key.getValue();
            if (!(v.isNumber() && v.asNumber().doubleValue() != 0) && !v.isString()) {
                throw new IllegalArgumentException("index key " + key.getKey() + " must be 1, -1 or an index type"
                        + " such as \"hashed\", was " + v);
            }
        }
        indexes.add(new Wanted(spec, options));
        return this;
    }

    /**
     * Runs as part of a migration run: the lease is checked before creating anything, and a dry run's context
     * makes {@link #run()} refuse.
     *
     * @param context the running migration's context
     * @return this step
     */
    public EnsureCollection in(MigrationContext context) {
        this.context = Objects.requireNonNull(context, "context");
        return this;
    }

    @Override
    public String name() {
        return "ensure " + collection;
    }

    @Override
    public Set<String> reads() {
        return Set.of();
    }

    @Override
    public Set<String> writes() {
        return Set.of(collection);
    }

    /**
     * Counts {@code "collections to create"} (0 or 1) and {@code "indexes to create"}; an existing index that conflicts
     * with a wanted one is a predicted failure, as {@link #run()} would refuse. Reads only.
     */
    @Override
    public Plan.Line plan() {
        boolean exists = exists();
        Plan.Line line = Plan.Line.of(name()).with("collections to create", exists ? 0 : 1);
        if (!exists) {
            return line.with("indexes to create", indexes.size());
        }
        try {
            return line.with("indexes to create", missing().size());
        } catch (IllegalStateException conflict) {
            return line.with("indexes to create", 0).with(new Plan.Failure("existing indexes conflict with wanted"
                    + " ones: " + conflict.getMessage(), 1, List.of()));
        }
    }

    /**
     * Creates the collection if it is missing, then the indexes that are missing.
     *
     * @return what was done, e.g. {@code "created index email_1 {businessId: 1, email: 1} on customers"}; empty
     *     when everything was in place
     * @throws IllegalStateException if an existing index conflicts with a wanted one (nothing is created then), or
     *     the context is a dry run's
     * @throws dev.tenantry.migration.LeaseLostException if the migration's lease was lost
     */
    public List<String> run() {
        if (context != null && context.dryRun()) {
            throw new IllegalStateException("a dry run must not create " + collection + "; call plan()");
        }
        boolean exists = exists();
        List<IndexModel> missing = exists ? missing() : models(indexes);
        if (context != null) {
            context.checkLease();
        }
        List<String> done = new ArrayList<>();
        if (!exists) {
            try {
                database.createCollection(collection);
                done.add("created collection " + collection);
            } catch (MongoCommandException e) {
                if (e.getErrorCode() != 48) { // NamespaceExists: created meanwhile, which is what we want
                    throw e;
                }
            }
        }
        if (!missing.isEmpty()) {
            database.getCollection(collection).createIndexes(missing);
            for (IndexModel index : missing) {
                done.add("created index " + index.getOptions().getName() + " " + index.getKeys() + " on "
                        + collection);
            }
        }
        if (context != null && !done.isEmpty()) {
            context.count(name() + ": created", done.size());
        }
        return done;
    }

    private boolean exists() {
        // The names are compared as well as filtered: the embedded test server ignores the filter.
        for (String name : database.listCollectionNames().filter(Filters.eq("name", collection))) {
            if (name.equals(collection)) {
                return true;
            }
        }
        return false;
    }

    /** The wanted indexes not in place, after checking every existing one for conflicts. */
    private List<IndexModel> missing() {
        MongoCollection<BsonDocument> c = database.getCollection(collection, BsonDocument.class);
        List<BsonDocument> existing = c.listIndexes(BsonDocument.class).into(new ArrayList<>());
        List<IndexModel> missing = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (IndexModel model : models(indexes)) {
            BsonDocument keys = model.getKeys().toBsonDocument();
            IndexOptions options = model.getOptions();
            BsonDocument sameKeys = null;
            for (BsonDocument index : existing) {
                if (normal(index.getDocument("key")).equals(normal(keys))) {
                    sameKeys = index;
                } else if (index.getString("name").getValue().equals(options.getName())) {
                    conflicts.add("index " + options.getName() + " on " + collection + " exists with keys "
                            + index.get("key") + ", not the wanted " + keys);
                }
            }
            if (sameKeys == null) {
                missing.add(model);
            } else {
                String differences = IndexOptionsDiff.of(sameKeys, options);
                if (!differences.isEmpty()) {
                    conflicts.add("index " + sameKeys.getString("name").getValue() + " " + sameKeys.get("key")
                            + " on " + collection + " exists with other options than the wanted "
                            + options.getName() + ": " + differences);
                }
            }
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException(String.join("; ", conflicts) + ". Drop or rename the existing index,"
                    + " or change the step; nothing was created");
        }
        return missing;
    }

    /** The indexes to create: keys led by the tenant field, named after the keys as given (core's rule). */
    private List<IndexModel> models(List<Wanted> wanted) {
        List<IndexModel> out = new ArrayList<>(wanted.size());
        for (Wanted w : wanted) {
            out.add(TenantIndexes.tenantLeading(tenantField, new IndexModel(w.keys(), w.options())));
        }
        return out;
    }

    private static BsonDocument normal(BsonDocument keys) {
        BsonDocument out = new BsonDocument();
        keys.forEach((k, v) -> out.put(k, BsonValues.normal(v)));
        return out;
    }
}
