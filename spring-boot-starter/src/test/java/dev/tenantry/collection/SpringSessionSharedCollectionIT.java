package dev.tenantry.collection;

import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.RequiresCapability;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;

/**
 * The collection contract with {@link IsolationStrategy#SHARED}, every case through a session-bound {@code
 * MongoTemplate}: each call goes to the driver view's {@code ClientSession} overload.
 */
@RequiresCapability(Capability.SESSIONS)
class SpringSessionSharedCollectionIT extends SpringSharedCollectionIT {

    private @Nullable ClientSession session;

    SpringSessionSharedCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    @Override
    TenantCollection<Document> open(TenantDatabase registry, String logical) {
        if (session == null) {
            session = client.startSession();
        }
        return ThroughMongoTemplate.openInSession(client, registry, logical, session);
    }

    @AfterAll
    void closeSession() {
        if (session != null) {
            session.close();
        }
    }
}
