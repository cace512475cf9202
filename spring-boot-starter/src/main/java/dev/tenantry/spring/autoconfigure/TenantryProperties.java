package dev.tenantry.spring.autoconfigure;

import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tenantry.*} properties: which collections are tenant-scoped and how. Bound by Spring Boot; not
 * thread-safe while being bound, read-only afterwards.
 *
 * @since 0.1
 */
@ConfigurationProperties("tenantry")
public class TenantryProperties {

    /** Whether Tenantry scopes Spring Data MongoDB (the tenant-scoped MongoDatabaseFactory and TenantDatabase). */
    private boolean enabled = true;

    /** The main database; defaults to the one Spring Boot's MongoDB settings name (spring.mongodb.database). */
    private @Nullable String database;

    /** The field that carries the tenant in every document. */
    private String tenantField = TenantDatabase.DEFAULT_TENANT_FIELD;

    /** The prefix of per-tenant database names (DATABASE_PER_TENANT); defaults to the main database's name. */
    private @Nullable String tenantDatabasePrefix;

    /** Whether the declared indexes of shared collections are created at start-up (in system scope, no tenant). */
    private boolean ensureIndexesOnStartup = true;

    /**
     * Whether the index annotations of Spring Data entities stored in registered collections become their declared
     * indexes (tenant-leading on SHARED, ensured in each tenant's own collection or database otherwise).
     */
    private boolean entityIndexes = true;

    /**
     * The tenant-scoped collections, by logical name (a Spring Data entity's collection name); every other collection
     * is refused outside system scope.
     */
    private Map<String, Collection> collections = new LinkedHashMap<>();

    /** Creates the properties with their defaults. */
    public TenantryProperties() {
    }

    /** Whether Tenantry scopes Spring Data MongoDB. */
    public boolean isEnabled() {
        return enabled;
    }

    /** Sets whether Tenantry scopes Spring Data MongoDB. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** The main database, or null for Spring Boot's. */
    public @Nullable String getDatabase() {
        return database;
    }

    /** Sets the main database. */
    public void setDatabase(@Nullable String database) {
        this.database = database;
    }

    /** The tenant field. */
    public String getTenantField() {
        return tenantField;
    }

    /** Sets the tenant field. */
    public void setTenantField(String tenantField) {
        this.tenantField = tenantField;
    }

    /** The prefix of per-tenant database names, or null for the main database's name. */
    public @Nullable String getTenantDatabasePrefix() {
        return tenantDatabasePrefix;
    }

    /** Sets the prefix of per-tenant database names. */
    public void setTenantDatabasePrefix(@Nullable String tenantDatabasePrefix) {
        this.tenantDatabasePrefix = tenantDatabasePrefix;
    }

    /** Whether shared collections' declared indexes are created at start-up. */
    public boolean isEnsureIndexesOnStartup() {
        return ensureIndexesOnStartup;
    }

    /** Sets whether shared collections' declared indexes are created at start-up. */
    public void setEnsureIndexesOnStartup(boolean ensureIndexesOnStartup) {
        this.ensureIndexesOnStartup = ensureIndexesOnStartup;
    }

    /** Whether entities' index annotations become declared indexes. */
    public boolean isEntityIndexes() {
        return entityIndexes;
    }

    /** Sets whether entities' index annotations become declared indexes. */
    public void setEntityIndexes(boolean entityIndexes) {
        this.entityIndexes = entityIndexes;
    }

    /** The tenant-scoped collections, by logical name. */
    public Map<String, Collection> getCollections() {
        return collections;
    }

    /** Sets the tenant-scoped collections. */
    public void setCollections(Map<String, Collection> collections) {
        this.collections = collections;
    }

    /** One tenant-scoped collection. */
    public static class Collection {

        /** How the collection isolates tenants. */
        private IsolationStrategy isolation = IsolationStrategy.SHARED;

        /** Creates the settings with their defaults. */
        public Collection() {
        }

        /** How the collection isolates tenants. */
        public IsolationStrategy getIsolation() {
            return isolation;
        }

        /** Sets how the collection isolates tenants. */
        public void setIsolation(IsolationStrategy isolation) {
            this.isolation = isolation;
        }
    }
}
