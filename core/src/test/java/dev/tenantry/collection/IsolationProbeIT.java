package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The probe users attach in their own tests: quiet for scoped code, loud and specific for anything else. */
@MongoTest
class IsolationProbeIT {

    @Test
    void flagsEachUnscopedCommandOnTenantDataAndNamesIt(MongoBackend backend, MongoDatabase database) {
        TenantDatabase registry = TenantDatabase.builder(backend.newClient(), database.getName())
                .collection("orders").collection("invoices", IsolationStrategy.COLLECTION_PER_TENANT).build();
        IsolationProbe probe = registry.newIsolationProbe();
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(probe))) {
            MongoDatabase db = client.getDatabase(database.getName());
            MongoCollection<Document> orders = db.getCollection("orders");
            orders.insertOne(new Document("item", "no tenant"));
            orders.find().first();
            orders.updateMany(new Document(), Updates.set("x", 1));
            orders.deleteMany(Filters.eq("x", 1));
            orders.aggregate(List.of(new Document("$match", new Document()))).into(new ArrayList<>());
            orders.createIndex(Indexes.ascending("email"));
            db.getCollection("invoices__acme").countDocuments();
            db.getCollection("unregistered").find().first();
            db.getCollection("invoices").find().first();

            List<String> violations = probe.violations();
            assertEquals(7, violations.size(), String.join("\n", violations));
            assertTrue(violations.get(0).startsWith("insert on " + database.getName() + ".orders"));
            assertTrue(violations.get(5).contains("does not lead with tenant field 'tenantId'"));
            assertTrue(violations.get(6).contains("invoices__acme"));
            AssertionError error = assertThrows(AssertionError.class, probe::assertNoViolations);
            assertTrue(error.getMessage().startsWith("7 command(s)"), error.getMessage());
        }
    }

    @Test
    void staysQuietForScopedCode(MongoBackend backend, MongoDatabase database) {
        TenantDatabase plain = TenantDatabase.builder(backend.newClient(), database.getName())
                .collection("things", IsolationStrategy.COLLECTION_PER_TENANT).collection("refs").build();
        IsolationProbe probe = plain.newIsolationProbe();
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(probe))) {
            TenantDatabase tdb = TenantDatabase.builder(client, database.getName())
                    .collection("things", IsolationStrategy.COLLECTION_PER_TENANT).collection("refs").build();
            TenantCollection<Document> things = tdb.getCollection("things");
            Tenants.run(TenantId.of("acme"), () -> {
                things.insertOne(new Document("k", 1));
                tdb.getCollection("refs").insertOne(new Document("k", 1));
                things.createIndex(Indexes.ascending("k"));
                things.find(Filters.eq("k", 1)).first();
                things.updateOne(Filters.eq("k", 1), Updates.set("v", 2));
                things.aggregate(List.of(new Document("$lookup", new Document("from", "refs")
                        .append("localField", "k").append("foreignField", "k").append("as", "r"))))
                        .into(new ArrayList<>());
                things.deleteMany(new Document());
            });
            probe.assertNoViolations();
            assertTrue(probe.commandsChecked() >= 7, "checked " + probe.commandsChecked());
        }
    }
}
