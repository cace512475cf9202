package dev.tenantry.spring.autoconfigure;

import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.OverflowPolicy;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExports;
import dev.tenantry.ratelimit.FailPolicy;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.servlet.TenantResolver;
import dev.tenantry.session.UserSessions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tenantry.*} properties: which collections are tenant-scoped and how, the audit trail, the tenant
 * directory and rate limiting. Bound by Spring Boot; not
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
     * Whether the application may have a reactive MongoDB client (mongodb-driver-reactivestreams: ReactiveMongoTemplate,
     * reactive repositories), which Tenantry does not scope: only where it never touches tenant data. Without this, a
     * reactive client bean stops the application from starting.
     */
    private boolean allowUnscopedReactive;

    /**
     * The tenant-scoped collections, by logical name (a Spring Data entity's collection name); every other collection
     * is refused outside system scope.
     */
    private Map<String, Collection> collections = new LinkedHashMap<>();

    /**
     * Collections of the main database that hold no tenant's data (plans, feature flags, reference data): Spring Data
     * reads and writes them unscoped in every scope, and creates their entities' indexes at start-up. Joins from them
     * into any other collection, $out, $merge, dropping and renaming them run only in system scope.
     */
    private List<String> globalCollections = new ArrayList<>();

    /** The audit trail. */
    private final Audit audit = new Audit();

    /** The tenant directory (organizations) and its lifecycle. */
    private final Directory directory = new Directory();

    /** Rate limiting by plan. */
    private final RateLimit rateLimit = new RateLimit();

    /** The servlet filters and endpoints of tenantry-servlet. */
    private final Web web = new Web();

    /** Tenantry's health checks. */
    private final HealthSettings health = new HealthSettings();

    /** Data exports (GDPR Art. 15 / 20). */
    private final Exports exports = new Exports();

    /** User sessions. */
    private final Sessions sessions = new Sessions();

    /** Creates the properties with their defaults. */
    public TenantryProperties() {
    }

    /** The servlet filters' settings. */
    public Web getWeb() {
        return web;
    }

    /** The health checks' settings. */
    public HealthSettings getHealth() {
        return health;
    }

    /** The data exports' settings. */
    public Exports getExports() {
        return exports;
    }

    /** The user sessions' settings. */
    public Sessions getSessions() {
        return sessions;
    }

    /** The audit trail's settings. */
    public Audit getAudit() {
        return audit;
    }

    /** The tenant directory's settings. */
    public Directory getDirectory() {
        return directory;
    }

    /** The rate limiter's settings. */
    public RateLimit getRateLimit() {
        return rateLimit;
    }

    /** Whether a reactive MongoDB client, which Tenantry does not scope, may exist in the application. */
    public boolean isAllowUnscopedReactive() {
        return allowUnscopedReactive;
    }

    /** Sets whether a reactive MongoDB client, which Tenantry does not scope, may exist in the application. */
    public void setAllowUnscopedReactive(boolean allowUnscopedReactive) {
        this.allowUnscopedReactive = allowUnscopedReactive;
    }

    /** The global collections, which hold no tenant's data. */
    public List<String> getGlobalCollections() {
        return globalCollections;
    }

    /** Sets the global collections, which hold no tenant's data. */
    public void setGlobalCollections(List<String> globalCollections) {
        this.globalCollections = globalCollections;
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

    /** The audit trail: an {@code AuditTrail} bean, told of writes and of system-scope entries. */
    public static class Audit {

        /** Whether an AuditTrail bean is configured. */
        private boolean enabled;

        /** The collection the entries are written to, in the main database. */
        private String collectionName = AuditTrail.DEFAULT_COLLECTION;

        /** Whether entries are queued and written in batches by a background thread; else each is written at once. */
        private boolean asynchronous = true;

        /** How many entries the asynchronous queue holds. */
        private int queueCapacity = AuditTrail.Builder.DEFAULT_QUEUE_CAPACITY;

        /** The most entries the asynchronous writer writes at once. */
        private int batchSize = AuditTrail.Builder.DEFAULT_BATCH_SIZE;

        /** How long an asynchronous batch may wait to fill. */
        private Duration maxBatchDelay = AuditTrail.Builder.DEFAULT_MAX_BATCH_DELAY;

        /** What a full asynchronous queue does. */
        private OverflowPolicy overflow = OverflowPolicy.BLOCK;

        /** How long a full queue blocks a writer with overflow BLOCK_WITH_TIMEOUT. */
        private Duration overflowTimeout = AuditTrail.Builder.DEFAULT_OVERFLOW_TIMEOUT;

        /** Whether every system-scope entry is recorded (SYSTEM_ACCESS, with its reason). */
        private boolean recordSystemScope = true;

        /** The registered collections whose writes are recorded as CREATE, UPDATE and DELETE entries. */
        private List<String> collections = new ArrayList<>();

        /** Creates the settings with their defaults. */
        public Audit() {
        }

        /** Whether an AuditTrail bean is configured. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether an AuditTrail bean is configured. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The collection the entries are written to. */
        public String getCollectionName() {
            return collectionName;
        }

        /** Sets the collection the entries are written to. */
        public void setCollectionName(String collectionName) {
            this.collectionName = collectionName;
        }

        /** Whether entries are written asynchronously. */
        public boolean isAsynchronous() {
            return asynchronous;
        }

        /** Sets whether entries are written asynchronously. */
        public void setAsynchronous(boolean asynchronous) {
            this.asynchronous = asynchronous;
        }

        /** The asynchronous queue's capacity. */
        public int getQueueCapacity() {
            return queueCapacity;
        }

        /** Sets the asynchronous queue's capacity. */
        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        /** The asynchronous batch size. */
        public int getBatchSize() {
            return batchSize;
        }

        /** Sets the asynchronous batch size. */
        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        /** How long an asynchronous batch may wait to fill. */
        public Duration getMaxBatchDelay() {
            return maxBatchDelay;
        }

        /** Sets how long an asynchronous batch may wait to fill. */
        public void setMaxBatchDelay(Duration maxBatchDelay) {
            this.maxBatchDelay = maxBatchDelay;
        }

        /** What a full queue does. */
        public OverflowPolicy getOverflow() {
            return overflow;
        }

        /** Sets what a full queue does. */
        public void setOverflow(OverflowPolicy overflow) {
            this.overflow = overflow;
        }

        /** How long a full queue blocks with BLOCK_WITH_TIMEOUT. */
        public Duration getOverflowTimeout() {
            return overflowTimeout;
        }

        /** Sets how long a full queue blocks with BLOCK_WITH_TIMEOUT. */
        public void setOverflowTimeout(Duration overflowTimeout) {
            this.overflowTimeout = overflowTimeout;
        }

        /** Whether system-scope entries are recorded. */
        public boolean isRecordSystemScope() {
            return recordSystemScope;
        }

        /** Sets whether system-scope entries are recorded. */
        public void setRecordSystemScope(boolean recordSystemScope) {
            this.recordSystemScope = recordSystemScope;
        }

        /** The collections whose writes are recorded. */
        public List<String> getCollections() {
            return collections;
        }

        /** Sets the collections whose writes are recorded. */
        public void setCollections(List<String> collections) {
            this.collections = collections;
        }
    }

    /** The tenant directory: a {@code TenantDirectory} bean over the main database. */
    public static class Directory {

        /** Whether a TenantDirectory bean is configured. */
        private boolean enabled;

        /** The collection of the tenant records. */
        private String collectionName = TenantDirectory.Builder.DEFAULT_COLLECTION;

        /** How long a tenant's record is cached. */
        private Duration cache = TenantDirectory.Builder.DEFAULT_CACHE;

        /** The plans a tenant may be on; empty accepts any. */
        private List<String> plans = new ArrayList<>();

        /** Whether work on a suspended tenant's data, or one scheduled for deletion, is refused. */
        private boolean guardScopes = true;

        /** Creates the settings with their defaults. */
        public Directory() {
        }

        /** Whether a TenantDirectory bean is configured. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether a TenantDirectory bean is configured. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The collection of the tenant records. */
        public String getCollectionName() {
            return collectionName;
        }

        /** Sets the collection of the tenant records. */
        public void setCollectionName(String collectionName) {
            this.collectionName = collectionName;
        }

        /** How long a record is cached. */
        public Duration getCache() {
            return cache;
        }

        /** Sets how long a record is cached. */
        public void setCache(Duration cache) {
            this.cache = cache;
        }

        /** The plans a tenant may be on. */
        public List<String> getPlans() {
            return plans;
        }

        /** Sets the plans a tenant may be on. */
        public void setPlans(List<String> plans) {
            this.plans = plans;
        }

        /** Whether suspended tenants' work is refused. */
        public boolean isGuardScopes() {
            return guardScopes;
        }

        /** Sets whether suspended tenants' work is refused. */
        public void setGuardScopes(boolean guardScopes) {
            this.guardScopes = guardScopes;
        }
    }

    /** Rate limiting: a {@code RateLimiter} bean with token-bucket plans. */
    public static class RateLimit {

        /** Whether a RateLimiter bean is configured. */
        private boolean enabled;

        /** The plans by name, each with one or more bandwidths (burst and sustained). */
        private Map<String, Plan> plans = new LinkedHashMap<>();

        /** The plan of every tenant; unset, the tenant directory says each tenant's plan. */
        private @Nullable String defaultPlan;

        /** Where buckets live: IN_PROCESS, or MONGODB to share one limit between app instances. */
        private Store store = Store.IN_PROCESS;

        /** The collection of shared buckets (store MONGODB), in the main database. */
        private String collection = RateLimiter.Builder.DEFAULT_COLLECTION;

        /** What a decision does when the shared store cannot answer in time. */
        private FailPolicy failPolicy = FailPolicy.CLOSED;

        /** How long a decision waits for the shared store. */
        private Duration timeout = Duration.ofMillis(500);

        /** How long a tenant's plan is cached. */
        private Duration planCache = RateLimiter.Builder.DEFAULT_PLAN_CACHE;

        /** Creates the settings with their defaults. */
        public RateLimit() {
        }

        /** Whether a RateLimiter bean is configured. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether a RateLimiter bean is configured. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The plans by name. */
        public Map<String, Plan> getPlans() {
            return plans;
        }

        /** Sets the plans by name. */
        public void setPlans(Map<String, Plan> plans) {
            this.plans = plans;
        }

        /** The plan of every tenant, or null. */
        public @Nullable String getDefaultPlan() {
            return defaultPlan;
        }

        /** Sets the plan of every tenant. */
        public void setDefaultPlan(@Nullable String defaultPlan) {
            this.defaultPlan = defaultPlan;
        }

        /** Where buckets live. */
        public Store getStore() {
            return store;
        }

        /** Sets where buckets live. */
        public void setStore(Store store) {
            this.store = store;
        }

        /** The collection of shared buckets. */
        public String getCollection() {
            return collection;
        }

        /** Sets the collection of shared buckets. */
        public void setCollection(String collection) {
            this.collection = collection;
        }

        /** What a decision does when the shared store cannot answer. */
        public FailPolicy getFailPolicy() {
            return failPolicy;
        }

        /** Sets what a decision does when the shared store cannot answer. */
        public void setFailPolicy(FailPolicy failPolicy) {
            this.failPolicy = failPolicy;
        }

        /** How long a decision waits for the shared store. */
        public Duration getTimeout() {
            return timeout;
        }

        /** Sets how long a decision waits for the shared store. */
        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        /** How long a tenant's plan is cached. */
        public Duration getPlanCache() {
            return planCache;
        }

        /** Sets how long a tenant's plan is cached. */
        public void setPlanCache(Duration planCache) {
            this.planCache = planCache;
        }

        /** Where buckets live. */
        public enum Store {
            /** In this process: each app instance enforces its own limit. */
            IN_PROCESS,
            /** In a MongoDB collection: every app instance enforces one limit. */
            MONGODB
        }

        /** One plan. */
        public static class Plan {

            /** The plan's bandwidths; a request is allowed when every one has a token. */
            private List<Band> bandwidths = new ArrayList<>();

            /** Creates an empty plan. */
            public Plan() {
            }

            /** The plan's bandwidths. */
            public List<Band> getBandwidths() {
                return bandwidths;
            }

            /** Sets the plan's bandwidths. */
            public void setBandwidths(List<Band> bandwidths) {
                this.bandwidths = bandwidths;
            }
        }

        /** One bandwidth: {@code capacity} tokens, refilled with {@code refill-tokens} every {@code period}. */
        public static class Band {

            /** The bucket's capacity (the burst). */
            private long capacity;

            /** The tokens added every period; defaults to the capacity. */
            private @Nullable Long refillTokens;

            /** The refill period. */
            private Duration period = Duration.ofMinutes(1);

            /** Creates an empty bandwidth. */
            public Band() {
            }

            /** The capacity. */
            public long getCapacity() {
                return capacity;
            }

            /** Sets the capacity. */
            public void setCapacity(long capacity) {
                this.capacity = capacity;
            }

            /** The tokens added every period, or null for the capacity. */
            public @Nullable Long getRefillTokens() {
                return refillTokens;
            }

            /** Sets the tokens added every period. */
            public void setRefillTokens(@Nullable Long refillTokens) {
                this.refillTokens = refillTokens;
            }

            /** The refill period. */
            public Duration getPeriod() {
                return period;
            }

            /** Sets the refill period. */
            public void setPeriod(Duration period) {
                this.period = period;
            }
        }
    }

    /** The servlet filters and endpoints of tenantry-servlet, in a servlet web application. */
    public static class Web {

        /** Whether the filters and endpoints are installed (after Spring Security's authentication). */
        private boolean enabled;

        /** The header that names the tenant, unless the application defines TenantResolver beans. */
        private String tenantHeader = TenantResolver.DEFAULT_HEADER;

        /** Path patterns that may be requested without a tenant (e.g. /login, /actuator/*). */
        private List<String> tenantOptional = new ArrayList<>();

        /** The URL patterns the filters are mapped to; empty for every path. */
        private List<String> urlPatterns = new ArrayList<>();

        /** The proxies (addresses or CIDR blocks) whose X-Forwarded-For is trusted. */
        private List<String> trustedProxies = new ArrayList<>();

        /** Path patterns the rate limiter does not count. */
        private List<String> rateLimitExempt = new ArrayList<>();

        /**
         * Whether the tenant header may be trusted with no tenantAccess check, so that any authenticated caller may
         * name any tenant: only where callers cannot set it themselves (a gateway in front sets it). Without a check
         * (a TenantryWebConfigCustomizer that sets tenantAccess) and without this, the application does not start.
         */
        private boolean allowUncheckedTenantHeader;

        /** Creates the settings with their defaults. */
        public Web() {
        }

        /** Whether the filters and endpoints are installed. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether the filters and endpoints are installed. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The tenant header. */
        public String getTenantHeader() {
            return tenantHeader;
        }

        /** Sets the tenant header. */
        public void setTenantHeader(String tenantHeader) {
            this.tenantHeader = tenantHeader;
        }

        /** Paths that may be requested without a tenant. */
        public List<String> getTenantOptional() {
            return tenantOptional;
        }

        /** Sets the paths that may be requested without a tenant. */
        public void setTenantOptional(List<String> tenantOptional) {
            this.tenantOptional = tenantOptional;
        }

        /** The filters' URL patterns. */
        public List<String> getUrlPatterns() {
            return urlPatterns;
        }

        /** Sets the filters' URL patterns. */
        public void setUrlPatterns(List<String> urlPatterns) {
            this.urlPatterns = urlPatterns;
        }

        /** The trusted proxies. */
        public List<String> getTrustedProxies() {
            return trustedProxies;
        }

        /** Sets the trusted proxies. */
        public void setTrustedProxies(List<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
        }

        /** Paths the rate limiter does not count. */
        public List<String> getRateLimitExempt() {
            return rateLimitExempt;
        }

        /** Sets the paths the rate limiter does not count. */
        public void setRateLimitExempt(List<String> rateLimitExempt) {
            this.rateLimitExempt = rateLimitExempt;
        }

        /** Whether the tenant header is trusted with no tenantAccess check. */
        public boolean isAllowUncheckedTenantHeader() {
            return allowUncheckedTenantHeader;
        }

        /** Sets whether the tenant header is trusted with no tenantAccess check. */
        public void setAllowUncheckedTenantHeader(boolean allowUncheckedTenantHeader) {
            this.allowUncheckedTenantHeader = allowUncheckedTenantHeader;
        }
    }

    /** Tenantry's health checks: a {@code Health} bean, and the {@code tenantry} Actuator health indicator. */
    public static class HealthSettings {

        /** Whether the Health bean (and with Actuator the tenantry health indicator) is configured. */
        private boolean enabled = true;

        /** Above how many queued audit entries the audit check reports degraded. */
        private long auditMaxQueued = 10_000;

        /** Creates the settings with their defaults. */
        public HealthSettings() {
        }

        /** Whether the Health bean is configured. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether the Health bean is configured. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The audit queue size above which the audit check is degraded. */
        public long getAuditMaxQueued() {
            return auditMaxQueued;
        }

        /** Sets the audit queue size above which the audit check is degraded. */
        public void setAuditMaxQueued(long auditMaxQueued) {
            this.auditMaxQueued = auditMaxQueued;
        }
    }

    /** Data exports: a {@code DataExports} bean over the registry, stored in GridFS of the main database. */
    public static class Exports {

        /** Whether a DataExports bean is configured. */
        private boolean enabled;

        /** How long a finished export can be downloaded. */
        private Duration validity = DataExports.Builder.DEFAULT_VALIDITY;

        /** How many exports one requester may have pending or running. */
        private int maxActivePerRequester = DataExports.Builder.DEFAULT_MAX_ACTIVE_PER_REQUESTER;

        /** How many exports one tenant may have pending or running. */
        private int maxActivePerTenant = DataExports.Builder.DEFAULT_MAX_ACTIVE_PER_TENANT;

        /** The field names never exported (case-insensitive, any depth); empty keeps the library's defaults. */
        private List<String> secretFields = new ArrayList<>();

        /** Creates the settings with their defaults. */
        public Exports() {
        }

        /** Whether a DataExports bean is configured. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether a DataExports bean is configured. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** How long a finished export can be downloaded. */
        public Duration getValidity() {
            return validity;
        }

        /** Sets how long a finished export can be downloaded. */
        public void setValidity(Duration validity) {
            this.validity = validity;
        }

        /** Active exports per requester. */
        public int getMaxActivePerRequester() {
            return maxActivePerRequester;
        }

        /** Sets the active exports per requester. */
        public void setMaxActivePerRequester(int maxActivePerRequester) {
            this.maxActivePerRequester = maxActivePerRequester;
        }

        /** Active exports per tenant. */
        public int getMaxActivePerTenant() {
            return maxActivePerTenant;
        }

        /** Sets the active exports per tenant. */
        public void setMaxActivePerTenant(int maxActivePerTenant) {
            this.maxActivePerTenant = maxActivePerTenant;
        }

        /** The secret field names. */
        public List<String> getSecretFields() {
            return secretFields;
        }

        /** Sets the secret field names. */
        public void setSecretFields(List<String> secretFields) {
            this.secretFields = secretFields;
        }
    }

    /** User sessions: a {@code UserSessions} bean in the main database. */
    public static class Sessions {

        /** Whether a UserSessions bean is configured. */
        private boolean enabled;

        /** How long a session lives without being used. */
        private Duration idleTimeout = UserSessions.Builder.DEFAULT_IDLE_TIMEOUT;

        /** How long a session lives at most. */
        private Duration maxLifetime = UserSessions.Builder.DEFAULT_MAX_LIFETIME;

        /** Creates the settings with their defaults. */
        public Sessions() {
        }

        /** Whether a UserSessions bean is configured. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether a UserSessions bean is configured. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The idle timeout. */
        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        /** Sets the idle timeout. */
        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        /** The maximum lifetime. */
        public Duration getMaxLifetime() {
            return maxLifetime;
        }

        /** Sets the maximum lifetime. */
        public void setMaxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
        }
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
