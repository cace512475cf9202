package dev.tenantry.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationProbe;
import dev.tenantry.collection.Probes;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Writes through an audited tenant-scoped collection populate the audit log by themselves. */
@MongoTest
class AuditedCollectionIT {

    private static final TenantId ACME = TenantId.of("acme");

    @Test
    void everyKindOfWriteIsRecordedWithItsTargetAndActor(MongoBackend backend, MongoClient raw,
                                                         MongoDatabase database) {
        Thread testThread = Thread.currentThread();
        List<String> callerCommands = new CopyOnWriteArrayList<>();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (Thread.currentThread() == testThread) {
                    callerCommands.add(event.getCommandName());
                }
            }
        };
        IsolationProbe auditProbe = TenantDatabase.builder(raw, database.getName())
                .collection(AuditTrail.DEFAULT_COLLECTION).collection(AuditTrail.DEFAULT_COLLECTION + "Heads").build()
                .newIsolationProbe();
        IsolationProbe dataProbe = TenantDatabase.builder(raw, database.getName())
                .collection("customers").collection("notes").build().newIsolationProbe();
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(counter).addCommandListener(auditProbe)
                .addCommandListener(dataProbe))) {
            AuditTrail trail = AuditTrail.builder(client, database.getName()).asynchronous().build();
            TenantDatabase db = TenantDatabase.builder(client, database.getName()).collection("customers")
                    .collection("notes").writeListener(trail.writeListener(), "customers").build();
            TenantCollection<Document> customers = db.getCollection("customers");
            AuditContext.actor("ada", "user").withRequest("10.1.1.1", "browser", "r-9").run(() -> Tenants.run(ACME,
                    () -> {
                        callerCommands.clear();
                        customers.insertOne(new Document("_id", "c1").append("name", "Ada").append("password", "x"));
                        assertEquals(List.of("insert"), callerCommands, "auditing adds no round trip to the caller");
                        customers.insertMany(List.of(new Document("_id", "c2"), new Document("_id", "c3")));
                        customers.updateOne(Filters.eq("_id", "c1"), Updates.combine(Updates.set("name", "Ada L."),
                                Updates.unset("password")));
                        customers.updateMany(Filters.in("_id", "c2", "c3"), Updates.set("tier", "gold"));
                        customers.replaceOne(Filters.eq("_id", "c2"), new Document("name", "Bea"));
                        customers.updateOne(Filters.eq("_id", "c4"), Updates.set("name", "Cy"),
                                new UpdateOptions().upsert(true));
                        customers.findOneAndUpdate(Filters.eq("name", "Cy"), Updates.inc("visits", 1),
                                new FindOneAndUpdateOptions());
                        customers.deleteOne(Filters.eq("_id", "c3"));
                        customers.findOneAndDelete(Filters.eq("_id", "c4"));
                        customers.deleteMany(Filters.eq("_id", "nobody"));
                        customers.bulkWrite(List.of(new InsertOneModel<>(new Document("_id", "c5"))));
                        db.getCollection("notes").insertOne(new Document("text", "not audited"));
                    }));
            trail.close();
            List<AuditEntry> entries = new ArrayList<>(Tenants.call(ACME, () -> trail.query(AuditQuery.all()))
                    .entries());
            Collections.reverse(entries);
            List<String> described = new ArrayList<>();
            for (AuditEntry e : entries) {
                described.add(e.action() + " " + e.event().targetType() + "/" + e.event().targetId() + " "
                        + e.event().summary());
                assertEquals("ada", e.actorId());
                assertEquals("10.1.1.1", e.event().ip());
                assertEquals("r-9", e.event().requestId());
            }
            assertEquals(List.of(
                    "CREATE customers/c1 null",
                    "CREATE customers/c2 null",
                    "CREATE customers/c3 null",
                    "UPDATE customers/c1 $set name; $unset password",
                    "UPDATE customers/null $set tier; filter on _id, 2 matched",
                    "UPDATE customers/c2 replaced",
                    "CREATE customers/c4 upserted; $set name",
                    "UPDATE customers/c4 $inc visits",
                    "DELETE customers/c3 null",
                    "DELETE customers/c4 null",
                    "CREATE customers/c5 null"), described);
            assertTrue(Tenants.call(ACME, trail::verify).intact());
            assertNull(AuditContext.current().orElse(null));
        }
        dataProbe.assertNoViolations();
        auditProbe.assertNoViolations();
    }
}
