package dev.tenantry.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.OverflowPolicy;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.SoftDelete;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExports;
import dev.tenantry.ExportFormat;
import dev.tenantry.export.ExportScope;
import dev.tenantry.health.CheckResult;
import dev.tenantry.health.Health;
import dev.tenantry.health.HealthChecks;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.FailPolicy;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.session.UserSessions;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input to every public builder and method of core, family by family (durations, instants, counts, names, plans,
 * reserved actions, cursors): each fails at once with the documented exception, its message names the value and the
 * rule, and nothing in the database changed, checked against a snapshot of every collection and index after each one.
 */
@MongoTest
class BadInputSweepIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final String PREFIX = "sweep_";

    /** One bad input: what it is, the exception it must throw, and words its message must contain. */
    private record Case(String name, Class<? extends Throwable> thrown, List<String> says, Runnable action) {
    }

    /** An action given a value; run once per bad value. */
    @FunctionalInterface
    private interface Target<T> {
        void accept(T value) throws Exception;
    }

    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock();
    private final List<Case> cases = new ArrayList<>();
    private final List<Tenants.Registration> registrations = new ArrayList<>();
    private TenantDatabase tdb;
    private AuditTrail audit;
    private TenantDirectory directory;
    private DataExports exports;
    private RateLimiter limiter;

    BadInputSweepIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @BeforeEach
    void setUp() {
        tdb = TenantDatabase.builder(client, database.getName()).tenantDatabasePrefix(PREFIX)
                .collection("customers", IsolationStrategy.SHARED, SoftDelete.retainFor(Duration.ofDays(7)))
                .collection("invoices", IsolationStrategy.DATABASE_PER_TENANT).build();
        audit = AuditTrail.builder(client, database.getName()).clock(clock).build();
        directory = TenantDirectory.builder(client, database.getName()).clock(clock).tenantDatabase(tdb)
                .auditTrail(audit).build();
        limiter = RateLimiter.builder().plan("FREE", Bandwidth.of(5, Duration.ofHours(1)))
                .plan("PRO", Bandwidth.of(50, Duration.ofHours(1))).planResolver(directory.planResolver())
                .clock(clock).build();
        registrations.add(directory.addPlanListener(limiter.plans(), limiter::invalidatePlan));
        exports = DataExports.builder(client, database.getName(), tdb).clock(clock).build();
        UserSessions sessions = UserSessions.builder(client, database.getName()).clock(clock).build();
        directory.create(ACME, "Acme", "FREE");
        Tenants.run(ACME, () -> {
            tdb.getCollection("customers").insertOne(new Document("name", "Ann"));
            tdb.getCollection("invoices").insertOne(new Document("total", 12));
            audit.record(AuditAction.LOGIN, "session", "s1");
            exports.request(ExportScope.tenant(), ExportFormat.JSON, "ann");
            sessions.start("ann", "127.0.0.1", "test");
        });
    }

    @AfterEach
    void tearDown() {
        registrations.forEach(Tenants.Registration::close);
        audit.close();
        client.getDatabase(PREFIX + ACME.value()).drop();
    }

    // ---------------------------------------------------------------- the table

    private void add(String name, Class<? extends Throwable> thrown, Runnable action, String... says) {
        cases.add(new Case(name, thrown, List.of(says), action));
    }

    /** Every value to every target, each expecting {@code thrown} with {@code rule} and the value in its message. */
    private <T> void family(String rule, Class<? extends Throwable> thrown, List<T> values,
                            List<Named<T>> targets) {
        for (Named<T> target : targets) {
            for (T value : values) {
                String shown = String.valueOf(value);
                add(target.name() + "(" + shown + ")", thrown, () -> run(target, value), rule, shown);
            }
        }
    }

    private record Named<T>(String name, Target<T> target) {
    }

    private static <T> Named<T> named(String name, Target<T> target) {
        return new Named<>(name, target);
    }

    private static <T> void run(Named<T> target, T value) {
        try {
            target.target().accept(value);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unexpected checked exception", e);
        }
    }

    private void inAcme(Runnable action) {
        Tenants.run(ACME, action::run);
    }

    private void buildTable() {
        HealthCheckStub check = new HealthCheckStub();
        MongoDatabase db = database;

        // Durations that would overflow on first use, or that are negative.
        List<Duration> huge = List.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofDays(36_501),
                Duration.ofSeconds(Long.MAX_VALUE / 2, 999_999_999), Duration.ofDays(1_000_000));
        List<Duration> negative = List.of(Duration.ofSeconds(-1), Duration.ofNanos(-1), Duration.ofDays(-365),
                Duration.ofSeconds(Long.MIN_VALUE));
        List<Named<Duration>> anyLength = List.of(
                named("SoftDelete.retainFor", SoftDelete::retainFor),
                named("AuditTrail.purgeOlderThan", d -> inAcme(() -> audit.purgeOlderThan(d))),
                named("TenantDirectory.scheduleDeletion", d -> directory.scheduleDeletion(ACME, d)),
                named("TenantDirectory.Builder.cacheFor", d -> TenantDirectory.builder(client, "x").cacheFor(d)),
                named("RateLimiter.Builder.planCache", d -> RateLimiter.builder().planCache(d)),
                named("AuditTrail.Builder.closeTimeout", d -> AuditTrail.builder(client, "x").closeTimeout(d)),
                named("AuditTrail.close", audit::close));
        List<Named<Duration>> positiveOnly = List.of(
                named("Health.Builder.timeout", d -> Health.builder().timeout(d)),
                named("Health.Builder.readiness", d -> Health.builder().readiness("x", d, check)),
                named("Health.Builder.liveness", d -> Health.builder().liveness("x", d, check)),
                named("HealthChecks.mongoPing", d -> HealthChecks.mongoPing(db, d)),
                named("HealthChecks.rateLimitStore", d -> HealthChecks.rateLimitStore(db, "b", d)),
                named("UserSessions.Builder.idleTimeout", d -> UserSessions.builder(client, "x").idleTimeout(d)),
                named("UserSessions.Builder.maxLifetime", d -> UserSessions.builder(client, "x").maxLifetime(d)),
                named("RateLimiter.Builder.shared", d -> RateLimiter.builder().shared(db, "b", FailPolicy.CLOSED, d)),
                named("DataExports.Builder.validity", d -> DataExports.builder(client, "x", tdb).validity(d)),
                named("DataExports.Builder.lease", d -> DataExports.builder(client, "x", tdb).lease(d)),
                named("AuditTrail.Builder.writeTimeout", d -> AuditTrail.builder(client, "x").writeTimeout(d)),
                named("AuditTrail.Builder.overflow", d -> AuditTrail.builder(client, "x")
                        .overflow(OverflowPolicy.BLOCK_WITH_TIMEOUT, d)),
                named("AuditTrail.Builder.asynchronous", d -> AuditTrail.builder(client, "x").asynchronous(10, 10, d)),
                named("AuditTrail.Builder.retryBackoff", d -> AuditTrail.builder(client, "x").retryBackoff(d, d)));
        List<Named<Duration>> all = new ArrayList<>(anyLength);
        all.addAll(positiveOnly);
        family("at most 36500 days", IllegalArgumentException.class, huge, all);
        family("must", IllegalArgumentException.class, negative, all);
        family("must", IllegalArgumentException.class, List.of(Duration.ZERO), positiveOnly);
        add("Bandwidth.of(5, -1 s)", IllegalArgumentException.class, () -> Bandwidth.of(5, Duration.ofSeconds(-1)),
                "period", "PT-1S");
        add("Bandwidth.of(5, 100 years+)", IllegalArgumentException.class, () -> Bandwidth.of(5,
                Duration.ofSeconds(Long.MAX_VALUE)), "too fine-grained");

        // Instants a MongoDB date cannot hold, and ranges that are empty.
        List<Instant> unstorable = List.of(Instant.MIN, Instant.MAX, Instant.ofEpochSecond(Long.MIN_VALUE / 1000 - 1),
                Instant.ofEpochSecond(Long.MAX_VALUE / 1000 + 1));
        family("range a MongoDB date holds", IllegalArgumentException.class, unstorable, List.of(
                named("AuditQuery.between(from)", i -> AuditQuery.all().between(i, null)),
                named("AuditQuery.between(to)", i -> AuditQuery.all().between(null, i))));
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        add("AuditQuery.between(now, now)", IllegalArgumentException.class, () -> AuditQuery.all().between(now, now),
                "must be before", now.toString());
        add("AuditQuery.between(later, now)", IllegalArgumentException.class, () -> AuditQuery.all()
                .between(now.plusSeconds(1), now), "must be before");

        // Cursors are read strictly.
        family("malformed audit cursor", IllegalArgumentException.class, List.of("", "s", "s0", "s01", "s-1", "s+5",
                "S5", " s5", "s5 ", "s\uff15", "s99999999999999999999", "s9223372036854775808", "x5", "s5x", "s 5",
                "s1.0", "s1e3", "s0x1f", "\u0000s1"), List.of(named("AuditQuery.after", c -> AuditQuery.all()
                .after(c))));

        // Counts outside their range.
        family("must be", IllegalArgumentException.class, List.of(0, -1, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE),
                List.of(named("AuditQuery.limit", n -> AuditQuery.all().limit(n)),
                        named("DataExports.history", n -> inAcme(() -> exports.history(n))),
                        named("DataExports.history(ann)", n -> inAcme(() -> exports.history("ann", n))),
                        named("DataExports.Builder.maxActivePerRequester", n -> DataExports.builder(client, "x", tdb)
                                .maxActivePerRequester(n)),
                        named("DataExports.Builder.maxActivePerTenant", n -> DataExports.builder(client, "x", tdb)
                                .maxActivePerTenant(n))));
        family("audit queue capacity", IllegalArgumentException.class, List.of(0, -1, Integer.MIN_VALUE),
                List.of(named("AuditTrail.Builder.asynchronous(capacity)", n -> AuditTrail.builder(client, "x")
                        .asynchronous(n, 1, Duration.ofMillis(1)))));
        family("audit batch size", IllegalArgumentException.class, List.of(0, -1, 100_001),
                List.of(named("AuditTrail.Builder.asynchronous(batch)", n -> AuditTrail.builder(client, "x")
                        .asynchronous(10, n, Duration.ofMillis(1)))));
        family("permits", IllegalArgumentException.class, List.of(0L, -1L, Long.MIN_VALUE),
                List.of(named("RateLimiter.tryAcquire", n -> limiter.tryAcquire(RateLimitKey.tenant(ACME), n))));
        add("RateLimiter.tryAcquire(6 > capacity)", IllegalArgumentException.class,
                () -> limiter.tryAcquire(RateLimitKey.tenant(ACME), 6), "6", "FREE");
        add("HealthChecks.queue(-1)", IllegalArgumentException.class, () -> HealthChecks.queue(audit::stats, -1),
                "maxQueued", "-1");
        add("DataExports.Builder caps per requester > per tenant", IllegalStateException.class,
                () -> DataExports.builder(client, "x", tdb).maxActivePerRequester(5).maxActivePerTenant(4).build(),
                "(5)", "(4)");

        // Names of collections, buckets and fields the library creates.
        List<String> badNames = List.of("", "a$b", "a.b", " ", "system.x", "1abc", "x".repeat(65), "a b", "a\u0000b",
                "\u00e4", "$a", "-a");
        family("1-64 letters, digits, '_' or '-'", IllegalArgumentException.class, badNames, List.of(
                named("AuditTrail.Builder.collectionName", n -> AuditTrail.builder(client, "x").collectionName(n)),
                named("AuditTrail.Builder.tenantField", n -> AuditTrail.builder(client, "x").tenantField(n)),
                named("DataExports.Builder.collectionName", n -> DataExports.builder(client, "x", tdb)
                        .collectionName(n)),
                named("DataExports.Builder.bucketName", n -> DataExports.builder(client, "x", tdb).bucketName(n)),
                named("RateLimiter.Builder.shared(collection)", n -> RateLimiter.builder().shared(db, n,
                        FailPolicy.CLOSED, Duration.ofSeconds(1))),
                named("TenantDirectory.Builder.collectionName", n -> TenantDirectory.builder(client, "x")
                        .collectionName(n)),
                named("UserSessions.Builder.collectionName", n -> UserSessions.builder(client, "x")
                        .collectionName(n)),
                named("HealthChecks.rateLimitStore(collection)", n -> HealthChecks.rateLimitStore(db, n))));
        family("1-63 characters", IllegalArgumentException.class, List.of("", "a.b", "a b", "a/b", "a\\b", "a$b",
                "a\"b", "a*b", "a:b", "a|b", "a?b", "x".repeat(64)), List.of(
                named("AuditTrail.builder(database)", n -> AuditTrail.builder(client, n)),
                named("DataExports.builder(database)", n -> DataExports.builder(client, n, tdb)),
                named("TenantDirectory.builder(database)", n -> TenantDirectory.builder(client, n)),
                named("UserSessions.builder(database)", n -> UserSessions.builder(client, n))));
        add("AuditTrail.Builder.tenantField(_id)", IllegalArgumentException.class,
                () -> AuditTrail.builder(client, "x").tenantField("_id"), "_id");
        family("plain top-level field name", IllegalArgumentException.class, List.of("a.b", "$x", "", "a b"),
                List.of(named("SoftDelete.fields(deletedAt)", f -> SoftDelete.retainFor(Duration.ZERO)
                        .fields(f, "key")), named("SoftDelete.fields(deletionKey)", f -> SoftDelete
                        .retainFor(Duration.ZERO).fields("at", f))));
        add("SoftDelete.fields(_id, key)", IllegalArgumentException.class, () -> SoftDelete.retainFor(Duration.ZERO)
                .fields("_id", "key"), "_id", "every insert");
        add("SoftDelete.fields(at, _id)", IllegalArgumentException.class, () -> SoftDelete.retainFor(Duration.ZERO)
                .fields("at", "_id"), "_id");
        add("SoftDelete.fields(a, a)", IllegalArgumentException.class, () -> SoftDelete.retainFor(Duration.ZERO)
                .fields("a", "a"), "must differ", "a");
        List<Named<String>> requesters = List.of(named("DataExports.request", by -> inAcme(
                () -> exports.request(ExportScope.tenant(), ExportFormat.JSON, by))),
                named("DataExports.history(by)", by -> inAcme(() -> exports.history(by, 10))));
        for (Named<String> target : requesters) {
            for (String blank : List.of("", " ", "\t", "\n ")) {
                add(target.name() + "(blank)", IllegalArgumentException.class, () -> run(target, blank),
                        "requestedBy must not be blank");
            }
            add(target.name() + "(513 characters)", IllegalArgumentException.class,
                    () -> run(target, "x".repeat(513)), "requestedBy must be at most 512 characters, was 513");
        }
        add("DataExports.Builder.secretFields(blank)", IllegalArgumentException.class,
                () -> DataExports.builder(client, "x", tdb).secretFields("password", " "), "secret field name");
        add("DataExports.Builder.userReference(no fields)", IllegalArgumentException.class,
                () -> DataExports.builder(client, "x", tdb).userReference("customers"), "customers");
        add("Health.Builder.readiness(blank name)", IllegalArgumentException.class,
                () -> Health.builder().readiness(" ", check), "health check name");

        // Plans: what the rate limiter cannot decide for is refused where it is configured.
        add("RateLimiter.Builder.plan(P, null)", NullPointerException.class, () -> RateLimiter.builder()
                .plan("P", (Bandwidth) null), "bandwidth 1 of 1", "'P'", "null");
        add("RateLimiter.Builder.plan(P, bw, null)", NullPointerException.class, () -> RateLimiter.builder()
                .plan("P", Bandwidth.of(1, Duration.ofSeconds(1)), null), "bandwidth 2 of 2", "null");
        add("RateLimiter.Builder.plan(bad name)", IllegalArgumentException.class, () -> RateLimiter.builder()
                .plan("no spaces", Bandwidth.of(1, Duration.ofSeconds(1))), "rate limit name", "no spaces");
        add("RateLimiter.Builder.everyTenantOn(NOPE).build()", IllegalStateException.class, () -> RateLimiter
                .builder().plan("FREE", Bandwidth.of(1, Duration.ofSeconds(1))).everyTenantOn("NOPE").build(),
                "NOPE", "not defined", "FREE");
        for (String plan : List.of("UNKNOWN_PLAN", "GOLD", "free", "FREE2")) {
            add("TenantDirectory.changePlan(" + plan + ")", IllegalArgumentException.class,
                    () -> directory.changePlan(ACME, plan), plan, "not one of the plans");
            add("TenantDirectory.create(" + plan + ")", IllegalArgumentException.class,
                    () -> directory.create(TenantId.of("initech"), "Initech", plan), plan, "not one of the plans");
        }
        add("TenantDirectory.changePlan(no spaces)", IllegalArgumentException.class,
                () -> directory.changePlan(ACME, "no spaces"), "plan must be", "no spaces");
        add("TenantDirectory.Builder.plans()", IllegalArgumentException.class,
                () -> TenantDirectory.builder(client, "x").plans(), "at least one plan");

        // Actions the trail keeps for its own bookkeeping.
        for (String action : List.of("AUDIT_PURGE", "AUDIT_ANCHOR", "AUDIT_X")) {
            add("AuditTrail.record(" + action + ")", IllegalArgumentException.class, () -> inAcme(
                    () -> audit.record(AuditEvent.of(AuditAction.of(action)).target("AuditLog", "1").build())),
                    action, "reserved");
        }
        family("upper-case letters", IllegalArgumentException.class, List.of("", "login", "A B", "1A", "A-B",
                "A".repeat(65)), List.of(named("AuditAction.of", AuditAction::of)));
    }

    // ---------------------------------------------------------------- the check

    /** Every collection's documents and indexes, of the test database and the tenant's own, in a fixed order. */
    private String snapshot() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of(database.getName(), PREFIX + ACME.value())) {
            MongoDatabase db = client.getDatabase(name);
            List<String> collections = db.listCollectionNames().into(new ArrayList<>());
            collections.sort(null);
            for (String collection : collections) {
                MongoCollection<BsonDocument> c = db.getCollection(collection, BsonDocument.class);
                out.append(name).append('.').append(collection).append('\n');
                for (BsonDocument index : c.listIndexes(BsonDocument.class)) {
                    out.append("  index ").append(index.toJson()).append('\n');
                }
                for (BsonDocument doc : c.find().sort(new Document("_id", 1))) {
                    out.append("  ").append(doc.toJson()).append('\n');
                }
            }
        }
        return out.toString();
    }

    @Test
    void everyBadInputFailsAtOnceNamingTheValueAndTheRuleAndChangesNothing() {
        buildTable();
        System.out.printf("BadInputSweepIT: %d bad inputs%n", cases.size());
        assertTrue(cases.size() >= 200, "at least 200 bad inputs, had " + cases.size());
        String before = snapshot();
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Throwable thrown = null;
            try {
                c.action().run();
            } catch (Throwable e) {
                thrown = e;
            }
            if (thrown == null) {
                failures.add(c.name() + ": accepted");
            } else if (!c.thrown().isInstance(thrown)) {
                failures.add(c.name() + ": threw " + thrown + ", expected " + c.thrown().getSimpleName());
            } else {
                String message = String.valueOf(thrown.getMessage());
                for (String word : c.says()) {
                    if (!message.contains(word)) {
                        failures.add(c.name() + ": message does not say '" + word + "': " + message);
                    }
                }
            }
            String after = snapshot();
            if (!after.equals(before)) {
                failures.add(c.name() + ": the database changed");
                before = after;
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases.size() + " bad inputs were handled wrongly:\n"
                    + String.join("\n", failures));
        }
        assertNotNull(before);
        assertEquals(0, failures.size());
    }

    /** A health check that is never run. */
    private static final class HealthCheckStub implements dev.tenantry.health.HealthCheck {
        @Override
        public CheckResult check() {
            return CheckResult.healthy();
        }
    }

}
