package dev.tenantry.collection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;

/** Every scoped operation with {@link IsolationStrategy#DATABASE_PER_TENANT}. */
class DatabasePerTenantCollectionIT extends AbstractTenantCollectionIT {

    DatabasePerTenantCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.DATABASE_PER_TENANT;
    }
}
