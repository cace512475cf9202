package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** The public form of the tenant-scoped index rule. */
class TenantIndexesTest {

    @Test
    void keysLeadWithTheTenantFieldAndKeepTheNameOfTheKeysAsGiven() {
        IndexModel scoped = TenantIndexes.tenantLeading("businessId", new IndexModel(
                Indexes.compoundIndex(Indexes.ascending("email"), Indexes.descending("createdAt")),
                new IndexOptions().unique(true)));
        assertEquals(BsonDocument.parse("{businessId: 1, email: 1, createdAt: -1}"), scoped.getKeys().toBsonDocument());
        assertEquals("email_1_createdAt_-1", scoped.getOptions().getName());
        assertTrue(scoped.getOptions().isUnique());
    }

    @Test
    void aGivenNameIsKeptAndTheCallersOptionsAreLeftAlone() {
        IndexOptions options = new IndexOptions();
        IndexModel scoped = TenantIndexes.tenantLeading("tenantId", new IndexModel(Indexes.ascending("tenantId",
                "email"), options.name("by_email")));
        assertEquals(BsonDocument.parse("{tenantId: 1, email: 1}"), scoped.getKeys().toBsonDocument());
        assertEquals("by_email", scoped.getOptions().getName());
        IndexModel unnamed = TenantIndexes.tenantLeading("tenantId", new IndexModel(Indexes.ascending("email")));
        assertEquals("email_1", unnamed.getOptions().getName());
    }

    @Test
    void aTtlIndexThatIsNotUniqueKeepsItsSingleKey() {
        IndexModel ttl = TenantIndexes.tenantLeading("tenantId", new IndexModel(Indexes.ascending("expiresAt"),
                new IndexOptions().expireAfter(0L, TimeUnit.SECONDS)));
        assertEquals(BsonDocument.parse("{expiresAt: 1}"), ttl.getKeys().toBsonDocument());
    }

    @Test
    void anEmptyTenantFieldIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TenantIndexes.tenantLeading("",
                new IndexModel(Indexes.ascending("email"))));
    }
}
