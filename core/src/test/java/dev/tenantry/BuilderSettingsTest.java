package dev.tenantry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Indexes;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.OverflowPolicy;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.collection.WriteListener;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExports;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.session.UserSessions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each builder hands its implementation one immutable settings object: every setting arrives under its own name (two
 * of one type cannot trade places), and changing the builder afterwards changes no settings already taken.
 */
class BuilderSettingsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    /** A client that never connects: building settings sends nothing. */
    private static MongoClient client;

    @BeforeAll
    static void client() {
        client = MongoClients.create("mongodb://localhost:1/?serverSelectionTimeoutMS=1");
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void auditTrailSettingsKeepEachDurationAndCountUnderItsName() {
        byte[] key = new byte[32];
        key[0] = 7;
        AuditTrail.Builder builder = AuditTrail.builder(client, "app").tenantField("org").collectionName("Log")
                .clock(CLOCK).hmacKey(key).asynchronous(500, 20, Duration.ofMillis(30))
                .overflow(OverflowPolicy.BLOCK_WITH_TIMEOUT, Duration.ofMillis(40))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(60)).closeTimeout(Duration.ofMillis(70))
                .writeTimeout(Duration.ofMillis(80));
        AuditTrail.Settings settings = builder.settings();

        assertSame(client, settings.client());
        assertEquals("app", settings.databaseName());
        assertEquals("org", settings.tenantField());
        assertEquals("Log", settings.collectionName());
        assertSame(CLOCK, settings.clock());
        assertTrue(settings.asynchronous());
        assertEquals(500, settings.queueCapacity());
        assertEquals(20, settings.batchSize());
        assertEquals(Duration.ofMillis(30), settings.maxBatchDelay());
        assertEquals(OverflowPolicy.BLOCK_WITH_TIMEOUT, settings.overflowPolicy());
        assertEquals(Duration.ofMillis(40), settings.overflowTimeout());
        assertEquals(Duration.ofMillis(50), settings.minBackoff());
        assertEquals(Duration.ofMillis(60), settings.maxBackoff());
        assertEquals(Duration.ofMillis(70), settings.closeTimeout());
        assertEquals(Duration.ofMillis(80), settings.writeTimeout());
        assertNull(settings.deadLetterFile());

        key[0] = 8; // the caller's array, changed after the fact, is not the settings' key
        byte[] kept = settings.hmacKey();
        assertTrue(settings.hasHmacKey());
        assertEquals(7, kept[0]);
        kept[0] = 9; // nor is the copy handed out
        assertEquals(7, settings.hmacKey()[0]);

        builder.collectionName("Other").writeTimeout(Duration.ofMillis(90));
        assertEquals("Log", settings.collectionName(), "settings taken earlier do not follow the builder");
        assertEquals(Duration.ofMillis(80), settings.writeTimeout());
    }

    @Test
    void auditTrailSettingsRefuseAnOverflowPolicyWithoutAQueue() {
        AuditTrail.Builder builder = AuditTrail.builder(client, "app")
                .overflow(OverflowPolicy.DROP, Duration.ofMillis(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::settings);
        assertTrue(e.getMessage().contains("DROP"), e.getMessage());
    }

    @Test
    void tenantDatabaseSettingsAreACopyOfTheRegistrations() {
        WriteListener listener = event -> { };
        TenantDatabase.Builder builder = TenantDatabase.builder(client, "app").tenantField("org")
                .collection("customers").collection("ledgers", IsolationStrategy.COLLECTION_PER_TENANT)
                .index("customers", Indexes.ascending("email")).writeListener(listener, "customers");
        TenantDatabase.Settings settings = builder.settings();

        assertEquals("app", settings.databaseName());
        assertEquals("org", settings.tenantField());
        assertEquals("app_", settings.tenantDatabasePrefix(), "the default prefix, resolved");
        assertEquals(List.of("customers", "ledgers"), List.copyOf(settings.collections().keySet()));
        assertEquals(IsolationStrategy.COLLECTION_PER_TENANT, settings.collections().get("ledgers"));
        assertEquals(Map.of("customers", List.of(listener)), settings.writeListeners());
        assertEquals(new BsonDocument("email", new BsonInt32(1)),
                settings.indexes().get("customers").get(0).getKeys());
        assertNotSame(settings.indexes().get("customers").get(0), settings.indexes().get("customers").get(0),
                "each call hands out its own copies of the declared indexes");

        builder.collection("later").tenantDatabasePrefix("t_");
        assertFalse(settings.collections().containsKey("later"), "settings taken earlier do not follow the builder");
        assertEquals("app_", settings.tenantDatabasePrefix());
        assertThrows(UnsupportedOperationException.class,
                () -> settings.collections().put("sneaky", IsolationStrategy.SHARED));
    }

    @Test
    void sessionSettingsKeepIdleTimeoutAndLifetimeApart() {
        UserSessions.Settings settings = UserSessions.builder(client, "app").collectionName("Sessions")
                .tenantField("org").clock(CLOCK).idleTimeout(Duration.ofMinutes(5)).maxLifetime(Duration.ofHours(1))
                .settings();

        assertEquals("Sessions", settings.collectionName());
        assertEquals("org", settings.tenantField());
        assertSame(CLOCK, settings.clock());
        assertEquals(Duration.ofMinutes(5), settings.idleTimeout());
        assertEquals(Duration.ofHours(1), settings.maxLifetime());
        assertNull(settings.auditTrail());
        assertThrows(IllegalStateException.class, () -> UserSessions.builder(client, "app")
                .idleTimeout(Duration.ofHours(2)).maxLifetime(Duration.ofHours(1)).settings());
    }

    @Test
    void exportSettingsKeepEachCapAndDurationUnderItsName() {
        TenantDatabase data = TenantDatabase.builder(client, "app").collection("customers").build();
        DataExports.Builder builder = DataExports.builder(client, "app", data).validity(Duration.ofDays(2))
                .lease(Duration.ofMinutes(3)).maxActivePerRequester(4).maxActivePerTenant(5).clock(CLOCK)
                .secretFields("Pin").userReference("customers", "ownerId");
        DataExports.Settings settings = builder.settings();

        assertSame(data, settings.tenantDatabase());
        assertEquals(Duration.ofDays(2), settings.validity());
        assertEquals(Duration.ofMinutes(3), settings.lease());
        assertEquals(4, settings.maxActivePerRequester());
        assertEquals(5, settings.maxActivePerTenant());
        assertEquals(Set.of("pin"), settings.secretFields());
        assertEquals(Map.of("customers", List.of("ownerId")), settings.userReferences());

        builder.userReference("customers", "createdBy");
        assertEquals(List.of("ownerId"), settings.userReferences().get("customers"),
                "settings taken earlier do not follow the builder");
        assertThrows(IllegalStateException.class, () -> DataExports.builder(client, "app", data)
                .maxActivePerRequester(6).maxActivePerTenant(5).settings());
    }

    @Test
    void directorySettingsKeepWhatWasSet() {
        TenantDirectory.Settings settings = TenantDirectory.builder(client, "app").collectionName("orgs")
                .clock(CLOCK).cacheFor(Duration.ZERO).plans("free", "pro").settings();

        assertEquals("orgs", settings.collectionName());
        assertSame(CLOCK, settings.clock());
        assertEquals(Duration.ZERO, settings.cacheFor());
        assertEquals(Set.of("free", "pro"), settings.plans());
        assertNull(settings.tenantDatabase());
        assertNull(settings.auditTrail());
    }

    @Test
    void rateLimiterSettingsKeepThePlansResolverClockAndCache() {
        RateLimiter.Settings settings = RateLimiter.builder()
                .plan("FREE", Bandwidth.of(10, Duration.ofMinutes(1)))
                .plan("PRO", Bandwidth.of(100, Duration.ofMinutes(1)))
                .everyTenantOn("PRO").clock(CLOCK).planCache(Duration.ofSeconds(5)).settings();

        assertEquals(Set.of("FREE", "PRO"), settings.plans().keySet());
        assertEquals("PRO", settings.planResolver().planOf(TenantId.of("acme")));
        assertSame(CLOCK, settings.clock());
        assertEquals(Duration.ofSeconds(5), settings.planCache());
        assertThrows(IllegalStateException.class, () -> RateLimiter.builder()
                .plan("FREE", Bandwidth.of(1, Duration.ofMinutes(1))).everyTenantOn("PRO").settings());
    }
}
