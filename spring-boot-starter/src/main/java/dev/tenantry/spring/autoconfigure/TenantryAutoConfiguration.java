package dev.tenantry.spring.autoconfigure;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExports;
import dev.tenantry.health.Health;
import dev.tenantry.health.HealthChecks;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.session.UserSessions;
import dev.tenantry.spring.TenantMongoDatabaseFactory;
import dev.tenantry.spring.TenantScopeTaskDecorator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of Tenantry for Spring Data MongoDB: a {@link TenantDatabase} built from {@code tenantry.*}
 * properties, the index annotations of the Spring Data entities stored in the registered collections, and {@link
 * TenantDatabaseCustomizer}s, and a {@link TenantMongoDatabaseFactory} on it, which Spring Boot's {@code
 * MongoTemplate}, GridFS and repositories then use; on request ({@code tenantry.audit.enabled}, {@code
 * tenantry.directory.enabled}, {@code tenantry.rate-limit.enabled}) an {@link AuditTrail}, a {@link TenantDirectory}
 * and a {@link RateLimiter}, wired to each other and to the registry as README shows in Java. Each bean backs off
 * when the application defines its own. Runs after Spring Boot's MongoDB client and before its Spring Data
 * configuration.
 *
 * @since 0.1
 */
@AutoConfiguration(after = MongoAutoConfiguration.class, before = DataMongoAutoConfiguration.class)
@ConditionalOnClass({MongoClient.class, MongoDatabaseFactory.class, TenantDatabase.class})
@ConditionalOnBooleanProperty(name = "tenantry.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenantryProperties.class)
public final class TenantryAutoConfiguration {

    /** Created by Spring. */
    public TenantryAutoConfiguration() {
    }

    /** The main database: {@code tenantry.database}, else Spring Boot's. */
    private static String database(TenantryProperties properties, ObjectProvider<MongoProperties> mongoProperties) {
        String database = properties.getDatabase();
        if (database != null) {
            return database;
        }
        MongoProperties mongo = mongoProperties.getIfAvailable();
        String spring = mongo == null ? null : mongo.getMongoClientDatabase();
        return spring == null ? "test" : spring; // Spring Boot's own default
    }

    /**
     * The registry of tenant-scoped collections: from {@code tenantry.*} properties, then the customizers, then the
     * index annotations of the entities stored in the registered collections as declared indexes (an index a
     * customizer declares under the same name takes the annotation's place). With an audit trail, the
     * writes of {@code tenantry.audit.collections} and (unless {@code tenantry.audit.record-system-scope=false}) every
     * system-scope entry are recorded. The declared indexes of shared collections are created at start-up (unless
     * {@code tenantry.ensure-indexes-on-startup=false}), in system scope: start-up needs no tenant.
     *
     * @throws IllegalStateException if no collection is registered, by property or customizer
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(MongoClient.class)
    public TenantDatabase tenantDatabase(MongoClient client, TenantryProperties properties,
                                         ObjectProvider<MongoProperties> mongoProperties,
                                         ObjectProvider<MongoMappingContext> mappingContext,
                                         ObjectProvider<AuditTrail> auditTrail,
                                         ObjectProvider<TenantDatabaseCustomizer> customizers) {
        TenantDatabase.Builder builder = TenantDatabase.builder(client, database(properties, mongoProperties))
                .tenantField(properties.getTenantField());
        if (properties.getTenantDatabasePrefix() != null) {
            builder.tenantDatabasePrefix(properties.getTenantDatabasePrefix());
        }
        for (Map.Entry<String, TenantryProperties.Collection> c : properties.getCollections().entrySet()) {
            builder.collection(c.getKey(), c.getValue().getIsolation());
        }
        properties.getGlobalCollections().forEach(builder::globalCollection);
        AuditTrail trail = auditTrail.getIfAvailable();
        List<String> audited = properties.getAudit().getCollections();
        if (trail != null && !audited.isEmpty()) {
            builder.writeListener(trail.writeListener(), audited.toArray(String[]::new));
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        TenantDatabase built;
        try {
            MongoMappingContext entities = mappingContext.getIfAvailable();
            if (properties.isEntityIndexes() && entities != null) {
                // after the customizers: every registered collection, by property or customizer, and the indexes
                // they declared themselves, which take the place of an annotation's index of the same name
                TenantDatabase.Settings registered = builder.settings();
                EntityIndexes.declare(builder, entities, registered.collections().keySet(), registered.indexes());
            }
            built = builder.build();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + ": set tenantry.collections.<name>.isolation (SHARED, "
                    + "COLLECTION_PER_TENANT or DATABASE_PER_TENANT) for each tenant-scoped collection, or register "
                    + "them in a TenantDatabaseCustomizer bean", e);
        }
        if (trail != null && properties.getAudit().isRecordSystemScope()) {
            built.addSystemScopeListener(trail.systemScopeListener());
        }
        if (properties.isEnsureIndexesOnStartup()) {
            built.ensureIndexes();
        }
        return built;
    }

    /** The tenant-scoped database factory that Spring Boot's Spring Data MongoDB configuration then uses. */
    @Bean
    @ConditionalOnMissingBean(MongoDatabaseFactory.class)
    @ConditionalOnSingleCandidate(TenantDatabase.class)
    public TenantMongoDatabaseFactory mongoDatabaseFactory(MongoClient client, TenantDatabase tenantDatabase) {
        return new TenantMongoDatabaseFactory(client, tenantDatabase);
    }

    /**
     * The audit trail, in the main database; closed with the context (what it holds is written within its close
     * timeout).
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("tenantry.audit.enabled")
    @ConditionalOnSingleCandidate(MongoClient.class)
    public AuditTrail auditTrail(MongoClient client, TenantryProperties properties,
                                 ObjectProvider<MongoProperties> mongoProperties) {
        TenantryProperties.Audit audit = properties.getAudit();
        AuditTrail.Builder builder = AuditTrail.builder(client, database(properties, mongoProperties))
                .collectionName(audit.getCollectionName()).tenantField(properties.getTenantField());
        if (audit.isAsynchronous()) {
            builder.asynchronous(audit.getQueueCapacity(), audit.getBatchSize(), audit.getMaxBatchDelay())
                    .overflow(audit.getOverflow(), audit.getOverflowTimeout());
        }
        return builder.build();
    }

    /**
     * The tenant directory, in the main database, with the registry (a purge removes a tenant's data from every
     * registered collection) and the audit trail if there is one; unless {@code
     * tenantry.directory.guard-scopes=false}, work on a suspended tenant's data, or one scheduled for deletion, is
     * refused.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("tenantry.directory.enabled")
    @ConditionalOnSingleCandidate(TenantDatabase.class)
    public TenantDirectory tenantDirectory(MongoClient client, TenantDatabase tenantDatabase,
                                           TenantryProperties properties, ObjectProvider<AuditTrail> auditTrail) {
        TenantryProperties.Directory settings = properties.getDirectory();
        TenantDirectory.Builder builder = TenantDirectory.builder(client, tenantDatabase.getName())
                .collectionName(settings.getCollectionName()).cacheFor(settings.getCache())
                .tenantDatabase(tenantDatabase);
        if (!settings.getPlans().isEmpty()) {
            builder.plans(settings.getPlans().toArray(String[]::new));
        }
        AuditTrail trail = auditTrail.getIfAvailable();
        if (trail != null) {
            builder.auditTrail(trail);
        }
        TenantDirectory directory = builder.build();
        if (settings.isGuardScopes()) {
            directory.guardScopes();
        }
        return directory;
    }

    /**
     * The rate limiter, with the plans of {@code tenantry.rate-limit.plans}: every tenant on {@code default-plan}, or
     * on the plan the tenant directory holds for it (plan changes invalidate its cache).
     *
     * @throws IllegalStateException if no plan is set, or neither a default plan nor a directory says tenants' plans
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("tenantry.rate-limit.enabled")
    public RateLimiter rateLimiter(MongoClient client, TenantryProperties properties,
                                   ObjectProvider<MongoProperties> mongoProperties,
                                   ObjectProvider<TenantDirectory> directory) {
        TenantryProperties.RateLimit settings = properties.getRateLimit();
        RateLimiter.Builder builder = RateLimiter.builder().planCache(settings.getPlanCache());
        for (Map.Entry<String, TenantryProperties.RateLimit.Plan> plan : settings.getPlans().entrySet()) {
            List<Bandwidth> bandwidths = new ArrayList<>();
            for (TenantryProperties.RateLimit.Band band : plan.getValue().getBandwidths()) {
                Long refill = band.getRefillTokens();
                bandwidths.add(Bandwidth.of(band.getCapacity(), refill == null ? band.getCapacity() : refill,
                        band.getPeriod()));
            }
            builder.plan(plan.getKey(), bandwidths.toArray(Bandwidth[]::new));
        }
        TenantDirectory tenants = directory.getIfAvailable();
        if (settings.getDefaultPlan() != null) {
            builder.everyTenantOn(settings.getDefaultPlan());
        } else if (tenants != null) {
            builder.planResolver(tenants.planResolver());
        }
        if (settings.getStore() == TenantryProperties.RateLimit.Store.MONGODB) {
            builder.shared(client.getDatabase(database(properties, mongoProperties)), settings.getCollection(),
                    settings.getFailPolicy(), settings.getTimeout());
        } else {
            builder.inProcess();
        }
        RateLimiter limiter;
        try {
            limiter = builder.build();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + ": set tenantry.rate-limit.plans.<plan>.bandwidths[0]"
                    + ".capacity/.period, and tenantry.rate-limit.default-plan or tenantry.directory.enabled=true",
                    e);
        }
        if (tenants != null) {
            tenants.addPlanListener(limiter.plans(), limiter::invalidatePlan);
        }
        return limiter;
    }

    /**
     * Tenantry's health checks (readiness): MongoDB ping of the main database, the audit trail's queue and failures
     * (with an audit trail), the shared rate-limit store (with store MONGODB). Served by tenantry-servlet's health
     * endpoint and, with Actuator, as the {@code tenantry} health indicator.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "tenantry.health.enabled", matchIfMissing = true)
    @ConditionalOnSingleCandidate(TenantDatabase.class)
    public Health tenantryHealth(MongoClient client, TenantDatabase tenantDatabase, TenantryProperties properties,
                                 ObjectProvider<AuditTrail> auditTrail) {
        MongoDatabase main = client.getDatabase(tenantDatabase.getName());
        Health.Builder builder = Health.builder().readiness("mongodb", HealthChecks.mongoPing(main));
        AuditTrail trail = auditTrail.getIfAvailable();
        if (trail != null) {
            builder.readiness("audit", HealthChecks.queue(trail::stats, properties.getHealth().getAuditMaxQueued()));
        }
        TenantryProperties.RateLimit limits = properties.getRateLimit();
        if (limits.isEnabled() && limits.getStore() == TenantryProperties.RateLimit.Store.MONGODB) {
            builder.readiness("rate-limit-store", HealthChecks.rateLimitStore(main, limits.getCollection()));
        }
        return builder.build();
    }

    /** Data exports of the registry's collections, with the audit trail if there is one. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("tenantry.exports.enabled")
    @ConditionalOnSingleCandidate(TenantDatabase.class)
    public DataExports dataExports(MongoClient client, TenantDatabase tenantDatabase, TenantryProperties properties,
                                   ObjectProvider<AuditTrail> auditTrail) {
        TenantryProperties.Exports settings = properties.getExports();
        DataExports.Builder builder = DataExports.builder(client, tenantDatabase.getName(), tenantDatabase)
                .validity(settings.getValidity()).maxActivePerRequester(settings.getMaxActivePerRequester())
                .maxActivePerTenant(settings.getMaxActivePerTenant());
        if (!settings.getSecretFields().isEmpty()) {
            builder.secretFields(settings.getSecretFields().toArray(String[]::new));
        }
        auditTrail.ifAvailable(builder::auditTrail);
        return builder.build();
    }

    /** User sessions in the main database, with the audit trail if there is one. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("tenantry.sessions.enabled")
    @ConditionalOnSingleCandidate(MongoClient.class)
    public UserSessions userSessions(MongoClient client, TenantryProperties properties,
                                     ObjectProvider<MongoProperties> mongoProperties,
                                     ObjectProvider<AuditTrail> auditTrail) {
        TenantryProperties.Sessions settings = properties.getSessions();
        UserSessions.Builder builder = UserSessions.builder(client, database(properties, mongoProperties))
                .tenantField(properties.getTenantField()).idleTimeout(settings.getIdleTimeout())
                .maxLifetime(settings.getMaxLifetime());
        auditTrail.ifAvailable(builder::auditTrail);
        return builder.build();
    }

    /**
     * Runs tasks of Spring Boot's auto-configured executor and scheduler ({@code @Async}, {@code @Scheduled}) in the
     * scope current where they were submitted; backs off to an application's own {@link TaskDecorator}.
     */
    @Bean
    @ConditionalOnMissingBean(TaskDecorator.class)
    public TenantScopeTaskDecorator tenantScopeTaskDecorator() {
        return new TenantScopeTaskDecorator();
    }

    /**
     * The reactive driver is not tenant-scoped: a reactive MongoDB client bean (from Spring Boot's reactive
     * auto-configuration or the application's own, behind {@code ReactiveMongoTemplate} and reactive repositories) would
     * read and write every tenant's documents, so with one in the context the application does not start, unless
     * {@code tenantry.allow-unscoped-reactive=true} says it never touches tenant data.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = ReactiveStackGuard.REACTIVE_CLIENT)
    static class ReactiveStackGuard {

        static final String REACTIVE_CLIENT = "com.mongodb.reactivestreams.client.MongoClient";

        @Bean
        static SmartInitializingSingleton tenantryReactiveStackGuard(ListableBeanFactory beans,
                                                                     ObjectProvider<TenantryProperties> properties) {
            return () -> {
                Class<?> client = ClassUtils.resolveClassName(REACTIVE_CLIENT, ReactiveStackGuard.class.getClassLoader());
                String[] names = beans.getBeanNamesForType(client, true, false);
                TenantryProperties settings = properties.getIfAvailable(TenantryProperties::new);
                if (names.length > 0 && !settings.isAllowUnscopedReactive()) {
                    throw new IllegalStateException("Tenantry scopes the blocking driver (MongoTemplate, "
                            + "MongoRepository), not the reactive one: reactive MongoDB client bean '" + names[0]
                            + "' (ReactiveMongoTemplate, reactive repositories) would reach every tenant's documents. "
                            + "Remove mongodb-driver-reactivestreams from the application, or set "
                            + "tenantry.allow-unscoped-reactive=true if the reactive client never touches tenant data");
                }
            };
        }
    }
}
