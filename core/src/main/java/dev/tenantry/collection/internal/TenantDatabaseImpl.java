package dev.tenantry.collection.internal;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.connection.ServerDescription;
import dev.tenantry.SystemAccess;
import dev.tenantry.SystemScopeListener;
import dev.tenantry.TenantId;
import dev.tenantry.TenantScopeGuard;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.SoftDelete;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.collection.WriteListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistry;
import org.jspecify.annotations.Nullable;

/** The registry behind {@link TenantDatabase}: names, physical placement and server features. Thread-safe. */
public final class TenantDatabaseImpl implements TenantDatabase, Admission {

    /** MongoDB 5.0 accepts localField/foreignField and a pipeline together in one $lookup. */
    private static final int CONCISE_LOOKUP_WIRE_VERSION = 13;

    private final MongoClient client;
    private final String name;
    private final String tenantField;
    private final PhysicalNames names;
    private final Map<String, IsolationStrategy> collections;
    private final Set<String> globalCollections;
    private final Map<String, SoftDelete> softDeletes;
    private final Map<String, List<WriteListener>> listeners;
    private final CodecRegistry codecRegistry;
    private final MongoDatabase main;
    private final Map<String, DeclaredIndexes> indexes;
    private volatile @Nullable Boolean conciseLookup;
    private final List<TenantScopeGuard> guards = new CopyOnWriteArrayList<>();
    private final List<SystemScopeListener> systemScopeListeners = new CopyOnWriteArrayList<>();
    /** Per thread, the system-scope entry this database last told its listeners of. */
    private final ThreadLocal<@Nullable SystemAccess> reported = new ThreadLocal<>();

    /** Built by {@link TenantDatabase.Builder}, which has validated every setting. */
    public TenantDatabaseImpl(Settings settings) {
        this.client = settings.client();
        this.name = settings.databaseName();
        this.tenantField = settings.tenantField();
        this.collections = settings.collections();
        this.globalCollections = settings.globalCollections();
        this.names = new PhysicalNames(name, settings.tenantDatabasePrefix(), collections);
        this.softDeletes = settings.softDeletes();
        this.listeners = settings.writeListeners();
        this.codecRegistry = settings.codecRegistry();
        this.main = client.getDatabase(name).withCodecRegistry(codecRegistry);
        Map<String, DeclaredIndexes> plans = new LinkedHashMap<>();
        Map<String, List<IndexModel>> declaredIndexes = settings.indexes();
        for (Map.Entry<String, IsolationStrategy> collection : this.collections.entrySet()) {
            SoftDelete policy = softDeletes.get(collection.getKey());
            List<IndexModel> scoped = new ArrayList<>();
            for (IndexModel given : declaredIndexes.getOrDefault(collection.getKey(), List.of())) {
                IndexModel own = IndexKeys.privateCopy(given);
                scoped.add(scoped(tenantField, policy, (BsonDocument) own.getKeys(), own.getOptions()));
            }
            plans.put(collection.getKey(), new DeclaredIndexes(collection.getValue(), scoped));
        }
        this.indexes = Collections.unmodifiableMap(plans);
    }

    // ---------------------------------------------------------------- wiring

    @Override
    public Tenants.Registration addScopeGuard(TenantScopeGuard guard) {
        Objects.requireNonNull(guard, "guard");
        guards.add(guard);
        return () -> guards.remove(guard);
    }

    @Override
    public Tenants.Registration addSystemScopeListener(SystemScopeListener listener) {
        Objects.requireNonNull(listener, "listener");
        systemScopeListeners.add(listener);
        return () -> systemScopeListeners.remove(listener);
    }

    /**
     * The current tenant, once this database has let work for it touch its data ({@link #admit}).
     *
     * @throws dev.tenantry.MissingTenantException if no tenant is current
     */
    TenantId currentTenant() {
        TenantId tenant = Tenants.current();
        admit(tenant);
        return tenant;
    }

    /**
     * Lets work touch this database's data: outside system scope every guard is asked about {@code tenant}; inside,
     * the system-scope entry in force is told to every listener, once per entry (the first time it gets here).
     * Costs two empty-list checks where nothing is wired.
     */
    @Override
    public void admit(@Nullable TenantId tenant) {
        if (guards.isEmpty() && systemScopeListeners.isEmpty()) {
            return;
        }
        SystemAccess system = Tenants.currentSystemAccess().orElse(null);
        if (system == null) {
            if (tenant != null) {
                for (TenantScopeGuard guard : guards) {
                    guard.check(tenant);
                }
            }
        } else if (!systemScopeListeners.isEmpty() && reported.get() != system) {
            for (SystemScopeListener listener : systemScopeListeners) {
                listener.onSystemScope(system);
            }
            reported.set(system);
        }
    }

    // ---------------------------------------------------------------- declared indexes

