package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.MongoNamespace;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.testing.MongoBackend;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The collection contract through the Spring path: every case runs on the collection {@code MongoTemplate} runs its
 * operations on ({@link ThroughMongoTemplate}), plain or, where {@link #sessionBound()}, bound to a session.
 */
abstract class AbstractSpringCollectionIT extends AbstractTenantCollectionIT {

    private @Nullable ClientSession session;

    AbstractSpringCollectionIT(MongoBackend backend, MongoClient client, MongoDatabase database) {
        super(backend, client, database);
    }

    /** Whether every call goes through a session-bound {@code MongoTemplate} to the {@code ClientSession} overloads. */
    boolean sessionBound() {
        return false;
    }

    @Override
    TenantCollection<Document> open(TenantDatabase registry, String logical) {
        if (!sessionBound()) {
            return ThroughMongoTemplate.open(client, registry, logical);
        }
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
