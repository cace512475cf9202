package dev.tenantry.collection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;

/** The collection contract with {@link IsolationStrategy#DATABASE_PER_TENANT}, every case through {@code MongoTemplate}. */
class SpringDatabasePerTenantCollectionIT extends AbstractSpringCollectionIT {

    SpringDatabasePerTenantCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.DATABASE_PER_TENANT;
    }
}