    /**
     * The declared indexes of one registered collection, as they are created, and where this process knows they
     * exist: the shared collection, and the tenants whose own collection has them. Thread-safe.
     */
    static final class DeclaredIndexes {
        private final IsolationStrategy isolation;
        private final List<IndexModel> indexes;
        private volatile boolean sharedEnsured;
        private final Set<TenantId> ensuredTenants = ConcurrentHashMap.newKeySet();

        DeclaredIndexes(IsolationStrategy isolation, List<IndexModel> indexes) {
            this.isolation = isolation;
            this.indexes = List.copyOf(indexes);
        }

        /**
         * Forgets that the indexes exist (the collection was dropped): for the shared collection, or for {@code
         * tenant}'s own; the next use creates them again.
         */
        void forget(@Nullable TenantId tenant) {
            if (isolation == IsolationStrategy.SHARED) {
                sharedEnsured = false;
            } else if (tenant != null) {
                ensuredTenants.remove(tenant);
            }
        }

        /** Whether the collection's indexes are known to exist for {@code tenant} (any tenant, if shared). */
        boolean ensured(TenantId tenant) {
            return indexes.isEmpty() || (isolation == IsolationStrategy.SHARED ? sharedEnsured
                    : ensuredTenants.contains(tenant));
        }
    }

    /** The index created for {@code keys} and {@code options} (private copies) on a collection with {@code policy}. */
    private static IndexModel scoped(String tenantField, @Nullable SoftDelete policy, BsonDocument keys,
                                     IndexOptions options) {
        return IndexKeys.scoped(tenantField, policy == null ? null : policy.deletionKeyField(), keys, options);
    }

    /**
     * The name of the declared index of {@code logicalName} that creating {@code keys} with {@code options} (private
     * copies, completed in place) would create, the same keys once tenant-leading and the same name; null if none.
     */
    @Nullable String declaredName(String logicalName, BsonDocument keys, IndexOptions options) {
        IndexModel asked = scoped(tenantField, softDeletes.get(logicalName), keys, options);
        for (IndexModel declared : declaredIndexes(logicalName).indexes) {
            if (declared.getKeys().equals(asked.getKeys())
                    && Objects.equals(declared.getOptions().getName(), asked.getOptions().getName())) {
                return asked.getOptions().getName();
            }
        }
        return null;
    }

    /** The declared indexes of a registered collection. */
    DeclaredIndexes declaredIndexes(String logicalName) {
        DeclaredIndexes declared = indexes.get(logicalName);
        if (declared == null) {
            throw new IllegalArgumentException("collection '" + logicalName + "' is not registered");
        }
        return declared;
    }

    /**
     * On first use of {@code logicalName} by {@code tenant} (of any tenant, if shared) in this process, creates its
     * declared indexes, in system scope; afterwards costs a volatile read (shared) or a set look-up.
     *
     * @throws com.mongodb.MongoException if the server refuses an index; the next use tries again
     */
    void ensureOnFirstUse(String logicalName, DeclaredIndexes declared, TenantId tenant) {
        if (!declared.ensured(tenant)) {
            create(logicalName, declared, tenant);
        }
    }

    private void create(String logicalName, DeclaredIndexes declared, @Nullable TenantId tenant) {
        if (declared.indexes.isEmpty()) {
            return;
        }
        MongoNamespace ns = declared.isolation == IsolationStrategy.SHARED ? new MongoNamespace(name, logicalName)
                : namespace(logicalName, declared.isolation, Objects.requireNonNull(tenant, "tenant"));
        // Schema work, not a tenant's: it runs in system scope, also when a tenant's first operation triggers it. It
        // uses the driver's collection directly, so it is no entry to report: it touches no tenant's data.
        Tenants.runAsSystem("tenantry: create the indexes declared for collection '" + logicalName + "'"
                + (tenant == null ? "" : " of tenant '" + tenant + "'"), () -> database(ns.getDatabaseName())
                .getCollection(ns.getCollectionName(), BsonDocument.class).createIndexes(declared.indexes));
        if (declared.isolation == IsolationStrategy.SHARED) {
            declared.sharedEnsured = true;
        } else {
            declared.ensuredTenants.add(Objects.requireNonNull(tenant, "tenant"));
        }
    }

    @Override
    public List<IndexModel> getIndexes(String logicalName) {
        getIsolation(logicalName);
        List<IndexModel> copies = new ArrayList<>();
        for (IndexModel index : declaredIndexes(logicalName).indexes) {
            copies.add(IndexKeys.privateCopy(index));
        }
        return copies;
    }

    @Override
    public void ensureIndexes() {
        for (Map.Entry<String, DeclaredIndexes> e : indexes.entrySet()) {
            if (e.getValue().isolation == IsolationStrategy.SHARED) {
                create(e.getKey(), e.getValue(), null);
            }
        }
    }

