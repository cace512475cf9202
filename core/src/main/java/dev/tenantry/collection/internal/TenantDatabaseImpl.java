package dev.tenantry.collection.internal;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.connection.ServerDescription;
import dev.tenantry.TenantId;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.SoftDelete;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.collection.WriteListener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistry;
import org.jspecify.annotations.Nullable;

/** The registry behind {@link TenantDatabase}: names, physical placement and server features. Thread-safe. */
public final class TenantDatabaseImpl implements TenantDatabase {

    /** MongoDB 5.0 accepts localField/foreignField and a pipeline together in one $lookup. */
    private static final int CONCISE_LOOKUP_WIRE_VERSION = 13;

    private final MongoClient client;
    private final String name;
    private final String tenantField;
    private final PhysicalNames names;
    private final Map<String, IsolationStrategy> collections;
    private final Map<String, SoftDelete> softDeletes;
    private final Map<String, List<WriteListener>> listeners;
    private final CodecRegistry codecRegistry;
    private final MongoDatabase main;
    private volatile @Nullable Boolean conciseLookup;

    /** Built by {@link TenantDatabase.Builder}, which has validated every argument. */
    public TenantDatabaseImpl(MongoClient client, String name, String tenantField, String databasePrefix,
                              Map<String, IsolationStrategy> collections, Map<String, SoftDelete> softDeletes,
                              Map<String, List<WriteListener>> listeners, CodecRegistry codecRegistry) {
        this.client = client;
        this.name = name;
        this.tenantField = tenantField;
        this.collections = Collections.unmodifiableMap(new LinkedHashMap<>(collections));
        this.names = new PhysicalNames(name, databasePrefix, collections);
        this.softDeletes = Map.copyOf(softDeletes);
        Map<String, List<WriteListener>> copy = new LinkedHashMap<>();
        listeners.forEach((logical, list) -> copy.put(logical, List.copyOf(list)));
        this.listeners = Collections.unmodifiableMap(copy);
        this.codecRegistry = codecRegistry;
        this.main = client.getDatabase(name).withCodecRegistry(codecRegistry);
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
