package dev.tenantry.directory;

import com.mongodb.client.MongoClient;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.internal.TenantDirectoryImpl;
import dev.tenantry.internal.Arguments;
import dev.tenantry.ratelimit.PlanResolver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The tenants (organizations) of an application: one document per tenant in the {@value Builder#DEFAULT_COLLECTION}
 * collection, with its name, plan and {@link TenantStatus}, and the lifecycle around them.
 *
 * <p>Look-ups are cached (Caffeine) and every change made through this directory invalidates the entry and tells the
 * {@link TenantChangeListener}s; a change made by another app instance is seen here once the cache entry expires
 * ({@link Builder#cacheFor}) or after {@link #invalidate}.
 *
 * <p>{@link #guardScopes()} makes the {@link TenantDatabase} the directory was built with refuse work on the data of
 * suspended tenants and tenants scheduled for deletion (outside system scope). Deleting an organization is two
 * steps: {@link #scheduleDeletion} keeps its data, restorable by {@link #cancelDeletion}, for the retention; then {@link #purgeDue()} (run by the application on its
 * schedule) deletes its data from every collection registered with the {@link TenantDatabase}, in every isolation
 * strategy, and finally its record. Each step is recorded in the tenant's document first, so a purge that is
 * interrupted resumes where it stopped; purging never relies on a TTL index, which would delete the record without
 * deleting the data.
 *
 * <pre>{@code
 * TenantDirectory directory = TenantDirectory.builder(client, "app").tenantDatabase(db).auditTrail(audit).build();
 * directory.guardScopes();
 * directory.create(TenantId.of("acme"), "Acme Ltd", "FREE");
 * RateLimiter limiter = RateLimiter.builder()....planResolver(directory.planResolver()).build();
 * directory.addPlanListener(limiter.plans(), limiter::invalidatePlan);
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public interface TenantDirectory {

    /** A builder over {@code databaseName} of {@code client}. */
    static Builder builder(MongoClient client, String databaseName) {
        return new Builder(client, databaseName);
    }

    /**
     * Creates an active tenant. With a {@linkplain Builder#tenantDatabase tenant database}, the declared indexes of the
     * tenant's own collections (per-tenant isolation strategies) are created too ({@link
     * dev.tenantry.collection.TenantDatabase#ensureIndexes(TenantId)}); if that fails it is logged, and they are
     * created when the tenant's collections are first used.
     *
     * @throws TenantExistsException if the id is taken
     * @throws IllegalArgumentException if the name is blank or over 200 characters, or the plan breaks its rule or
     *     is not one of the {@linkplain Builder#plans known plans}
     */
    TenantRecord create(TenantId id, String name, String plan);

    /** The tenant, if the directory holds it (cached). */
    Optional<TenantRecord> find(TenantId id);

    /**
     * The tenant (cached).
     *
     * @throws TenantNotFoundException if there is none
     */
    TenantRecord get(TenantId id);

    /** Every tenant, by id (not cached). */
    List<TenantRecord> list();

    /** Every tenant in {@code status}, by id (not cached). */
    List<TenantRecord> list(TenantStatus status);

    /**
     * Renames the tenant.
     *
     * @throws TenantNotFoundException if there is none
     * @throws IllegalArgumentException if the name is blank or over 200 characters
     */
    TenantRecord rename(TenantId id, String name);

    /**
     * Moves the tenant to another plan; listeners are told, so a rate limiter can drop its cached plan.
     *
     * @throws TenantNotFoundException if there is none
     * @throws IllegalArgumentException if the plan breaks its rule or is not one of the {@linkplain Builder#plans
     *     known plans}
     */
    TenantRecord changePlan(TenantId id, String plan);

    /**
     * Suspends an active tenant: no ordinary work runs for it until {@link #reactivate}.
     *
     * @throws TenantNotFoundException if there is none
     * @throws TenantStatusException if it is not active
     */
    TenantRecord suspend(TenantId id);

    /**
     * Makes a suspended tenant active again.
     *
     * @throws TenantNotFoundException if there is none
     * @throws TenantStatusException if it is not suspended
     */
    TenantRecord reactivate(TenantId id);

    /**
     * Schedules the tenant's deletion after {@code retention}: sets {@code deleteScheduledAt} to now plus the
     * retention and the status to {@link TenantStatus#DELETION_SCHEDULED}. Its data is kept until a purge after
     * that time.
     *
     * @throws TenantNotFoundException if there is none
     * @throws TenantStatusException if its deletion is already scheduled
     * @throws IllegalArgumentException if the retention is negative or longer than 100 years
     */
    TenantRecord scheduleDeletion(TenantId id, Duration retention);

    /**
     * Cancels a scheduled deletion: the status the tenant had before comes back and {@code deleteScheduledAt} is
     * cleared. Its data was never touched.
     *
     * @throws TenantNotFoundException if there is none
     * @throws TenantStatusException if no deletion is scheduled, or its purge has already started
     */
    TenantRecord cancelDeletion(TenantId id);

    /**
     * Purges one tenant whose deletion is due, in system scope: its data from every registered collection, then its
     * record. Resumes an interrupted purge.
     *
     * @throws TenantNotFoundException if there is none (also once purged)
     * @throws TenantStatusException if its deletion is not scheduled or not yet due
     * @throws IllegalStateException if no {@link TenantDatabase} was given to the builder
     */
    PurgeReport purge(TenantId id, PurgeListener listener);

    /** As {@link #purge(TenantId, PurgeListener)}, without progress. */
    default PurgeReport purge(TenantId id) {
        return purge(id, PurgeListener.NONE);
    }

    /**
     * Purges every tenant whose deletion is due, one after the other, stopping at the first failure (the next run
     * resumes it). Run it on a schedule; running it again when nothing is due does nothing.
     *
     * @return a report per purged tenant
     */
    List<PurgeReport> purgeDue(PurgeListener listener);

    /** As {@link #purgeDue(PurgeListener)}, without progress. */
    default List<PurgeReport> purgeDue() {
        return purgeDue(PurgeListener.NONE);
    }

    /**
     * A plan resolver for the rate limiter that reads the tenant's plan from this directory.
     *
     * @return a resolver that throws {@link TenantNotFoundException} for unknown tenants
     */
    PlanResolver planResolver();

    /**
     * Guards the {@link TenantDatabase} this directory was built with ({@link Builder#tenantDatabase}): each operation
     * on a suspended tenant's data, or on one scheduled for deletion, is refused with a {@link TenantStatusException}
     * outside system scope, when it runs (so work handed to an executor before the suspension is refused too). Only
     * that database is guarded, never another application's. Tenants the directory does not hold are not refused
     * here (an application that requires them checks {@link #find} where requests come in).
     *
     * @return a handle whose {@code close()} removes the guard
     * @throws IllegalStateException if the directory was built without a tenant database
     */
    Tenants.Registration guardScopes();

    /**
     * Registers a listener told of every later change made through this directory.
     *
     * @return a handle whose {@code close()} removes it
     */
    Tenants.Registration addChangeListener(TenantChangeListener listener);

    /**
     * Keeps a user of plans (a rate limiter) in step with this directory: {@code listener} is told after every change
     * made here, so a plan change takes effect on its next decision; and while it is registered, {@link #create} and
     * {@link #changePlan} refuse a plan not in {@code plans} (the plans it knows), which it could not serve. For a
     * rate limiter:
     * <pre>{@code
     * directory.addPlanListener(limiter.plans(), limiter::invalidatePlan);
     * }</pre>
     *
     * @param plans the plans the listener's owner knows; copied now
     * @return a handle whose {@code close()} stops both
     */
    Tenants.Registration addPlanListener(Set<String> plans, PlanListener listener);

    /** Drops the cached record of {@code id}, e.g. when another app instance changed it. */
    void invalidate(TenantId id);

    /**
     * Builds a {@link TenantDirectory}.
     *
     * <p>Not thread-safe: configure a builder on one thread, then build.
     */
    final class Builder {

        /** The collection tenants are stored in unless named otherwise. */
        public static final String DEFAULT_COLLECTION = "tenants";
        /** How long a look-up is cached unless configured otherwise. */
        public static final Duration DEFAULT_CACHE = Duration.ofSeconds(30);

        private final MongoClient client;
        private final String databaseName;
        private String collectionName = DEFAULT_COLLECTION;
        private Clock clock = Clock.systemUTC();
        private Duration cacheFor = DEFAULT_CACHE;
        private @Nullable TenantDatabase tenantDatabase;
        private @Nullable AuditTrail auditTrail;
        private java.util.@Nullable Set<String> plans;

        private Builder(MongoClient client, String databaseName) {
            this.client = Objects.requireNonNull(client, "client");
            this.databaseName = Arguments.databaseName("tenant directory database name", databaseName);
        }

        /**
         * The collection tenants are stored in (default {@value #DEFAULT_COLLECTION}).
         *
         * @throws IllegalArgumentException if the name is not 1-64 letters, digits, '_' or '-', starting with a
         *     letter or '_'
         */
        public Builder collectionName(String name) {
            this.collectionName = Arguments.name("tenant directory collection name", name);
            return this;
        }

        /** The clock for times and for deciding when a deletion is due (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a look-up is cached (default 30 s); zero turns caching off.
         *
         * @throws IllegalArgumentException if negative or longer than 100 years
         */
        public Builder cacheFor(Duration duration) {
            this.cacheFor = Arguments.notNegative("tenant directory cache duration", duration);
            return this;
        }

        /** The tenant-scoped collections a purge deletes the tenant's data from; required for purging. */
        public Builder tenantDatabase(TenantDatabase database) {
            this.tenantDatabase = Objects.requireNonNull(database, "database");
            return this;
        }

        /**
         * The plans tenants may be on (default: any name that follows the plan rule); {@link TenantDirectory#create}
         * and {@link TenantDirectory#changePlan} refuse others.
         *
         * @throws IllegalArgumentException if none is given or a name breaks the plan rule (1-64 letters, digits,
         *     '_', '-' or '.')
         */
        public Builder plans(String... names) {
            Objects.requireNonNull(names, "names");
            if (names.length == 0) {
                throw new IllegalArgumentException("name at least one plan tenants may be on");
            }
            java.util.Set<String> set = new java.util.LinkedHashSet<>();
            for (String name : names) {
                set.add(TenantDirectoryImpl.checkPlanName(name));
            }
            this.plans = java.util.Set.copyOf(set);
            return this;
        }

        /** Records lifecycle changes and every purge step in this audit trail. */
        public Builder auditTrail(AuditTrail trail) {
            this.auditTrail = Objects.requireNonNull(trail, "trail");
            return this;
        }

        /** The settings this builder holds; {@link #build()} builds the directory from exactly these. */
        public Settings settings() {
            return new Settings(this);
        }

        /** Builds the directory from its {@linkplain #settings() settings} and creates its index. */
        public TenantDirectory build() {
            return new TenantDirectoryImpl(settings());
        }
    }

    /**
     * The settings of a {@link TenantDirectory}, as its {@link Builder} validated them; the directory is built from
     * one of these whole.
     *
     * <p>Immutable and thread-safe (the client, clock, tenant database and audit trail are the application's own
     * objects).
     *
     * @since 0.1
     */
    final class Settings {
        private final MongoClient client;
        private final String databaseName;
        private final String collectionName;
        private final Clock clock;
        private final Duration cacheFor;
        private final @Nullable TenantDatabase tenantDatabase;
        private final @Nullable AuditTrail auditTrail;
        private final @Nullable Set<String> plans;

        private Settings(Builder builder) {
            this.client = builder.client;
            this.databaseName = builder.databaseName;
            this.collectionName = builder.collectionName;
            this.clock = builder.clock;
            this.cacheFor = builder.cacheFor;
            this.tenantDatabase = builder.tenantDatabase;
            this.auditTrail = builder.auditTrail;
            this.plans = builder.plans;
        }

        /** The client tenants are stored through (and a purge drops per-tenant databases with). */
        public MongoClient client() {
            return client;
        }

        /** The database the directory's collection lives in. */
        public String databaseName() {
            return databaseName;
        }

        /** The collection tenants are stored in ({@link Builder#collectionName}). */
        public String collectionName() {
            return collectionName;
        }

        /** The clock for times and for deciding when a deletion is due. */
        public Clock clock() {
            return clock;
        }

        /** How long a look-up is cached; zero when caching is off. */
        public Duration cacheFor() {
            return cacheFor;
        }

        /** The tenant-scoped collections a purge deletes from and a guard guards, or null for none. */
        public @Nullable TenantDatabase tenantDatabase() {
            return tenantDatabase;
        }

        /** The trail lifecycle changes and purge steps are recorded in, or null for none. */
        public @Nullable AuditTrail auditTrail() {
            return auditTrail;
        }

        /** The plans tenants may be on, or null for any name that follows the plan rule. */
        public @Nullable Set<String> plans() {
            return plans;
        }
    }
}
