package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Scoping happens on the client: each operation sends the commands the raw driver would send, and no more. */
@MongoTest
class RoundTripIT {

    private static final Set<String> MONITORING = Set.of("hello", "isMaster", "ismaster", "ping", "endSessions");

    @Test
    void everyScopedOperationIsOneCommand(MongoBackend backend, MongoDatabase database) {
        List<String> sent = new CopyOnWriteArrayList<>();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (!MONITORING.contains(event.getCommandName())) {
                    sent.add(event.getCommandName());
                }
            }
        };
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(counter))) {
            TenantDatabase tdb = TenantDatabase.builder(client, database.getName()).collection("items")
                    .collection("others", IsolationStrategy.COLLECTION_PER_TENANT).build();
            TenantCollection<Document> items = tdb.getCollection("items");
            Tenants.run(TenantId.of("a"), () -> {
                items.insertOne(new Document("k", 0)); // connects; not counted below
                List<Runnable> operations = List.of(
                        () -> items.find(Filters.eq("k", 0)).first(),
                        () -> items.insertOne(new Document("k", 1)),
                        () -> items.insertMany(List.of(new Document("k", 2), new Document("k", 3))),
                        () -> items.countDocuments(Filters.gt("k", 0)),
                        () -> items.estimatedDocumentCount(),
                        () -> items.distinct("k", Integer.class).into(new ArrayList<>()),
                        () -> items.updateOne(Filters.eq("k", 1), Updates.set("v", 1)),
                        () -> items.updateMany(Filters.gt("k", 1), Updates.inc("v", 1)),
                        () -> items.replaceOne(Filters.eq("k", 3), new Document("k", 3)),
                        () -> items.findOneAndUpdate(Filters.eq("k", 2), Updates.set("w", 1)),
                        () -> items.deleteOne(Filters.eq("k", 3)),
                        () -> items.bulkWrite(List.of(new UpdateOneModel<>(Filters.eq("k", 1), Updates.set("v", 4)),
                                new UpdateOneModel<>(Filters.eq("k", 2), Updates.set("v", 4)))),
                        () -> items.aggregate(List.of(Aggregates.match(Filters.gt("k", 0)),
                                Aggregates.group("$v", Accumulators.sum("n", 1)), Aggregates.sort(Sorts.ascending("_id")),
                                Aggregates.limit(10), Aggregates.project(new Document("n", 1))))
                                .into(new ArrayList<>()),
                        () -> items.aggregate(List.of(Aggregates.lookup("others", "k", "k", "o")))
                                .into(new ArrayList<>()));
                for (int i = 0; i < operations.size(); i++) {
                    sent.clear();
                    operations.get(i).run();
                    assertEquals(1, sent.size(), "operation " + i + " sent " + sent);
                }
            });
            // A mixed bulk write is one command per run of same-type writes, for the raw driver as for Tenantry.
            List<com.mongodb.client.model.WriteModel<Document>> mixed = List.of(
                    new InsertOneModel<>(new Document("k", 5)), new UpdateOneModel<>(Filters.eq("k", 5),
                            Updates.set("v", 5)));
            sent.clear();
            client.getDatabase(database.getName()).getCollection("raw").bulkWrite(mixed);
            List<String> raw = new ArrayList<>(sent);
            sent.clear();
            Tenants.run(TenantId.of("a"), () -> items.bulkWrite(List.of(new InsertOneModel<>(new Document("k", 6)),
                    new UpdateOneModel<>(Filters.eq("k", 6), Updates.set("v", 6)))));
            assertEquals(raw, sent);
        }
    }
}
