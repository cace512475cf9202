package dev.tenantry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The embedded server on its own, whatever backend the fixture chose. */
class EmbeddedMongoIT {

    @Test
    void embeddedServerStopsAndRestartsWithItsData() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start();
             MongoClient client = com.mongodb.client.MongoClients.create(
                     com.mongodb.MongoClientSettings.builder()
                             .applyConnectionString(mongo.connectionString())
                             .applyToClusterSettings(c -> c.serverSelectionTimeout(
                                     500, java.util.concurrent.TimeUnit.MILLISECONDS))
                             .build())) {
            MongoCollection<Document> c = client.getDatabase("d").getCollection("c");
            c.insertOne(new Document("k", 1));
            int port = mongo.port();
            mongo.stop();
            assertFalse(mongo.isRunning());
            assertThrows(MongoException.class, c::countDocuments);
            mongo.restart();
            assertEquals(port, mongo.port());
            assertEquals(1, c.countDocuments());
        }
    }

    @Test
    void badPortIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddedMongo.startOn(70_000));
        assertTrue(e.getMessage().contains("70000"));
    }
}
