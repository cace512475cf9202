package dev.tenantry.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Indexes;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.directory.TenantStatusException;
import dev.tenantry.export.DataExports;
import dev.tenantry.ExportFormat;
import dev.tenantry.export.ExportScope;
import dev.tenantry.export.ExportSink;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.session.UserSessions;
import dev.tenantry.spring.TenantMongoDatabaseFactory;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.SimpleMongoClientDatabaseFactory;

/**
 * The auto-configuration: {@code tenantry.*} properties in, beans out; each bean backs off when the application has
 * its own; two application contexts in one JVM do not affect each other.
 */
@MongoTest
class TenantryAutoConfigurationIT {

    private static final TenantId ACME = TenantId.of("acme");

    private final ApplicationContextRunner runner;

    TenantryAutoConfigurationIT(MongoBackend backend) {
        this.runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MongoAutoConfiguration.class,
                        DataMongoAutoConfiguration.class, TenantryAutoConfiguration.class,
                        TenantryObservabilityAutoConfiguration.class))
                .withPropertyValues("spring.mongodb.uri=" + backend.connectionString());
    }

    @Test
    void propertiesConfigureTheRegistryAndSpringDataUsesIt() {
        runner.withPropertyValues("spring.mongodb.database=acfg1", "tenantry.tenant-field=org",
                        "tenantry.tenant-database-prefix=t_", "tenantry.collections.orders.isolation=SHARED",
                        "tenantry.collections.invoices.isolation=DATABASE_PER_TENANT",
                        "tenantry.collections.notes.isolation=COLLECTION_PER_TENANT")
                .run(context -> {
                    TenantDatabase tenants = context.getBean(TenantDatabase.class);
                    assertEquals("acfg1", tenants.getName());
                    assertEquals("org", tenants.getTenantField());
                    assertEquals(List.of("orders", "invoices", "notes"), List.copyOf(tenants.getCollectionNames()));
                    assertEquals(IsolationStrategy.DATABASE_PER_TENANT, tenants.getIsolation("invoices"));
                    assertEquals("t_acme", tenants.namespaceFor("invoices", ACME).getDatabaseName());
                    assertThat(context).getBean(MongoDatabaseFactory.class)
                            .isInstanceOf(TenantMongoDatabaseFactory.class);
                    assertThat(context).hasSingleBean(MongoTemplate.class);
                });
    }

    @Test
    void theDatabasePropertyWinsOverSpringBoots() {
        runner.withPropertyValues("spring.mongodb.database=boot", "tenantry.database=mine",
                        "tenantry.collections.orders.isolation=SHARED")
                .run(context -> assertEquals("mine", context.getBean(TenantDatabase.class).getName()));
    }

    @Test
    void customizersRunAfterTheProperties() {
        runner.withPropertyValues("spring.mongodb.database=acfg2", "tenantry.collections.orders.isolation=SHARED")
                .withBean(TenantDatabaseCustomizer.class, () -> builder -> builder.collection("extra")
                        .index("orders", Indexes.ascending("number")))
                .run(context -> {
                    TenantDatabase tenants = context.getBean(TenantDatabase.class);
                    assertEquals(Set.of("orders", "extra"), tenants.getCollectionNames());
                    assertEquals(1, tenants.getIndexes("orders").size());
                });
    }

    /** An entity stored in a collection that only a customizer registers. */
    @org.springframework.data.mongodb.core.mapping.Document("custom_notes")
    static class CustomNote {
        @org.springframework.data.annotation.Id
        String id;
        @org.springframework.data.mongodb.core.index.Indexed
        String owner;
        @org.springframework.data.mongodb.core.index.Indexed(name = "by_title")
        String title;
    }

    /** The mapping context knows CustomNote, as an application's entity scan would. */
    @Configuration(proxyBeanMethods = false)
    static class CustomNotes {
        @Bean
        org.springframework.data.mongodb.core.mapping.MongoMappingContext mongoMappingContext() {
            var context = new org.springframework.data.mongodb.core.mapping.MongoMappingContext();
            context.setInitialEntitySet(Set.of(CustomNote.class));
            context.initialize();
            return context;
        }

        @Bean
        TenantDatabaseCustomizer customNotes() {
            // registers the collection and declares the owner index itself, unique, under the annotation's name
            return builder -> builder.collection("custom_notes", IsolationStrategy.SHARED).index("custom_notes",
                    Indexes.ascending("owner"), new com.mongodb.client.model.IndexOptions().name("owner").unique(true));
        }
    }

    @Test
    void indexAnnotationsReachCollectionsACustomizerRegistersAndItsOwnIndexesWin() {
        runner.withPropertyValues("spring.mongodb.database=acfg11", "tenantry.collections.orders.isolation=SHARED",
                        "tenantry.ensure-indexes-on-startup=false")
                .withUserConfiguration(CustomNotes.class).run(context -> {
                    assertThat(context).hasNotFailed();
                    List<com.mongodb.client.model.IndexModel> declared = context.getBean(TenantDatabase.class)
                            .getIndexes("custom_notes");
                    assertEquals(List.of("owner", "by_title"), declared.stream().map(i -> i.getOptions().getName())
                            .toList());
                    assertEquals(Boolean.TRUE, declared.get(0).getOptions().isUnique(), "the customizer's own");
                });
    }

    /** Reference data every tenant reads: stored in a global collection. */
    @org.springframework.data.mongodb.core.mapping.Document("plans")
    static class Plan {
        @org.springframework.data.annotation.Id
        String id;
        @org.springframework.data.mongodb.core.index.Indexed(unique = true)
        String name;

        Plan() {
        }

        Plan(String name) {
            this.name = name;
        }
    }

    /** The mapping context knows Plan, with Spring's automatic index creation on. */
    @Configuration(proxyBeanMethods = false)
    static class Plans {
        @Bean
        org.springframework.data.mongodb.core.mapping.MongoMappingContext mongoMappingContext() {
            var context = new org.springframework.data.mongodb.core.mapping.MongoMappingContext();
            context.setInitialEntitySet(Set.of(Plan.class));
            context.setAutoIndexCreation(true);
            context.initialize();
            return context;
        }
    }

    @Test
    void globalCollectionsServeEveryScopeAndTheirIndexesNeedNoTenantAtStartUp() {
        ApplicationContextRunner plans = runner.withUserConfiguration(Plans.class).withPropertyValues(
                "spring.mongodb.database=acfg12", "tenantry.collections.orders.isolation=SHARED",
                "spring.data.mongodb.auto-index-creation=true");
        plans.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'plans'")
                    .hasMessageContaining("tenantry.global-collections");
        });
        plans.withPropertyValues("tenantry.global-collections=plans").run(context -> {
            assertThat(context).hasNotFailed();
            MongoClient client = context.getBean(MongoClient.class);
            List<String> indexes = client.getDatabase("acfg12").getCollection("plans").listIndexes()
                    .map(i -> i.getString("name")).into(new ArrayList<>());
            assertThat(indexes).contains("name");
            MongoTemplate template = context.getBean(MongoTemplate.class);
            Tenants.run(ACME, () -> template.insert(new Plan("pro")));
            template.insert(new Plan("free"));
            assertEquals(2, Tenants.call(TenantId.of("globex"), () -> template.findAll(Plan.class)).size());
            assertEquals(0, client.getDatabase("acfg12").getCollection("plans")
                    .countDocuments(new Document("tenantId", new Document("$exists", true))), "nothing stamped");
            assertThrows(TenantViolationException.class, () -> Tenants.run(ACME, () -> template.aggregate(
                    org.springframework.data.mongodb.core.aggregation.Aggregation.newAggregation(
                            org.springframework.data.mongodb.core.aggregation.Aggregation.lookup("orders", "name",
                                    "name", "stolen")), "plans", Document.class)));
            client.getDatabase("acfg12").drop();
        });
    }

    @Test
    void withoutCollectionsStartUpFailsSayingWhatToSet() {
        runner.withPropertyValues("spring.mongodb.database=acfg3").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("register at least one");
            assertThat(context.getStartupFailure()).hasStackTraceContaining("tenantry.collections.<name>.isolation");
        });
    }

    /** An application's own registry. */
    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {
        @Bean
        TenantDatabase ownTenants(MongoClient client) {
            return TenantDatabase.builder(client, "own").collection("own_orders").build();
        }
    }

    @Test
    void beansBackOffWhenTheApplicationDefinesItsOwn() {
        // No tenantry.collections: the auto-configured registry would fail, so it must not be built.
        runner.withPropertyValues("spring.mongodb.database=acfg4").withUserConfiguration(OwnRegistry.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    TenantDatabase tenants = context.getBean(TenantDatabase.class);
                    assertEquals(Set.of("own_orders"), tenants.getCollectionNames());
                    assertThat(context).getBean(TenantMongoDatabaseFactory.class)
                            .extracting(TenantMongoDatabaseFactory::getTenantDatabase).isSameAs(tenants);
                });
        runner.withPropertyValues("spring.mongodb.database=acfg4", "tenantry.collections.orders.isolation=SHARED")
                .withBean("ownFactory", MongoDatabaseFactory.class,
                        () -> new SimpleMongoClientDatabaseFactory("mongodb://localhost/own"))
                .run(context -> {
                    // Spring Boot then makes no MongoClient either; the application's factory is used as it is.
                    assertThat(context).doesNotHaveBean(TenantMongoDatabaseFactory.class);
                    assertThat(context).getBean(MongoDatabaseFactory.class)
                            .isInstanceOf(SimpleMongoClientDatabaseFactory.class);
                });
    }

    @Test
    void auditDirectoryAndRateLimitsFromPropertiesAreWiredTogether() {
        runner.withPropertyValues("spring.mongodb.database=acfg8", "tenantry.collections.orders.isolation=SHARED",
                        "tenantry.audit.enabled=true", "tenantry.audit.asynchronous=false",
                        "tenantry.audit.collections=orders", "tenantry.directory.enabled=true",
                        "tenantry.directory.plans=free,pro", "tenantry.rate-limit.enabled=true",
                        "tenantry.rate-limit.plans.free.bandwidths[0].capacity=2",
                        "tenantry.rate-limit.plans.free.bandwidths[0].period=1h",
                        "tenantry.rate-limit.plans.pro.bandwidths[0].capacity=100")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    TenantDirectory directory = context.getBean(TenantDirectory.class);
                    RateLimiter limiter = context.getBean(RateLimiter.class);
                    MongoTemplate template = context.getBean(MongoTemplate.class);
                    MongoClient client = context.getBean(MongoClient.class);
                    try {
                        Tenants.runAsSystem("test: create a tenant", () -> directory.create(ACME, "Acme", "free"));
                        Tenants.run(ACME, () -> template.insert(new Document("n", 1), "orders"));
                        Tenants.runAsSystem("test: read every tenant's orders",
                                () -> assertEquals(1, template.findAll(Document.class, "orders").size()));
                        // The write and the system-scope entry were recorded, each in its tenant's log.
                        List<Document> log = client.getDatabase("acfg8").getCollection(AuditTrail.DEFAULT_COLLECTION)
                                .find().into(new ArrayList<>());
                        assertThat(log).anySatisfy(e -> assertThat(e.toJson()).contains("CREATE")
                                .contains("\"targetType\": \"orders\"").contains("acme"));
                        assertThat(log).anySatisfy(e -> assertThat(e.toJson()).contains("SYSTEM_ACCESS")
                                .contains("read every tenant's orders"));
                        // The plan comes from the directory.
                        assertThat(limiter.plans()).containsExactlyInAnyOrder("free", "pro");
                        assertThat(limiter.tryAcquire(RateLimitKey.tenant(ACME)).allowed()).isTrue();
                        assertThat(limiter.tryAcquire(RateLimitKey.tenant(ACME)).allowed()).isTrue();
                        assertThat(limiter.tryAcquire(RateLimitKey.tenant(ACME)).allowed()).isFalse();
                        // A suspended tenant's work is refused by the directory's guard on this registry.
                        Tenants.runAsSystem("test: suspend", () -> directory.suspend(ACME));
                        assertThrows(TenantStatusException.class, () -> Tenants.run(ACME,
                                () -> template.findAll(Document.class, "orders")));
                    } finally {
                        client.getDatabase("acfg8").drop();
                    }
                });
    }

    @Test
    void healthIndicatorAndMetersReportWithoutTenantTags() {
        runner.withPropertyValues("spring.mongodb.database=acfg9", "tenantry.collections.orders.isolation=SHARED",
                        "tenantry.audit.enabled=true", "tenantry.audit.asynchronous=false",
                        "tenantry.audit.collections=orders", "tenantry.rate-limit.enabled=true",
                        "tenantry.rate-limit.default-plan=free",
                        "tenantry.rate-limit.plans.free.bandwidths[0].capacity=1", "tenantry.exports.enabled=true",
                        "tenantry.directory.enabled=true")
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    org.springframework.boot.health.contributor.Health health = context.getBean(
                            "tenantryHealthIndicator", HealthIndicator.class).health();
                    assertEquals(Status.UP, health.getStatus(), "" + health.getDetails());
                    assertThat(health.getDetails().toString()).contains("mongodb").contains("audit");

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    context.getBean("tenantryAuditMeters", MeterBinder.class).bindTo(registry);
                    Tenants.run(ACME, () -> context.getBean(MongoTemplate.class).insert(new Document("n", 1),
                            "orders"));
                    assertEquals(1.0, registry.get("tenantry.audit.written").functionCounter().count());
                    RateLimiter limiter = context.getBean(RateLimiter.class);
                    limiter.tryAcquire(RateLimitKey.tenant(ACME));
                    limiter.tryAcquire(RateLimitKey.tenant(ACME));
                    assertEquals(1.0, registry.get("tenantry.ratelimit.decisions").tag("plan", "free")
                            .tag("outcome", "allowed").counter().count());
                    assertEquals(1.0, registry.get("tenantry.ratelimit.decisions").tag("outcome", "refused")
                            .counter().count());
                    DataExports exports = context.getBean(DataExports.class);
                    String exportId = Tenants.call(ACME, () -> exports.request(ExportScope.tenant(), ExportFormat.JSON,
                            "alice").id());
                    Tenants.run(ACME, () -> exports.run(exportId, ExportSink.to(new ByteArrayOutputStream())));
                    assertEquals(1.0, registry.get("tenantry.exports.runs").tag("status", "COMPLETED").counter()
                            .count());
                    TenantDirectory directory = context.getBean(TenantDirectory.class);
                    context.getBean("tenantryPurgeMeters", MeterBinder.class).bindTo(registry);
                    Tenants.runAsSystem("test: purge", () -> {
                        directory.create(ACME, "Acme", "free");
                        directory.scheduleDeletion(ACME, Duration.ZERO);
                        directory.purgeDue();
                    });
                    assertEquals(1.0, registry.get("tenantry.directory.purges").counter().count());
                    assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                            .noneMatch(tag -> tag.getValue().equals(ACME.value())));
                    context.getBean(MongoClient.class).getDatabase("acfg9").drop();
                });
    }

    @Test
    void exportsAndSessionsFromProperties() {
        runner.withPropertyValues("spring.mongodb.database=acfg10", "tenantry.collections.orders.isolation=SHARED",
                        "tenantry.exports.enabled=true", "tenantry.exports.max-active-per-tenant=3",
                        "tenantry.sessions.enabled=true", "tenantry.sessions.idle-timeout=5m")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataExports.class)
                            .hasSingleBean(UserSessions.class);
                    context.getBean(MongoClient.class).getDatabase("acfg10").drop();
                });
        runner.withPropertyValues("spring.mongodb.database=acfg10", "tenantry.collections.orders.isolation=SHARED")
                .run(context -> assertThat(context).doesNotHaveBean(DataExports.class)
                        .doesNotHaveBean(UserSessions.class).doesNotHaveBean(AuditTrail.class)
                        .doesNotHaveBean(TenantDirectory.class).doesNotHaveBean(RateLimiter.class));
    }

    @Test
    void disabledLeavesSpringBootsFactory() {
        runner.withPropertyValues("spring.mongodb.database=acfg5", "tenantry.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(TenantDatabase.class);
                    assertThat(context).getBean(MongoDatabaseFactory.class)
                            .isInstanceOf(SimpleMongoClientDatabaseFactory.class);
                });
    }

    @Test
    void twoContextsInOneJvmDoNotAffectEachOther() {
        runner.withPropertyValues("spring.mongodb.database=acfg6", "tenantry.collections.orders.isolation=SHARED")
                .run(first -> runner.withPropertyValues("spring.mongodb.database=acfg7",
                                "tenantry.tenant-field=org", "tenantry.collections.orders.isolation=SHARED")
                        .run(second -> {
                            TenantDatabase one = first.getBean(TenantDatabase.class);
                            one.addScopeGuard(tenant -> {
                                throw new TenantViolationException("tenant '" + tenant + "' is suspended here");
                            });
                            MongoTemplate mine = first.getBean(MongoTemplate.class);
                            MongoTemplate theirs = second.getBean(MongoTemplate.class);
                            Tenants.run(ACME, () -> {
                                assertThrows(TenantViolationException.class,
                                        () -> mine.insert(new Document("n", 1), "orders"));
                                theirs.insert(new Document("n", 1), "orders");
                                assertEquals(1, theirs.findAll(Document.class, "orders").size());
                            });
                            Document stored = second.getBean(MongoClient.class).getDatabase("acfg7")
                                    .getCollection("orders").find().first();
                            assertEquals("acme", stored.getString("org"), "the second context's own tenant field");
                            second.getBean(MongoClient.class).getDatabase("acfg7").drop();
                        }));
    }
}
