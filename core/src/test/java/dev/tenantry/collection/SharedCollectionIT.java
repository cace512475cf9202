package dev.tenantry.collection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;

/** Every scoped operation with {@link IsolationStrategy#SHARED}. */
class SharedCollectionIT extends AbstractTenantCollectionIT {

    SharedCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.SHARED;
    }
}
