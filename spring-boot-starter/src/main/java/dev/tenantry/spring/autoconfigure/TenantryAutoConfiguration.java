package dev.tenantry.spring.autoconfigure;

import com.mongodb.client.MongoClient;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.spring.TenantMongoDatabaseFactory;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;

/**
 * Auto-configuration of Tenantry for Spring Data MongoDB: a {@link TenantDatabase} built from {@code tenantry.*}
 * properties, the index annotations of the Spring Data entities stored in the registered collections, and {@link
 * TenantDatabaseCustomizer}s, and a {@link TenantMongoDatabaseFactory} on it, which Spring
 * Boot's {@code MongoTemplate}, GridFS and repositories then use. Each bean backs off when the application defines
 * its own. Runs after Spring Boot's MongoDB client and before its Spring Data configuration.
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

    /**
     * The registry of tenant-scoped collections: from {@code tenantry.*} properties, with the index annotations of
     * the entities stored in those collections as declared indexes, then the customizers. The declared indexes of
     * shared collections are created at start-up (unless {@code tenantry.ensure-indexes-on-startup=false}), in system
     * scope: start-up needs no tenant.
     *
     * @throws IllegalStateException if no collection is registered, by property or customizer
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(MongoClient.class)
    public TenantDatabase tenantDatabase(MongoClient client, TenantryProperties properties,
                                         ObjectProvider<MongoProperties> mongoProperties,
                                         ObjectProvider<MongoMappingContext> mappingContext,
                                         ObjectProvider<TenantDatabaseCustomizer> customizers) {
        String database = properties.getDatabase();
        if (database == null) {
            MongoProperties mongo = mongoProperties.getIfAvailable();
            database = mongo == null ? "test" : mongo.getMongoClientDatabase();
        }
        TenantDatabase.Builder builder = TenantDatabase.builder(client, database)
                .tenantField(properties.getTenantField());
        if (properties.getTenantDatabasePrefix() != null) {
            builder.tenantDatabasePrefix(properties.getTenantDatabasePrefix());
        }
        for (Map.Entry<String, TenantryProperties.Collection> c : properties.getCollections().entrySet()) {
            builder.collection(c.getKey(), c.getValue().getIsolation());
        }
        MongoMappingContext entities = mappingContext.getIfAvailable();
        if (properties.isEntityIndexes() && entities != null) {
            EntityIndexes.declare(builder, entities, properties.getCollections().keySet());
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        TenantDatabase built;
        try {
            built = builder.build();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + ": set tenantry.collections.<name>.isolation (SHARED, "
                    + "COLLECTION_PER_TENANT or DATABASE_PER_TENANT) for each tenant-scoped collection, or register "
                    + "them in a TenantDatabaseCustomizer bean", e);
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
}
