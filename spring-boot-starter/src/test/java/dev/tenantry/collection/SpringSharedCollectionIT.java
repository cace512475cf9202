package dev.tenantry.collection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;

/** The collection contract with {@link IsolationStrategy#SHARED}, every case through {@code MongoTemplate}. */
class SpringSharedCollectionIT extends AbstractSpringCollectionIT {

    SpringSharedCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.SHARED;
    }
}
