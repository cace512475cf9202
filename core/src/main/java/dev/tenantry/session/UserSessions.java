package dev.tenantry.session;

import com.mongodb.client.MongoClient;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.internal.Arguments;
import dev.tenantry.session.internal.UserSessionsImpl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Sign-in sessions of a tenant's users, one document per session in the {@value Builder#DEFAULT_COLLECTION}
 * collection.
 *
 * <p>{@link #start} creates a session and returns its token; only the token's SHA-256 hash is stored (as the
 * session id), so a copy of the database holds no usable token. A session expires after the {@linkplain
 * Builder#idleTimeout idle timeout} unless {@linkplain #touch touched} (sliding expiry), and never lives longer than
 * the {@linkplain Builder#maxLifetime maximum lifetime} from its start, however often it is touched.
 *
 * <p>Expiry is enforced when a session is read, against the {@linkplain Builder#clock clock}: a TTL index on {@code
 * expiresAt} removes expired and revoked sessions eventually, but MongoDB's TTL monitor runs only about once a
 * minute, so nothing here relies on it. A revoke is final: {@link #touch} updates a session only while it is neither
 * revoked nor expired, in one atomic operation, so a touch racing with a revoke can never bring the session back.
 *
 * <p>Every method works on the current tenant ({@link dev.tenantry.Tenants#current()}) and throws {@link
 * dev.tenantry.MissingTenantException} where none is set; a token or session id of another tenant is not found.
 * With an {@linkplain Builder#auditTrail audit trail}, starting a session records {@link
 * dev.tenantry.audit.AuditAction#LOGIN} and logging out or revoking records {@link
 * dev.tenantry.audit.AuditAction#LOGOUT}, with target type {@value #AUDIT_TARGET_TYPE} and the session id.
 *
 * <pre>{@code
 * UserSessions sessions = UserSessions.builder(client, "app").idleTimeout(Duration.ofMinutes(30))
 *         .maxLifetime(Duration.ofHours(12)).auditTrail(audit).build();
 * StartedSession started = Tenants.call(tenant, () -> sessions.start(userId, ip, userAgent));
 * // later, per request:
 * Optional<UserSession> session = Tenants.call(tenant, () -> sessions.touch(tokenFromCookie));
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public interface UserSessions {

    /** The audit target type of LOGIN and LOGOUT entries. */
    String AUDIT_TARGET_TYPE = "session";

    /** The longest user id accepted. */
    int MAX_USER_ID = 512;

    /** The longest ip accepted. */
    int MAX_IP = 100;

    /** A builder over {@code databaseName} of {@code client}. */
    static Builder builder(MongoClient client, String databaseName) {
        return new Builder(client, databaseName);
    }

    /**
     * Starts a session of {@code userId} in the current tenant and records a LOGIN audit entry. A user agent longer
     * than {@value UserSession#MAX_USER_AGENT} characters is cut to that length.
     *
     * @param userId the user, 1 to {@value #MAX_USER_ID} characters, not blank
     * @param ip the client's address, at most {@value #MAX_IP} characters, or null if unknown
     * @param userAgent the client's user agent (device), or null if unknown
     * @return the token for the client and the stored session
     * @throws IllegalArgumentException if the user id is blank or too long, or the ip too long
     * @throws dev.tenantry.MissingTenantException if no tenant is set
     */
    StartedSession start(String userId, @Nullable String ip, @Nullable String userAgent);

    /**
     * The session of {@code token}, if it is in the current tenant, not revoked and not expired. Does not extend it.
     * A token of the wrong shape is simply not found.
     */
    Optional<UserSession> find(String token);

    /**
     * Extends the session of {@code token}: {@code lastSeenAt} becomes now and {@code expiresAt} now plus the idle
     * timeout, capped at the start plus the maximum lifetime. Empty, and nothing changed, if the session is unknown,
     * in another tenant, revoked or expired.
     *
     * @return the session as updated
     */
    Optional<UserSession> touch(String token);

    /**
     * The active (not revoked, not expired) sessions of {@code userId} in the current tenant, newest first.
     *
     * @throws IllegalArgumentException if the user id is blank or too long
     */
    List<UserSession> list(String userId);

    /**
     * Revokes the session of {@code token} (the user signs out) and records a LOGOUT audit entry.
     *
     * @return whether an active session was revoked
     */
    boolean logout(String token);

    /**
     * Revokes the active session {@code sessionId} of the current tenant, for {@code reason}, and records a LOGOUT
     * audit entry. It can no longer be found or touched.
     *
     * @param sessionId a {@linkplain UserSession#id() session id} (not a token)
     * @param reason why, e.g. {@code "signed out by an admin"}
     * @return whether an active session was revoked
     * @throws IllegalArgumentException if {@code sessionId} is not a session id (64 lower-case hex digits), or the
     *     reason is blank or longer than 512 characters
     */
    boolean revoke(String sessionId, String reason);

    /**
     * As {@link #revoke(String, String)}, but only if the session belongs to {@code userId}: a user revoking one of
     * their own sessions. The owner is checked in the same atomic write, so another user's session id revokes
     * nothing.
     *
     * @param userId the user the session must belong to
     * @param sessionId a {@linkplain UserSession#id() session id} (not a token)
     * @param reason why, e.g. {@code "signed out on another device"}
     * @return whether an active session of {@code userId} was revoked
     * @throws IllegalArgumentException if the user id is blank or too long, {@code sessionId} is not a session id, or
     *     the reason is blank or longer than 512 characters
     */
    boolean revokeForUser(String userId, String sessionId, String reason);

    /** As {@link #revoke(String, String)} with reason {@code "revoked"}. */
    default boolean revoke(String sessionId) {
        return revoke(sessionId, "revoked");
    }

    /**
     * Revokes every active session of {@code userId} in the current tenant, for {@code reason} (e.g. a password
     * change), and records one LOGOUT audit entry for them if there were any, with target type {@code user} and the
     * user id.
     *
     * @return how many sessions were revoked
     * @throws IllegalArgumentException if the user id or the reason is blank or too long
     */
    long revokeAll(String userId, String reason);

    /** As {@link #revokeAll(String, String)} with reason {@code "all sessions revoked"}. */
    default long revokeAll(String userId) {
        return revokeAll(userId, "all sessions revoked");
    }

    /**
     * Revokes every active session of {@code userId} in the current tenant except {@code keepSessionId} ("sign out
     * my other devices"), for {@code reason}, and records one LOGOUT audit entry as {@link #revokeAll} does.
     *
     * @return how many sessions were revoked
     * @throws IllegalArgumentException if the user id or reason is blank or too long, or {@code keepSessionId} is
     *     not a session id
     */
    long revokeAllExcept(String userId, String keepSessionId, String reason);

    /** As {@link #revokeAllExcept(String, String, String)} with reason {@code "other sessions revoked"}. */
    default long revokeAllExcept(String userId, String keepSessionId) {
        return revokeAllExcept(userId, keepSessionId, "other sessions revoked");
    }

    /**
     * Builds {@link UserSessions}. Setters validate at once and name the bad value.
     *
     * <p>Not thread-safe: configure a builder on one thread, then build.
     */
    final class Builder {

        /** The collection sessions are stored in unless named otherwise. */
        public static final String DEFAULT_COLLECTION = "UserSession";
        /** How long an untouched session lives by default. */
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
        /** How long a session lives at most, however often touched, by default. */
        public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(12);

        private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
        private static final Set<String> RESERVED = Set.of("_id", "userId", "ip", "userAgent", "createdAt",
                "lastSeenAt", "expiresAt", "revokedAt", "revokeReason", "v");

        private final MongoClient client;
        private final String databaseName;
        private String collectionName = DEFAULT_COLLECTION;
        private String tenantField = TenantDatabase.DEFAULT_TENANT_FIELD;
        private Clock clock = Clock.systemUTC();
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private @Nullable AuditTrail auditTrail;

        private Builder(MongoClient client, String databaseName) {
            this.client = Objects.requireNonNull(client, "client");
            this.databaseName = Arguments.databaseName("session database name", databaseName);
        }

        /**
         * The collection sessions are stored in (default {@value #DEFAULT_COLLECTION}).
         *
         * @throws IllegalArgumentException if the name is not 1-64 letters, digits, '_' or '-'
         */
        public Builder collectionName(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("session collection name must be 1-64 letters, digits, '_' or "
                        + "'-', starting with a letter or '_', was '" + name + "'");
            }
            this.collectionName = name;
            return this;
        }

        /**
         * The field that carries the tenant (default {@value TenantDatabase#DEFAULT_TENANT_FIELD}).
         *
         * @throws IllegalArgumentException if it is not 1-64 letters, digits, '_' or '-', or names a field sessions
         *     use for something else
         */
        public Builder tenantField(String field) {
            Objects.requireNonNull(field, "field");
            if (!NAME.matcher(field).matches() || RESERVED.contains(field)) {
                throw new IllegalArgumentException("session tenant field must be 1-64 letters, digits, '_' or '-', "
                        + "starting with a letter or '_', and not one of " + RESERVED + ", was '" + field + "'");
            }
            this.tenantField = field;
            return this;
        }

        /** The clock that decides expiry and stamps times (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a session lives after it was last started or touched (default 30 minutes).
         *
         * @throws IllegalArgumentException if shorter than one millisecond or longer than 100 years
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive("idle timeout", timeout);
            return this;
        }

        /**
         * How long a session lives at most from its start, however often touched (default 12 hours).
         *
         * @throws IllegalArgumentException if shorter than one millisecond or longer than 100 years
         */
        public Builder maxLifetime(Duration lifetime) {
            this.maxLifetime = positive("max lifetime", lifetime);
            return this;
        }

        /** Records LOGIN and LOGOUT entries in this audit trail. */
        public Builder auditTrail(AuditTrail trail) {
            this.auditTrail = Objects.requireNonNull(trail, "trail");
            return this;
        }

        private static Duration positive(String what, Duration value) {
            return Arguments.atLeast("session " + what, value, Duration.ofMillis(1));
        }

        /**
         * The settings this builder holds, checked as a whole; {@link #build()} builds the sessions from exactly
         * these.
         *
         * @throws IllegalStateException if the idle timeout is longer than the max lifetime
         */
        public Settings settings() {
            if (idleTimeout.compareTo(maxLifetime) > 0) {
                throw new IllegalStateException("session idle timeout (" + idleTimeout + ") must not be longer than "
                        + "the max lifetime (" + maxLifetime + ")");
            }
            return new Settings(this);
        }

        /**
         * Builds the sessions from their {@linkplain #settings() settings} and creates their indexes: a TTL index on
         * {@code expiresAt} and one for listing a user's sessions.
         *
         * @throws IllegalStateException if the idle timeout is longer than the max lifetime
         */
        public UserSessions build() {
            return new UserSessionsImpl(settings());
        }
    }

    /**
     * The settings of {@link UserSessions}, as its {@link Builder} validated them; the sessions are built from one of
     * these whole.
     *
     * <p>Immutable and thread-safe (the client, clock and audit trail are the application's own objects).
     *
     * @since 0.1
     */
    final class Settings {
        private final MongoClient client;
        private final String databaseName;
        private final String collectionName;
        private final String tenantField;
        private final Clock clock;
        private final Duration idleTimeout;
        private final Duration maxLifetime;
        private final @Nullable AuditTrail auditTrail;

        private Settings(Builder builder) {
            this.client = builder.client;
            this.databaseName = builder.databaseName;
            this.collectionName = builder.collectionName;
            this.tenantField = builder.tenantField;
            this.clock = builder.clock;
            this.idleTimeout = builder.idleTimeout;
            this.maxLifetime = builder.maxLifetime;
            this.auditTrail = builder.auditTrail;
        }

        /** The client sessions are stored through. */
        public MongoClient client() {
            return client;
        }

        /** The database the sessions live in. */
        public String databaseName() {
            return databaseName;
        }

        /** The collection sessions are stored in ({@link Builder#collectionName}). */
        public String collectionName() {
            return collectionName;
        }

        /** The field that carries the tenant ({@link Builder#tenantField}). */
        public String tenantField() {
            return tenantField;
        }

        /** The clock that decides expiry and stamps times. */
        public Clock clock() {
            return clock;
        }

        /** How long a session lives after it was last started or touched. */
        public Duration idleTimeout() {
            return idleTimeout;
        }

        /** How long a session lives at most from its start. */
        public Duration maxLifetime() {
            return maxLifetime;
        }

        /** The trail LOGIN and LOGOUT entries are recorded in, or null for none. */
        public @Nullable AuditTrail auditTrail() {
            return auditTrail;
        }
    }
}
