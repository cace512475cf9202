package dev.tenantry.collection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;

/** The collection contract with {@link IsolationStrategy#COLLECTION_PER_TENANT}, every case through {@code MongoTemplate}. */
class SpringCollectionPerTenantCollectionIT extends AbstractSpringCollectionIT {

    SpringCollectionPerTenantCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.COLLECTION_PER_TENANT;
    }
}
