package dev.tenantry.session.internal;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.session.StartedSession;
import dev.tenantry.session.UserSession;
import dev.tenantry.session.UserSessions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/** Sessions over one MongoDB collection; see {@link UserSessions}. */
public final class UserSessionsImpl implements UserSessions {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder TOKEN_ENCODING = Base64.getUrlEncoder().withoutPadding();
    private static final HexFormat HEX = HexFormat.of();
    private static final int TOKEN_BYTES = 32;
    private static final int TOKEN_LENGTH = 43;
    private static final int ID_LENGTH = 64;
    private static final int MAX_REASON = AuditEvent.MAX_FIELD;

    // stored field names
    private static final String ID = "_id";
    private static final String USER = "userId";
    private static final String IP = "ip";
    private static final String USER_AGENT = "userAgent";
    private static final String CREATED = "createdAt";
    private static final String LAST_SEEN = "lastSeenAt";
    private static final String EXPIRES = "expiresAt";
    private static final String REVOKED = "revokedAt";
    private static final String REVOKE_REASON = "revokeReason";
    private static final String VERSION = "v";

    private final MongoCollection<BsonDocument> sessions;
    private final String tenantField;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxLifetime;
    private final @Nullable AuditTrail audit;
    /**
     * The fields read back: only what {@link #fromDocument} maps. Every read and findOneAndUpdate uses it, which also
     * makes the embedded test server (mongo-java-server) answer with a copy built under its collection lock instead of
     * the stored document itself, which a concurrent update would change while the answer is being encoded.
     */
    private final BsonDocument projection;

