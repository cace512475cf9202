package dev.tenantry.collection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.RequiresCapability;

/** As {@link SpringCollectionPerTenantCollectionIT}, every case through a session-bound {@code MongoTemplate}. */
@RequiresCapability(Capability.SESSIONS)
class SpringSessionCollectionPerTenantCollectionIT extends SpringCollectionPerTenantCollectionIT {

    SpringSessionCollectionPerTenantCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    @Override
    boolean sessionBound() {
        return true;
    }
}
