package dev.tenantry.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead-letter place never throws: when its collection or file cannot be written, the entries go to the log. */
class DeadLettersTest {

    private static final AuditStore.Pending ENTRY = new AuditStore.Pending(TenantId.of("acme"), new ObjectId(),
            Instant.EPOCH, AuditEvent.of(AuditAction.LOGIN).target("session", "s1").build());

    @Test
    void aClosedClientSendsTheEntriesToTheLogInsteadOfThrowing() {
        MongoClient client = MongoClients.create("mongodb://127.0.0.1:1"); // never reached: it is closed first
        client.close(); // as at JVM shutdown, when the application's own hook closed its client first
        DeadLetters deadLetters = new DeadLetters(client.getDatabase("app").getCollection("AuditLogDeadLetters",
                BsonDocument.class), null, new AuditCodec("tenantId", null), Clock.systemUTC());
        assertEquals("log", deadLetters.put(List.of(ENTRY), "test"));
    }

    @Test
    void aFileKeepsEachEntryWholeOnOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dead.ndjson");
        MongoClient client = MongoClients.create("mongodb://127.0.0.1:1");
        client.close();
        DeadLetters deadLetters = new DeadLetters(client.getDatabase("app").getCollection("x", BsonDocument.class),
                file, new AuditCodec("tenantId", null), Clock.systemUTC());
        assertEquals("file " + file, deadLetters.put(List.of(ENTRY, ENTRY), "why"));
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        BsonDocument kept = BsonDocument.parse(lines.get(0));
        assertEquals(ENTRY.id(), kept.getObjectId("_id").getValue());
        assertEquals("why", kept.getString("deadLetterReason").getValue());
        assertTrue(!kept.containsKey("seq") && !kept.containsKey("hash"), "no place in a chain: " + kept);
        Path unwritable = dir.resolve("missing-folder").resolve("dead.ndjson");
        assertEquals("log", new DeadLetters(client.getDatabase("app").getCollection("x", BsonDocument.class),
                unwritable, new AuditCodec("tenantId", null), Clock.systemUTC()).put(List.of(ENTRY), "why"));
    }
}
