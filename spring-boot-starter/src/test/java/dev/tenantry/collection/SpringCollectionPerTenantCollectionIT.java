package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The collection contract with {@link IsolationStrategy#COLLECTION_PER_TENANT}, every case through {@code MongoTemplate}. */
class SpringCollectionPerTenantCollectionIT extends AbstractTenantCollectionIT {

    SpringCollectionPerTenantCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.COLLECTION_PER_TENANT;
    }

    @Override
    TenantCollection<Document> open(TenantDatabase registry, String logical) {
        return ThroughMongoTemplate.open(client, registry, logical);
    }

    /**
     * The driver view answers the logical namespace in every strategy (a framework hands it back to the database to
     * find the collection again); the physical one stays {@code TenantDatabase.namespaceFor}.
     */
    @Test
    @Override
    void namespaceFollowsTheStrategy() {
        MongoNamespace ns = as(B, () -> items.getNamespace());
        assertEquals(new MongoNamespace(tdb.getName(), "items"), ns);
        assertEquals(5, as(B, () -> tdb.asMongoDatabase().getCollection(ns.getCollectionName()).countDocuments()),
                "handed back, the namespace finds the tenant's collection");
    }
}