    /** Built by {@link UserSessions.Builder}; creates the TTL index and the index for listing. */
    public UserSessionsImpl(Settings settings) {
        this.sessions = settings.client().getDatabase(settings.databaseName()).getCollection(
                settings.collectionName(), BsonDocument.class);
        this.tenantField = settings.tenantField();
        this.clock = settings.clock();
        this.idleTimeout = settings.idleTimeout();
        this.maxLifetime = settings.maxLifetime();
        this.audit = settings.auditTrail();
        this.projection = new BsonDocument();
        for (String field : List.of(tenantField, USER, IP, USER_AGENT, CREATED, LAST_SEEN, EXPIRES, REVOKED,
                REVOKE_REASON)) {
            projection.append(field, new BsonInt32(1));
        }
        // TTL: removes expired and revoked sessions at the monitor's next pass (about a minute); reads do not rely
        // on it. The library's own schema: in system scope, like every collection-wide DDL.
        Tenants.runAsSystem("tenantry: create the user sessions' indexes", () -> {
            sessions.createIndex(Indexes.ascending(EXPIRES), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
            sessions.createIndex(Indexes.compoundIndex(Indexes.ascending(tenantField, USER),
                    Indexes.descending(EXPIRES)));
        });
    }

    // ---------------------------------------------------------------- start

    @Override
    public StartedSession start(String userId, @Nullable String ip, @Nullable String userAgent) {
        checkUser(userId);
        if (ip != null && (ip.isBlank() || ip.length() > MAX_IP)) {
            throw new IllegalArgumentException("session ip must be null (unknown) or 1-" + MAX_IP + " characters and "
                    + "not blank, was '" + ip + "'");
        }
        String agent = userAgent == null || userAgent.length() <= UserSession.MAX_USER_AGENT ? userAgent
                : userAgent.substring(0, UserSession.MAX_USER_AGENT);
        TenantId tenant = Tenants.current();
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        String token = TOKEN_ENCODING.encodeToString(bytes);
        Instant now = now();
        UserSession session = new UserSession(hash(token), tenant, userId, ip, agent, now, now, slide(now, now),
                null, null);
        sessions.insertOne(toDocument(session));
        if (audit != null) {
            try {
                audit.record(AuditEvent.of(AuditAction.LOGIN).target(AUDIT_TARGET_TYPE, session.id())
                        .actor(userId, "user").request(ip, agent, null)
                        .summary("user '" + userId + "' signed in; session expires " + session.expiresAt()).build());
            } catch (RuntimeException e) {
                // A login the audit trail did not take must not leave a usable session behind.
                try {
                    sessions.deleteOne(byId(tenant, session.id()));
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
        return new StartedSession(token, session);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<UserSession> find(String token) {
        Objects.requireNonNull(token, "token");
        if (!isTokenShaped(token)) {
            return Optional.empty();
        }
        TenantId tenant = Tenants.current();
        return Optional.ofNullable(sessions.find(active(byId(tenant, hash(token)), now())).projection(projection)
                        .first())
                .map(this::fromDocument);
    }

    @Override
    public List<UserSession> list(String userId) {
        checkUser(userId);
        TenantId tenant = Tenants.current();
        BsonDocument filter = active(new BsonDocument(tenantField, new BsonString(tenant.value()))
                .append(USER, new BsonString(userId)), now());
        List<UserSession> out = new ArrayList<>();
        for (BsonDocument doc : sessions.find(filter).projection(projection).sort(Sorts.descending(CREATED, ID))) {
            out.add(fromDocument(doc));
        }
        return out;
    }

    // ---------------------------------------------------------------- touch

    @Override
    public Optional<UserSession> touch(String token) {
        Objects.requireNonNull(token, "token");
        if (!isTokenShaped(token)) {
            return Optional.empty();
        }
        TenantId tenant = Tenants.current();
        String id = hash(token);
        Instant now = now();
        Instant slid = now.plus(idleTimeout);
        FindOneAndUpdateOptions after = returningAfter();
        // Usual case, one round trip: the whole idle timeout fits before the session's max lifetime ends. The filter
        // requires the session to be live, so a revoke (or expiry) that lands first wins; $max keeps times from
        // going backwards when touches race.
        BsonDocument fits = active(byId(tenant, id), now);
        fits.put(CREATED, new BsonDocument("$gte", date(slid.minus(maxLifetime))));
        BsonDocument doc = sessions.findOneAndUpdate(fits, new BsonDocument("$max",
                new BsonDocument(LAST_SEEN, date(now)).append(EXPIRES, date(slid))), after);
        if (doc != null) {
            return Optional.of(fromDocument(doc));
        }
        // Unknown, revoked or expired; or near its max lifetime, where expiry is capped at createdAt + max lifetime.
        BsonDocument current = sessions.find(active(byId(tenant, id), now)).projection(projection).first();
        if (current == null) {
            return Optional.empty();
        }
        Instant cap = instant(current, CREATED).plus(maxLifetime);
        doc = sessions.findOneAndUpdate(active(byId(tenant, id), now), new BsonDocument("$set",
                new BsonDocument(EXPIRES, date(cap))).append("$max", new BsonDocument(LAST_SEEN, date(now))), after);
        return Optional.ofNullable(doc).map(this::fromDocument);
    }

    // ---------------------------------------------------------------- revoke

    @Override
    public boolean logout(String token) {
        Objects.requireNonNull(token, "token");
        if (!isTokenShaped(token)) {
            return false;
        }
        UserSession revoked = revokeOne(null, hash(token), "logout");
        if (revoked == null) {
            return false;
        }
        audit(AuditEvent.of(AuditAction.LOGOUT).target(AUDIT_TARGET_TYPE, revoked.id())
                .actor(revoked.userId(), "user")
                .summary("user '" + revoked.userId() + "' signed out").build());
        return true;
    }

    @Override
    public boolean revoke(String sessionId, String reason) {
        checkSessionId(sessionId);
        checkReason(reason);
        return audited(revokeOne(null, sessionId, reason), reason);
    }

    @Override
    public boolean revokeForUser(String userId, String sessionId, String reason) {
        checkUser(userId);
        checkSessionId(sessionId);
        checkReason(reason);
        return audited(revokeOne(userId, sessionId, reason), reason);
    }

    /** Records the LOGOUT of a session revoked for {@code reason}; returns whether there was one. */
    private boolean audited(@Nullable UserSession revoked, String reason) {
        if (revoked == null) {
            return false;
        }
        audit(AuditEvent.of(AuditAction.LOGOUT).target(AUDIT_TARGET_TYPE, revoked.id())
                .summary("session of user '" + revoked.userId() + "' revoked: " + reason).build());
        return true;
    }

    /**
     * Revokes the active session {@code id} of the current tenant, and of {@code userId} if given, in one atomic
     * write; returns it, or null if there was none.
     */
    private @Nullable UserSession revokeOne(@Nullable String userId, String id, String reason) {
        Instant now = now();
        BsonDocument filter = active(byId(Tenants.current(), id), now);
        if (userId != null) {
            filter.append(USER, new BsonString(userId));
        }
        BsonDocument doc = sessions.findOneAndUpdate(filter, revokeUpdate(now, reason), returningAfter());
        return doc == null ? null : fromDocument(doc);
    }

    @Override
    public long revokeAll(String userId, String reason) {
        checkUser(userId);
        checkReason(reason);
        return revokeMany(userId, null, reason);
    }

    @Override
    public long revokeAllExcept(String userId, String keepSessionId, String reason) {
        checkUser(userId);
        checkSessionId(keepSessionId);
        checkReason(reason);
        return revokeMany(userId, keepSessionId, reason);
    }

    private FindOneAndUpdateOptions returningAfter() {
        return new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER).projection(projection);
    }

    private long revokeMany(String userId, @Nullable String keepSessionId, String reason) {
        TenantId tenant = Tenants.current();
        Instant now = now();
        BsonDocument filter = active(new BsonDocument(tenantField, new BsonString(tenant.value()))
                .append(USER, new BsonString(userId)), now);
        if (keepSessionId != null) {
            filter.append(ID, new BsonDocument("$ne", new BsonString(keepSessionId)));
        }
        long count = sessions.updateMany(filter, revokeUpdate(now, reason)).getModifiedCount();
        if (count > 0) {
            audit(AuditEvent.of(AuditAction.LOGOUT).target("user", userId)
                    .summary(count + " session" + (count == 1 ? "" : "s") + " of user '" + userId + "' revoked"
                            + (keepSessionId == null ? "" : " (all but session " + keepSessionId + ")") + ": "
                            + reason).build());
        }
        return count;
    }

    /** Marks revoked; expiry set to now, so the TTL index removes the session at its next pass. */
    private static BsonDocument revokeUpdate(Instant now, String reason) {
        return new BsonDocument("$set", new BsonDocument(REVOKED, date(now)).append(REVOKE_REASON,
                new BsonString(reason)).append(EXPIRES, date(now)));
    }

    private void audit(AuditEvent event) {
        if (audit != null) {
            audit.record(event);
        }
    }

    // ---------------------------------------------------------------- helpers

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The expiry of a session started at {@code created} and seen at {@code now}. */
    private Instant slide(Instant created, Instant now) {
        Instant idle = now.plus(idleTimeout);
        Instant cap = created.plus(maxLifetime);
        return idle.isBefore(cap) ? idle : cap;
    }

    /** {@code filter} narrowed to live sessions: not revoked, not expired, within the max lifetime. */
    private BsonDocument active(BsonDocument filter, Instant now) {
        return filter.append(REVOKED, BsonNull.VALUE)
                .append(EXPIRES, new BsonDocument("$gt", date(now)))
                .append(CREATED, new BsonDocument("$gt", date(now.minus(maxLifetime))));
    }

    private BsonDocument byId(TenantId tenant, String id) {
        return new BsonDocument(ID, new BsonString(id)).append(tenantField, new BsonString(tenant.value()));
    }

    private static boolean isTokenShaped(String token) {
        if (token.length() != TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The session id of {@code token}: lower-case hex SHA-256 of its ASCII bytes. */
    static String hash(String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HEX.formatHex(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static void checkUser(String userId) {
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank() || userId.length() > MAX_USER_ID) {
            throw new IllegalArgumentException("session user id must be 1-" + MAX_USER_ID + " characters and not "
                    + "blank, was '" + userId + "'");
        }
    }

    private static void checkReason(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank() || reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("session revoke reason must be 1-" + MAX_REASON + " characters and "
                    + "not blank, was '" + reason + "'");
        }
    }

    private static void checkSessionId(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        boolean hex = sessionId.length() == ID_LENGTH;
        for (int i = 0; hex && i < sessionId.length(); i++) {
            char c = sessionId.charAt(i);
            hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
        }
        if (!hex) {
            throw new IllegalArgumentException("a session id is " + ID_LENGTH + " lower-case hex digits (UserSession"
                    + ".id(), the hash of the token, never the token itself); was " + sessionId.length()
                    + " characters that are not");
        }
    }

    private static BsonDateTime date(Instant instant) {
        return new BsonDateTime(instant.toEpochMilli());
    }

    private static Instant instant(BsonDocument doc, String field) {
        return Instant.ofEpochMilli(doc.getDateTime(field).getValue());
    }

    private static @Nullable Instant optionalInstant(BsonDocument doc, String field) {
        BsonValue value = doc.get(field);
        return value == null || value.isNull() ? null : Instant.ofEpochMilli(value.asDateTime().getValue());
    }

    private static @Nullable String optionalString(BsonDocument doc, String field) {
        BsonValue value = doc.get(field);
        return value == null || value.isNull() ? null : value.asString().getValue();
    }

    private BsonDocument toDocument(UserSession s) {
        BsonDocument doc = new BsonDocument(ID, new BsonString(s.id()))
                .append(tenantField, new BsonString(s.tenant().value()))
                .append(USER, new BsonString(s.userId()));
        if (s.ip() != null) {
            doc.append(IP, new BsonString(s.ip()));
        }
        if (s.userAgent() != null) {
            doc.append(USER_AGENT, new BsonString(s.userAgent()));
        }
        return doc.append(CREATED, date(s.createdAt())).append(LAST_SEEN, date(s.lastSeenAt()))
                .append(EXPIRES, date(s.expiresAt())).append(VERSION, new BsonInt32(UserSession.FORMAT_VERSION));
    }

    private UserSession fromDocument(BsonDocument doc) {
        return new UserSession(doc.getString(ID).getValue(), TenantId.of(doc.getString(tenantField).getValue()),
                doc.getString(USER).getValue(), optionalString(doc, IP), optionalString(doc, USER_AGENT),
                instant(doc, CREATED), instant(doc, LAST_SEEN), instant(doc, EXPIRES), optionalInstant(doc, REVOKED),
                optionalString(doc, REVOKE_REASON));
    }
}