    @Override
    public void ensureIndexes(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        for (Map.Entry<String, DeclaredIndexes> e : indexes.entrySet()) {
            if (e.getValue().isolation != IsolationStrategy.SHARED) {
                create(e.getKey(), e.getValue(), tenant);
            }
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getTenantField() {
        return tenantField;
    }

    @Override
    public Set<String> getCollectionNames() {
        return collections.keySet();
    }

    @Override
    public Set<String> getGlobalCollectionNames() {
        return globalCollections;
    }

    @Override
    public Optional<SoftDelete> getSoftDelete(String logicalName) {
        getIsolation(logicalName);
        return Optional.ofNullable(softDeletes.get(logicalName));
    }

    /** The soft-delete policy of a registered collection, or null. */
    @Nullable SoftDelete softDelete(String logicalName) {
        return softDeletes.get(logicalName);
    }

    @Override
    public IsolationStrategy getIsolation(String logicalName) {
        Objects.requireNonNull(logicalName, "logicalName");
        IsolationStrategy strategy = collections.get(logicalName);
        if (strategy == null) {
            throw new IllegalArgumentException("collection '" + logicalName + "' is not registered as tenant-scoped; "
                    + "registered: " + collections.keySet());
        }
        return strategy;
    }

    @Override
    public TenantCollection<Document> getCollection(String logicalName) {
        return getCollection(logicalName, Document.class);
    }

    @Override
    public <T> TenantCollection<T> getCollection(String logicalName, Class<T> documentClass) {
        Objects.requireNonNull(documentClass, "documentClass");
        return new TenantCollectionImpl<>(this, logicalName, getIsolation(logicalName), documentClass, codecRegistry,
                main.getReadPreference(), main.getWriteConcern(), main.getReadConcern());
    }

    @Override
    public MongoDatabase asMongoDatabase() {
        return new DriverDatabase(this, main);
    }

    /** The listeners told of writes to {@code logicalName}; empty for most collections. */
    List<WriteListener> listeners(String logicalName) {
        return listeners.getOrDefault(logicalName, List.of());
    }

    @Override
    public MongoNamespace namespaceFor(String logicalName, TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        return namespace(logicalName, getIsolation(logicalName), tenant);
    }

    /**
     * Where {@code tenant}'s documents of {@code logicalName} live.
     *
     * @throws dev.tenantry.InvalidTenantIdException if the tenant's own database would be one MongoDB reserves
     */
    MongoNamespace namespace(String logicalName, IsolationStrategy strategy, TenantId tenant) {
        return names.namespace(logicalName, strategy, tenant);
    }

    /** The tenant's physical namespace for a registered logical name, or null if it is not registered. */
    @Nullable MongoNamespace resolve(String logicalName, TenantId tenant) {
        IsolationStrategy strategy = collections.get(logicalName);
        return strategy == null ? null : namespace(logicalName, strategy, tenant);
    }

    /** The physical database for a namespace, with this registry's codecs. */
    MongoDatabase database(String databaseName) {
        return databaseName.equals(name) ? main : client.getDatabase(databaseName).withCodecRegistry(codecRegistry);
    }

    @Override
    public Optional<String> logicalNameOf(MongoNamespace namespace) {
        Objects.requireNonNull(namespace, "namespace");
        return Optional.ofNullable(names.locate(namespace)).map(PhysicalNames.Located::logicalName);
    }

    @Override
    public Optional<TenantId> tenantOf(MongoNamespace namespace) {
        Objects.requireNonNull(namespace, "namespace");
        return Optional.ofNullable(names.locate(namespace)).map(PhysicalNames.Located::tenant);
    }

    @Override
    public CodecRegistry getCodecRegistry() {
        return codecRegistry;
    }

    /**
     * Whether every connected server accepts {@code localField}/{@code foreignField} and a {@code pipeline} in one
     * {@code $lookup}. Read once from the wire versions the driver already knows (one ping if it has not connected).
     */
    boolean supportsConciseLookup() {
        Boolean known = conciseLookup;
        if (known != null) {
            return known;
        }
        int wire = minimumWireVersion();
        if (wire < 0) {
            main.runCommand(new Document("ping", 1));
            wire = minimumWireVersion();
        }
        boolean concise = wire >= CONCISE_LOOKUP_WIRE_VERSION;
        conciseLookup = concise;
        return concise;
    }

    private int minimumWireVersion() {
        int min = -1;
        for (ServerDescription server : client.getClusterDescription().getServerDescriptions()) {
            if (server.isOk()) {
                min = min < 0 ? server.getMaxWireVersion() : Math.min(min, server.getMaxWireVersion());
            }
        }
        return min;
    }

    @Override
    public String toString() {
        return "TenantDatabase{" + name + ", tenantField=" + tenantField + ", collections=" + collections + "}";
    }
}
