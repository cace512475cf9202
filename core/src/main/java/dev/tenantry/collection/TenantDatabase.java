package dev.tenantry.collection;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import dev.tenantry.SystemScopeListener;
import dev.tenantry.TenantId;
import dev.tenantry.TenantScopeGuard;
import dev.tenantry.Tenants;
import dev.tenantry.collection.internal.IndexKeys;
import dev.tenantry.collection.internal.PhysicalNames;
import dev.tenantry.collection.internal.TenantDatabaseImpl;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.codecs.pojo.PojoCodecProvider;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * The registry of a database's tenant-scoped collections: which logical names are tenant-scoped, how each isolates
 * tenants, and the {@link TenantCollection}s that serve them.
 *
 * <p>Build one per application and database with {@link #builder(MongoClient, String)}; it is immutable and
 * thread-safe. Only registered names are handed out, and aggregation joins ({@code $lookup}, {@code $graphLookup},
 * {@code $unionWith}) may reach only registered collections, so an unregistered collection can never be read through
 * a tenant-scoped one.
 *
 * <p>Indexes are schema, declared here with the collections ({@link Builder#index}) and created by the library: a
 * shared collection's once (on first use, or at start-up through {@link #ensureIndexes()}, with no tenant), each
 * tenant's own collection's when the tenant is created in the directory and when its collection is first used. Index
 * DDL on a shared collection never runs from a tenant scope.
 *
 * <p>Guards and system-scope listeners are wired to the database they serve ({@link #addScopeGuard}, {@link
 * #addSystemScopeListener}), never to the JVM, so two applications in one JVM do not see each other's. The database
 * consults them when work touches its data: each operation of its collections, and each run of an iterable they hand
 * out.
 *
 * @since 0.1
 */
public interface TenantDatabase {

    /** The tenant field used unless {@link Builder#tenantField(String)} says otherwise. */
    String DEFAULT_TENANT_FIELD = "tenantId";

    /** The longest prefix for per-tenant database names: with a 48-character id the name stays within 63. */
    int MAX_DATABASE_PREFIX_LENGTH = 15;

    /**
     * Starts building the registry for database {@code databaseName} reached through {@code client}.
     *
     * @throws IllegalArgumentException if {@code databaseName} is not a valid database name
     */
    static Builder builder(MongoClient client, String databaseName) {
        return new Builder(client, databaseName);
    }

    /** The main database's name. */
    String getName();

    /** The field that carries the tenant in every document. */
    String getTenantField();

    /** The registered logical collection names, in registration order. */
    Set<String> getCollectionNames();

    /**
     * The global collections of the main database ({@link Builder#globalCollection}), which hold no tenant's data, in
     * the order they were declared.
     */
    default Set<String> getGlobalCollectionNames() {
        return Set.of();
    }

    /**
     * How the logical collection {@code logicalName} isolates tenants.
     *
     * @throws IllegalArgumentException if {@code logicalName} is not registered
     */
    IsolationStrategy getIsolation(String logicalName);

    /**
     * The soft-delete policy of a registered collection, if it has one.
     *
     * @throws IllegalArgumentException if the collection is not registered
     */
    Optional<SoftDelete> getSoftDelete(String logicalName);

    /**
     * The indexes declared for {@code logicalName} ({@link Builder#index(String, Bson, IndexOptions)}), as the library
     * creates them: keys that lead with the tenant field (a TTL index keeps its single key), a unique index of a
     * soft-delete collection ending with the deletion key, and names. Each call returns new copies.
     *
     * @throws IllegalArgumentException if the collection is not registered
     */
    List<IndexModel> getIndexes(String logicalName);

    /**
     * Creates the declared indexes of every {@link IsolationStrategy#SHARED} collection now; idempotent. Needs no
     * tenant: it creates only what was declared, entering system scope itself (with a reason naming the
     * collection). The library also does this when a shared collection is first used, so
     * calling it is optional; call it at start-up to have a failure (an existing duplicate under a new unique index)
     * reported there, with the server's message. Schema work touches no tenant's data: it is not reported to this
     * database's system-scope listeners.
     *
     * @throws com.mongodb.MongoException if the server refuses an index
     */
    void ensureIndexes();

    /**
     * Creates the declared indexes of {@code tenant}'s own collections ({@link IsolationStrategy#COLLECTION_PER_TENANT}
     * and {@link IsolationStrategy#DATABASE_PER_TENANT}) now; idempotent. The tenant directory calls it when it
     * creates a tenant, and the library does it when a tenant's collection is first used (once per process), so
     * calling it yourself is optional. Needs no tenant scope: it creates only what was declared, in system scope.
     *
     * @throws com.mongodb.MongoException if the server refuses an index
     */
    void ensureIndexes(TenantId tenant);

    /**
     * Registers a guard this database asks before each operation on a tenant's data outside system scope (the tenant
     * directory's {@code guardScopes()} uses this); one that throws refuses the operation, which then sends nothing.
     * Other databases, and work outside Tenantry, are not guarded by it.
     *
     * @return a handle whose {@code close()} removes the guard
     * @throws NullPointerException if {@code guard} is null
     */
    Tenants.Registration addScopeGuard(TenantScopeGuard guard);

    /**
     * Registers a listener this database tells of each system-scope entry ({@link dev.tenantry.SystemAccess}) the
     * first time that entry touches its data, before it does; one that throws refuses the operation. Wire the audit
     * trail here to record system access: {@code db.addSystemScopeListener(audit.systemScopeListener())}.
     *
     * @return a handle whose {@code close()} removes the listener
     * @throws NullPointerException if {@code listener} is null
     */
    Tenants.Registration addSystemScopeListener(SystemScopeListener listener);

    /**
     * The tenant-scoped view of {@code logicalName}, decoding to {@link Document}.
     *
     * @throws IllegalArgumentException if {@code logicalName} is not registered
     */
    TenantCollection<Document> getCollection(String logicalName);

    /**
     * The tenant-scoped view of {@code logicalName}, decoding to {@code documentClass} (POJOs and records work
     * through the registry's codecs).
     *
     * @throws IllegalArgumentException if {@code logicalName} is not registered
     */
    <T> TenantCollection<T> getCollection(String logicalName, Class<T> documentClass);

    /**
     * Where {@code tenant}'s documents of {@code logicalName} physically live.
     *
     * @throws IllegalArgumentException if {@code logicalName} is not registered
     * @throws dev.tenantry.InvalidTenantIdException if the collection is isolated {@link
     *     IsolationStrategy#DATABASE_PER_TENANT} and the tenant's own database would be one MongoDB reserves
     */
    MongoNamespace namespaceFor(String logicalName, TenantId tenant);

    /**
     * The logical collection whose tenant data lives in the physical {@code namespace}, if any; for a per-tenant
     * namespace, the tenant it belongs to is {@link #tenantOf(MongoNamespace)}.
     */
    Optional<String> logicalNameOf(MongoNamespace namespace);

    /** The tenant a per-tenant physical namespace belongs to; empty for shared or unregistered namespaces. */
    Optional<TenantId> tenantOf(MongoNamespace namespace);

    /** The codec registry collections use unless one is derived with another. */
    CodecRegistry getCodecRegistry();

    /**
     * This registry as the driver's {@link MongoDatabase}, for frameworks written against the driver (Spring Data's
     * {@code MongoTemplate} and repositories): its registered collections are handed out as {@code MongoCollection}s
     * that every operation, with or without a {@code ClientSession}, scopes by the very path of {@link
     * TenantCollection} (same rules, same refusals, fail closed with no tenant). What a tenant scope must not do runs
     * only in system scope and is refused elsewhere with a message that names it: unregistered collections, {@code
     * runCommand}, database-level {@code aggregate} and {@code watch}, listing, creating and dropping collections,
     * and, on a registered collection, {@code drop}, {@code renameCollection}, {@code mapReduce} and search-index DDL.
     *
     * <p>In system scope with no tenant open, a {@link IsolationStrategy#SHARED} collection acts as the driver's
     * physical collection of every tenant (cross-tenant work, reported to the system-scope listeners), except that
     * inserts, replacements and upserts ask for a tenant, since their documents would belong to none; a per-tenant
     * one asks for a tenant. Creating an index that {@link Builder#index} declares (same keys once tenant-leading, same
     * name) creates nothing and answers its name, in any scope, since the library ensures declared indexes itself.
     *
     * @return a view that holds no state of its own; thread-safe
     * @throws UnsupportedOperationException if this registry was not built by {@link #builder}
     */
    default MongoDatabase asMongoDatabase() {
        throw new UnsupportedOperationException(getClass().getName() + " has no driver view; build the registry with "
                + "TenantDatabase.builder");
    }

    /**
     * A new {@link IsolationProbe} that knows this registry's collections; attach it to a client's settings in
     * tests to check that every command on tenant data stays in the tenant current where it is sent. Only the
     * registered names matter, so the registry may be built on any client.
     */
    default IsolationProbe newIsolationProbe() {
        return IsolationProbe.forDatabase(this);
    }

    /**
     * Builds a {@link TenantDatabase}. Each setter validates its argument at once and names the bad value; {@link
     * #build()} checks the combination.
     *
     * <p>Not thread-safe: configure a builder on one thread, then build.
     */
    final class Builder {
        private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
        private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");

        private final MongoClient client;
        private final String databaseName;
        private final Map<String, IsolationStrategy> collections = new LinkedHashMap<>();
        private final Map<String, SoftDelete> softDeletes = new LinkedHashMap<>();
        private final Map<String, java.util.List<WriteListener>> listeners = new LinkedHashMap<>();
        private final Map<String, List<IndexModel>> indexes = new LinkedHashMap<>();
        private final Set<String> globals = new LinkedHashSet<>();
        private String tenantField = DEFAULT_TENANT_FIELD;
        private @Nullable String databasePrefix;
        private @Nullable CodecRegistry codecRegistry;

        private Builder(MongoClient client, String databaseName) {
            this.client = Objects.requireNonNull(client, "client");
            Objects.requireNonNull(databaseName, "databaseName");
            if (!DATABASE_NAME.matcher(databaseName).matches()) {
                throw new IllegalArgumentException("database name must be 1-63 characters of letters, digits, '_' "
                        + "and '-', was '" + databaseName + "'");
            }
            String problem = PhysicalNames.databaseNameProblem(databaseName);
            if (problem != null) {
                throw new IllegalArgumentException("database name '" + databaseName + "' " + problem);
            }
            this.databaseName = databaseName;
        }

        /**
         * The top-level field that carries the tenant (default {@value TenantDatabase#DEFAULT_TENANT_FIELD}).
         *
         * @throws IllegalArgumentException if {@code field} is not a plain top-level field name or is {@code _id}
         */
        public Builder tenantField(String field) {
            Objects.requireNonNull(field, "field");
            if (!FIELD.matcher(field).matches() || "_id".equals(field)) {
                throw new IllegalArgumentException("tenant field must be a top-level field name of letters, digits "
                        + "and '_' (not '_id', no dots), was '" + field + "'");
            }
            this.tenantField = field;
            return this;
        }

        /**
         * The prefix of per-tenant database names for {@link IsolationStrategy#DATABASE_PER_TENANT} (default: the
         * main database's name and {@code _}).
         *
         * @throws IllegalArgumentException if the prefix is empty, longer than {@value
         *     TenantDatabase#MAX_DATABASE_PREFIX_LENGTH} characters, or holds characters other than letters, digits,
         *     {@code _} and {@code -}
         */
        public Builder tenantDatabasePrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty() || prefix.length() > MAX_DATABASE_PREFIX_LENGTH
                    || !DATABASE_NAME.matcher(prefix).matches()) {
                throw new IllegalArgumentException("tenant database prefix must be 1-" + MAX_DATABASE_PREFIX_LENGTH
                        + " characters of letters, digits, '_' and '-', was '" + prefix + "'");
            }
            this.databasePrefix = prefix;
            return this;
        }

        /** Registers {@code logicalName} as a {@link IsolationStrategy#SHARED} tenant-scoped collection. */
        public Builder collection(String logicalName) {
            return collection(logicalName, IsolationStrategy.SHARED);
        }

        /**
         * Registers {@code logicalName} as a tenant-scoped collection isolated by {@code isolation}. Its physical
         * names must stay within MongoDB's limits for every tenant; {@link #build()} checks that.
         *
         * @throws IllegalArgumentException if the name is not a usable collection name (empty, {@code $}, NUL,
         *     {@code __}, a {@code system.} prefix; for {@link IsolationStrategy#COLLECTION_PER_TENANT} a trailing
         *     {@code _}, which would make {@code <name>__<tenant>} ambiguous) or is already registered
         */
        public Builder collection(String logicalName, IsolationStrategy isolation) {
            Objects.requireNonNull(logicalName, "logicalName");
            Objects.requireNonNull(isolation, "isolation");
            String problem = PhysicalNames.logicalNameProblem(logicalName, isolation);
            if (problem != null) {
                throw new IllegalArgumentException("collection name '" + logicalName + "' " + problem);
            }
            IsolationStrategy existing = collections.putIfAbsent(logicalName, isolation);
            if (existing != null) {
                throw new IllegalArgumentException("collection '" + logicalName + "' is already registered as "
                        + existing);
            }
            return this;
        }

        /**
         * Declares {@code name} a global collection of the main database: one that holds no tenant's data (plans,
         * feature flags, reference data every tenant reads). The driver view ({@link TenantDatabase#asMongoDatabase()},
         * which Spring Data uses) hands it out unscoped in every scope, so its reads, writes and index creation need
         * neither a tenant nor system scope. What could reach tenant data from it, or change it for everyone at once,
         * still runs only in system scope: aggregation stages that name any collection but a global one ({@code
         * $lookup}, {@code $graphLookup}, {@code $unionWith}), {@code $out} and {@code $merge}, dropping or renaming
         * it, dropping its indexes, map-reduce and search-index changes. Its pipelines and change-stream stages are
         * rendered once and checked as {@code TenantCollection}'s are. A global collection is not part of {@link
         * #getCollection} (the tenant-scoped API), of exports or of tenant deletion.
         *
         * <p>Declare only collections that hold no tenant's data: whatever is in them, every tenant can read and
         * change.
         *
         * @throws IllegalArgumentException if the name is not a usable collection name (as for {@link
         *     #collection(String)}) or is declared global already; one that is also registered as tenant-scoped is
         *     refused by {@link #build()} (with {@link IllegalStateException})
         */
        public Builder globalCollection(String name) {
            Objects.requireNonNull(name, "name");
            String problem = PhysicalNames.logicalNameProblem(name, IsolationStrategy.SHARED);
            if (problem != null) {
                throw new IllegalArgumentException("global collection name '" + name + "' " + problem);
            }
            if (!globals.add(name)) {
                throw new IllegalArgumentException("collection '" + name + "' is declared global already");
            }
            return this;
        }

        /**
         * Registers a tenant-scoped collection with a soft-delete policy: deletes through it mark documents deleted,
         * and ordinary reads leave them out (see {@link SoftDelete}).
         *
         * @throws IllegalArgumentException as {@link #collection(String, IsolationStrategy)} does; a soft-delete field
         *     that is the tenant field is refused by {@link #build()} (with {@link IllegalStateException}), since the
         *     tenant field may still be set after this call
         */
        public Builder collection(String logicalName, IsolationStrategy isolation, SoftDelete softDelete) {
            Objects.requireNonNull(softDelete, "softDelete");
            collection(logicalName, isolation);
            softDeletes.put(logicalName, softDelete);
            return this;
        }

        /** Declares an index with default options; see {@link #index(String, Bson, IndexOptions)}. */
        public Builder index(String logicalName, Bson keys) {
            return index(logicalName, keys, new IndexOptions());
        }

        /**
         * Declares an index of the registered collection {@code logicalName}; the library creates it ({@link
         * TenantDatabase#ensureIndexes()}): on a {@link IsolationStrategy#SHARED} collection once, on first use, for
         * every tenant; on per-tenant collections in each tenant's own collection, when the tenant is created in the
         * directory and when its collection is first used. Index DDL on a shared collection never runs from a tenant
         * scope: declare it here (or run it in system scope).
         *
         * <p>Keys lead with the tenant field, so {@code unique} means unique per tenant; a unique index of a
         * soft-delete collection ends with the deletion key. A TTL index ({@code expireAfter}) keeps its single key,
         * since MongoDB expires documents only through single-field indexes: on a shared collection it is the
         * application's retention rule for every tenant's documents alike, which is why it can only be declared
         * here and never created from a tenant scope. The keys and options are copied now; later changes to them
         * have no effect.
         *
         * @throws IllegalArgumentException if the collection is not registered (register it first), the keys are
         *     empty, a TTL index has more than one key or is unique, or another index of the collection has the same
         *     name
         */
        public Builder index(String logicalName, Bson keys, IndexOptions options) {
            Objects.requireNonNull(logicalName, "logicalName");
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(options, "options");
            if (!collections.containsKey(logicalName)) {
                throw new IllegalArgumentException("an index is declared for collection '" + logicalName + "', which "
                        + "is not registered; register it with collection(name) first");
            }
            IndexModel declared = IndexKeys.declared(keys, options);
            String name = declared.getOptions().getName();
            List<IndexModel> declaredSoFar = indexes.computeIfAbsent(logicalName, n -> new java.util.ArrayList<>());
            for (IndexModel other : declaredSoFar) {
                if (Objects.equals(other.getOptions().getName(), name)) {
                    throw new IllegalArgumentException("collection '" + logicalName + "' already declares an index "
                            + "named '" + name + "'; give one of them another name with IndexOptions.name");
                }
            }
            declaredSoFar.add(declared);
            return this;
        }

        /**
         * Tells {@code listener} of every write applied through the named collections, e.g. to audit them:
         * {@code .writeListener(auditTrail.writeListener(), "customers", "invoices")}.
         *
         * @throws IllegalArgumentException if no collection is named; a name that is not registered is refused by
         *     {@link #build()} (with {@link IllegalStateException}), since it may still be registered after this call
         */
        public Builder writeListener(WriteListener listener, String... logicalNames) {
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(logicalNames, "logicalNames");
            if (logicalNames.length == 0) {
                throw new IllegalArgumentException("name the collections whose writes the listener is told of");
            }
            for (String name : logicalNames) {
                listeners.computeIfAbsent(Objects.requireNonNull(name, "logical name"), n -> new java.util.ArrayList<>())
                        .add(listener);
            }
            return this;
        }

        /**
         * The codec registry for documents, filters and updates (default: the client's, plus automatic POJO
         * support).
         */
        public Builder codecRegistry(CodecRegistry registry) {
            this.codecRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * The settings this builder holds, checked as a whole; {@link #build()} builds the registry from exactly
         * these.
         *
         * <p>Physical names are checked here for the longest tenant id ({@value TenantId#MAX_LENGTH} characters):
         * per-tenant database names within MongoDB's 63 bytes, every namespace ({@code <database>.<collection>},
         * in UTF-8) within the 235 bytes MongoDB allows a sharded collection, and the main database not named as a
         * tenant's database would be. A tenant whose own database would be one MongoDB reserves ({@code admin},
         * {@code local}, {@code config}, e.g. prefix {@code a} and tenant {@code dmin}) is refused with {@link
         * dev.tenantry.InvalidTenantIdException} when it is first used.
         *
         * @throws IllegalStateException if no collection is registered; a {@link
         *     IsolationStrategy#DATABASE_PER_TENANT} collection is registered while the default prefix (the database
         *     name and {@code _}) would be too long; a physical name could break one of the rules above; a write
         *     listener names a collection that is not registered; or a soft-delete field is the tenant field
         */
        public Settings settings() {
            if (collections.isEmpty()) {
                throw new IllegalStateException("register at least one tenant-scoped collection with collection(name)");
            }
            String prefix = prefix();
            if (collections.containsValue(IsolationStrategy.DATABASE_PER_TENANT)
                    && prefix.length() > MAX_DATABASE_PREFIX_LENGTH) {
                throw new IllegalStateException("per-tenant database names would start with '" + prefix + "', longer "
                        + "than " + MAX_DATABASE_PREFIX_LENGTH + " characters; set a shorter tenantDatabasePrefix");
            }
            PhysicalNames.checkRegistry(databaseName, prefix, collections);
            for (String global : globals) {
                if (collections.containsKey(global)) {
                    throw new IllegalStateException("collection '" + global + "' is registered as tenant-scoped and "
                            + "declared global; a collection is one or the other");
                }
            }
            for (String name : listeners.keySet()) {
                if (!collections.containsKey(name)) {
                    throw new IllegalStateException("a write listener names collection '" + name + "', which is not "
                            + "registered; register it with collection(name) first");
                }
            }
            for (Map.Entry<String, SoftDelete> e : softDeletes.entrySet()) {
                SoftDelete policy = e.getValue();
                if (policy.deletedAtField().equals(tenantField) || policy.deletionKeyField().equals(tenantField)) {
                    throw new IllegalStateException("collection '" + e.getKey() + "': a soft-delete field is the "
                            + "tenant field '" + tenantField + "'; name them differently");
                }
            }
            return new Settings(this);
        }

        private String prefix() {
            return databasePrefix != null ? databasePrefix : databaseName + "_";
        }

        /**
         * Builds the registry from its {@linkplain #settings() settings}.
         *
         * @throws IllegalStateException if the settings conflict or a physical name could break MongoDB's rules
         *     (see {@link #settings()})
         */
        public TenantDatabase build() {
            return new TenantDatabaseImpl(settings());
        }
    }

    /**
     * The settings of a {@link TenantDatabase}, as its {@link Builder} validated them: an immutable, read-only view
     * (for a configuration report, or to see what a default resolved to). The registry is built from one of these
     * whole; its maps keep the order of registration.
     *
     * <p>Immutable and thread-safe (the codec registry and listeners are the application's own objects).
     *
     * @since 0.1
     */
    final class Settings {
        private final MongoClient client;
        private final String databaseName;
        private final String tenantField;
        private final String tenantDatabasePrefix;
        private final Map<String, IsolationStrategy> collections;
        private final Map<String, SoftDelete> softDeletes;
        private final Map<String, List<WriteListener>> writeListeners;
        private final Map<String, List<IndexModel>> indexes;
        private final Set<String> globalCollections;
        private final CodecRegistry codecRegistry;

        private Settings(Builder builder) {
            this.client = builder.client;
            this.databaseName = builder.databaseName;
            this.tenantField = builder.tenantField;
            this.tenantDatabasePrefix = builder.prefix();
            this.collections = Collections.unmodifiableMap(new LinkedHashMap<>(builder.collections));
            this.softDeletes = Collections.unmodifiableMap(new LinkedHashMap<>(builder.softDeletes));
            Map<String, List<WriteListener>> listeners = new LinkedHashMap<>();
            builder.listeners.forEach((name, list) -> listeners.put(name, List.copyOf(list)));
            this.writeListeners = Collections.unmodifiableMap(listeners);
            Map<String, List<IndexModel>> declared = new LinkedHashMap<>();
            builder.indexes.forEach((name, list) -> declared.put(name, copies(list)));
            this.indexes = Collections.unmodifiableMap(declared);
            this.globalCollections = Collections.unmodifiableSet(new LinkedHashSet<>(builder.globals));
            this.codecRegistry = builder.codecRegistry != null ? builder.codecRegistry : CodecRegistries.fromRegistries(
                    builder.client.getDatabase(builder.databaseName).getCodecRegistry(),
                    CodecRegistries.fromProviders(PojoCodecProvider.builder().automatic(true).build()));
        }

        private static List<IndexModel> copies(List<IndexModel> models) {
            return models.stream().map(IndexKeys::privateCopy).toList();
        }

        /** The client the registry reaches MongoDB through. */
        public MongoClient client() {
            return client;
        }

        /** The main database: shared and per-tenant collections live here. */
        public String databaseName() {
            return databaseName;
        }

        /** The top-level field that carries the tenant. */
        public String tenantField() {
            return tenantField;
        }

        /** The prefix of per-tenant database names (the one set, or the database name and {@code _}). */
        public String tenantDatabasePrefix() {
            return tenantDatabasePrefix;
        }

        /** The registered logical names with their isolation, in registration order. */
        public Map<String, IsolationStrategy> collections() {
            return collections;
        }

        /** The global collections ({@link Builder#globalCollection}), in the order they were declared. */
        public Set<String> globalCollections() {
            return globalCollections;
        }

        /** The soft-delete policies, by logical name. */
        public Map<String, SoftDelete> softDeletes() {
            return softDeletes;
        }

        /** The write listeners, by logical name. */
        public Map<String, List<WriteListener>> writeListeners() {
            return writeListeners;
        }

        /**
         * The indexes as declared (before the tenant field is put first), by logical name; each call returns fresh
         * copies, so changing them changes nothing here.
         */
        public Map<String, List<IndexModel>> indexes() {
            Map<String, List<IndexModel>> out = new LinkedHashMap<>();
            indexes.forEach((name, list) -> out.put(name, copies(list)));
            return Collections.unmodifiableMap(out);
        }

        /** The codec registry for documents, filters and updates (the one set, or the client's plus POJOs). */
        public CodecRegistry codecRegistry() {
            return codecRegistry;
        }
    }
}
