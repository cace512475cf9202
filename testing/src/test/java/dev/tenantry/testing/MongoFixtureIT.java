package dev.tenantry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

@MongoTest
class MongoFixtureIT {

    private final MongoDatabase database;

    MongoFixtureIT(MongoDatabase database) {
        this.database = database;
    }

    @Test
    void handsOutAFreshDatabasePerClass(MongoClient client, MongoBackend backend) {
        assertTrue(database.getName().startsWith("t_mongofixtureit_"), database.getName());
        assertTrue(database.getName().length() <= 38);
        database.getCollection("c").insertOne(new Document("a", 1));
        assertEquals(1, client.getDatabase(database.getName()).getCollection("c").countDocuments());
        assertNotNull(backend.connectionString());
    }

    @Test
    void embeddedBackendReportsWhatTheFakeLacks(MongoBackend backend, MongoClient client) {
        if (!backend.isEmbedded()) {
            return;
        }
        assertFalse(backend.supports(Capability.TRANSACTIONS));
        assertTrue(backend.supports(Capability.SESSIONS));
        try (com.mongodb.client.ClientSession session = client.startSession()) {
            database.getCollection("s").insertOne(session, new Document("a", 1));
            assertEquals(1, database.getCollection("s").countDocuments(session),
                    "the fake announces sessions and ignores their ids, so ClientSession overloads work");
        }
        assertFalse(backend.supports(Capability.UNION_WITH));
        assertFalse(backend.supports(Capability.PARTIAL_UNIQUE_INDEXES));
    }

    @Test
    @RequiresCapability(Capability.UNION_WITH)
    void capabilityGatedTestRunsOnlyWhereTheFeatureExists(MongoBackend backend) {
        if (backend.isEmbedded()) {
            fail("the embedded server lacks $unionWith, so this test must have been skipped");
        }
        MongoCollection<Document> c = database.getCollection("u");
        c.insertOne(new Document("x", 1));
        List<Document> out = c.aggregate(List.of(new Document("$unionWith", "u"))).into(new java.util.ArrayList<>());
        assertEquals(2, out.size());
    }
}
