package dev.tenantry.examples.web;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.SoftDelete;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExports;
import dev.tenantry.health.CheckResult;
import dev.tenantry.health.Health;
import dev.tenantry.health.HealthChecks;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.session.UserSessions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tenantry's core services for the booking app, wired once over one {@link MongoClient} and database: the
 * tenant-scoped collections (soft delete, audited writes), the audit trail, the organization directory, plan-based
 * rate limits, sessions, data exports and health checks. Closing it closes them in reverse order.
 */
final class BookingServices implements AutoCloseable {

    /** The rate-limit plans: a burst per minute and a sustained rate per hour. */
    static final String FREE = "FREE";
    static final String PRO = "PRO";
    static final Bandwidth FREE_PER_MINUTE = Bandwidth.of(60, Duration.ofMinutes(1));
    static final Bandwidth FREE_PER_HOUR = Bandwidth.of(1_000, Duration.ofHours(1));
    static final Bandwidth PRO_PER_MINUTE = Bandwidth.of(600, Duration.ofMinutes(1));
    static final Bandwidth PRO_PER_HOUR = Bandwidth.of(20_000, Duration.ofHours(1));

    /** How long soft-deleted customers, services and bookings stay restorable. */
    static final Duration RETENTION = Duration.ofDays(30);

    final Clock clock = Clock.systemUTC();
    final MongoClient client;
    final String databaseName;
    final AuditTrail audit;
    final TenantDatabase database;
    final TenantDirectory directory;
    final RateLimiter limiter;
    final UserSessions sessions;
    final DataExports exports;
    final Health health;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    BookingServices(ConnectionString connection, String databaseName) {
        this.databaseName = databaseName;
        client = MongoClients.create(MongoClientSettings.builder().applyConnectionString(connection)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS)).build());
        closeables.add(client);
        try {
            // Asynchronous: entries are queued and written in batches, so an audited write costs no extra round
            // trip; close() writes what is still queued.
            audit = AuditTrail.builder(client, databaseName).asynchronous().build();
            closeables.add(audit);
            TenantDatabase.Builder tenantDatabase = TenantDatabase.builder(client, databaseName);
            for (Resource resource : Resource.ALL) {
                tenantDatabase.collection(resource.collection(), IsolationStrategy.SHARED,
                        SoftDelete.retainFor(RETENTION));
                if (resource.uniqueField() != null) {
                    // unique per organization: declared indexes lead with the tenant field, and end with the deletion
                    // key, so a deleted customer does not block re-creating one
                    tenantDatabase.index(resource.collection(), Indexes.ascending(resource.uniqueField()),
                            new IndexOptions().unique(true));
                }
            }
            tenantDatabase.index("bookings", Indexes.ascending("startsAt"));
            database = tenantDatabase.writeListener(audit.writeListener(), "customers", "services", "bookings")
                    .build();
            // System-scope work that touches the organizations' data (purges, support) is audited as well.
            closeables.add(database.addSystemScopeListener(audit.systemScopeListener()));
            directory = TenantDirectory.builder(client, databaseName).tenantDatabase(database).auditTrail(audit)
                    .build();
            closeables.add(directory.guardScopes());
            limiter = RateLimiter.builder()
                    .plan(FREE, FREE_PER_MINUTE, FREE_PER_HOUR)
                    .plan(PRO, PRO_PER_MINUTE, PRO_PER_HOUR)
                    .planResolver(directory.planResolver())
                    .build();
            closeables.add(directory.addPlanListener(limiter.plans(), limiter::invalidatePlan));
            sessions = UserSessions.builder(client, databaseName).auditTrail(audit).build();
            DataExports.Builder dataExports = DataExports.builder(client, databaseName, database).auditTrail(audit);
            for (Resource resource : Resource.ALL) {
                dataExports.userReference(resource.collection(), "createdBy");
            }
            exports = dataExports.build();
            health = Health.builder()
                    .liveness("process", CheckResult::healthy)
                    .readiness("mongodb", HealthChecks.mongoPing(client.getDatabase(databaseName)))
                    .readiness("audit", HealthChecks.queue(audit::stats, 10_000))
                    .build();
            closeables.add(health);
            database.ensureIndexes(); // the declared indexes of the shared collections, at start-up: no tenant needed
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the booking app's services failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        closeables.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
