package dev.tenantry.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditOverflowException;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.testing.MongoTest;
import dev.tenantry.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** User sessions: sliding expiry with a lifetime cap, expiry on read, listing, revocation, tenancy and audit. */
@MongoTest
class UserSessionsIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration MAX = Duration.ofHours(2);
    private static final String IP = "203.0.113.7";
    private static final String AGENT = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";

    private final MongoClient client;
    private final MongoDatabase database;
    private final MutableClock clock = new MutableClock();
    private AuditTrail audit;
    private UserSessions sessions;

    UserSessionsIT(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    @BeforeEach
    void setUp() {
        database.drop();
        audit = AuditTrail.builder(client, database.getName()).clock(clock).build();
        sessions = UserSessions.builder(client, database.getName()).clock(clock).idleTimeout(IDLE).maxLifetime(MAX)
                .auditTrail(audit).build();
    }

    @AfterEach
    void tearDown() {
        audit.close();
    }

    private MongoCollection<Document> stored() {
        return database.getCollection(UserSessions.Builder.DEFAULT_COLLECTION);
    }

    private StartedSession start(TenantId tenant, String user) {
        return Tenants.call(tenant, () -> sessions.start(user, IP, AGENT));
    }

    private Optional<UserSession> find(TenantId tenant, String token) {
        return Tenants.call(tenant, () -> sessions.find(token));
    }

    private Optional<UserSession> touch(TenantId tenant, String token) {
        return Tenants.call(tenant, () -> sessions.touch(token));
    }

    private List<String> listIds(TenantId tenant, String user) {
        return Tenants.call(tenant, () -> sessions.list(user)).stream().map(UserSession::id).toList();
    }

    private List<AuditEntry> audited(TenantId tenant, AuditAction action) {
        return Tenants.call(tenant, () -> audit.query(AuditQuery.all().withAction(action)).entries());
    }

    private static String sha256Hex(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void startStoresOnlyTheTokenHashAndTouchSlidesTheExpiry() throws Exception {
        Instant t0 = clock.instant();
        StartedSession started = start(ACME, "alice");
        String token = started.token();
        UserSession session = started.session();
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "256 bits, URL-safe base64 without padding: " + token);
        assertEquals(sha256Hex(token), session.id());
        assertEquals(ACME, session.tenant());
        assertEquals("alice", session.userId());
        assertEquals(IP, session.ip());
        assertEquals(AGENT, session.userAgent());
        assertEquals(t0, session.createdAt());
        assertEquals(t0, session.lastSeenAt());
        assertEquals(t0.plus(IDLE), session.expiresAt());
        assertNull(session.revokedAt());
        assertFalse(started.toString().contains(token), "toString leaves the token out");

        Document raw = stored().find().first();
        assertNotNull(raw);
        assertEquals(session.id(), raw.getString("_id"));
        assertEquals("acme", raw.getString("tenantId"));
        assertEquals(UserSession.FORMAT_VERSION, raw.getInteger("v"));
        assertFalse(raw.toJson().contains(token), "the token itself is never stored");
        assertNotEquals(session.id(), start(ACME, "alice").session().id(), "every session has its own token");

        clock.advance(Duration.ofMinutes(20));
        assertEquals(Optional.of(session), find(ACME, token), "find does not extend the session");
        UserSession touched = touch(ACME, token).orElseThrow();
        assertEquals(clock.instant(), touched.lastSeenAt());
        assertEquals(clock.instant().plus(IDLE), touched.expiresAt());
        assertEquals(t0, touched.createdAt());

        clock.advance(Duration.ofMinutes(29)); // 49 min after start: alive only because it was touched
        assertEquals(touched, find(ACME, token).orElseThrow());
        clock.advance(Duration.ofMinutes(1)); // exactly at expiresAt
        assertEquals(Optional.empty(), find(ACME, token));
        assertEquals(Optional.empty(), touch(ACME, token), "an expired session is not revived by a touch");
        assertEquals(Optional.empty(), find(ACME, "not-a-token"), "a malformed token is simply not found");
        assertEquals(Optional.empty(), find(ACME, "A".repeat(43)), "an unknown token is not found");
    }

    @Test
    void touchingNeverExtendsASessionPastItsMaxLifetime() {
        Instant t0 = clock.instant();
        String token = start(ACME, "alice").token();
        Instant cap = t0.plus(MAX);
        for (int minute = 20; minute <= 80; minute += 20) {
            clock.advance(Duration.ofMinutes(20));
            UserSession s = touch(ACME, token).orElseThrow();
            assertEquals(clock.instant().plus(IDLE), s.expiresAt(), "at minute " + minute);
        }
        clock.advance(Duration.ofMinutes(25)); // 1h45: the idle timeout would reach past the cap
        UserSession capped = touch(ACME, token).orElseThrow();
        assertEquals(cap, capped.expiresAt(), "expiry capped at start + max lifetime");
        assertEquals(clock.instant(), capped.lastSeenAt());
        clock.advance(Duration.ofMinutes(14)); // 1h59
        assertEquals(cap, touch(ACME, token).orElseThrow().expiresAt());
        clock.advance(Duration.ofMinutes(1)); // 2h: the max lifetime is over, touched or not
        assertEquals(Optional.empty(), touch(ACME, token));
        assertEquals(Optional.empty(), find(ACME, token));
        assertEquals(List.of(), listIds(ACME, "alice"));
    }

    @Test
    void expiryIsEnforcedOnReadWithoutATtlMonitor() {
        StartedSession started = start(ACME, "alice");
        clock.advance(IDLE);
        assertEquals(1, stored().countDocuments(), "the document is still there (no TTL monitor has run)");
        assertEquals(Optional.empty(), find(ACME, started.token()));
        assertEquals(Optional.empty(), touch(ACME, started.token()));
        assertEquals(List.of(), listIds(ACME, "alice"));
        assertFalse(Tenants.call(ACME, () -> sessions.revoke(started.session().id())), "nothing active to revoke");
        assertEquals(0L, Tenants.call(ACME, () -> sessions.revokeAll("alice")));

        List<String> ttl = new ArrayList<>();
        for (Document index : stored().listIndexes()) {
            if (index.containsKey("expireAfterSeconds")) {
                ttl.add(index.get("key", Document.class).toJson() + " after " + index.get("expireAfterSeconds"));
            }
        }
        assertEquals(List.of("{\"expiresAt\": 1} after 0"), ttl, "a TTL index removes them eventually");
    }

    @Test
    void listShowsTheUsersActiveSessionsInTheTenantNewestFirst() {
        String first = start(ACME, "alice").session().id();
        clock.advance(Duration.ofMinutes(1));
        String second = start(ACME, "alice").session().id();
        clock.advance(Duration.ofMinutes(1));
        String third = start(ACME, "alice").session().id();
        clock.advance(Duration.ofMinutes(1));
        String revoked = start(ACME, "alice").session().id();
        start(ACME, "bob");
        start(GLOBEX, "alice");
        Tenants.run(ACME, () -> assertTrue(sessions.revoke(revoked)));

        assertEquals(List.of(third, second, first), listIds(ACME, "alice"),
                "only alice's active acme sessions, newest first");
        assertEquals(1, listIds(ACME, "bob").size());
        assertEquals(1, listIds(GLOBEX, "alice").size());
        assertEquals(List.of(), listIds(ACME, "carol"));

        clock.advance(IDLE.minusMinutes(3)); // first expires now; second and third have a minute or two left
        assertEquals(List.of(third, second), listIds(ACME, "alice"), "an expired session is no longer listed");
    }

    @Test
    void revokeOneAllAndAllButOne() {
        StartedSession a = start(ACME, "alice");
        StartedSession b = start(ACME, "alice");
        StartedSession c = start(ACME, "alice");
        StartedSession bob = start(ACME, "bob");
        clock.advance(Duration.ofMinutes(5));

        Tenants.run(ACME, () -> {
            assertTrue(sessions.revoke(a.session().id(), "lost phone"));
            assertFalse(sessions.revoke(a.session().id()), "already revoked");
            assertEquals(Optional.empty(), sessions.find(a.token()));
            assertEquals(Optional.empty(), sessions.touch(a.token()));
        });
        Document raw = stored().find(new Document("_id", a.session().id())).first();
        assertNotNull(raw);
        assertEquals("lost phone", raw.getString("revokeReason"));
        assertEquals(raw.getDate("revokedAt"), raw.getDate("expiresAt"), "expiry set to the revoke time for the TTL");

        assertEquals(1L, Tenants.call(ACME, () -> sessions.revokeAllExcept("alice", c.session().id())),
                "sign out the other devices");
        assertEquals(List.of(c.session().id()), listIds(ACME, "alice"));
        assertTrue(find(ACME, c.token()).isPresent());
        assertEquals(Optional.empty(), find(ACME, b.token()));

        assertTrue(Tenants.call(ACME, () -> sessions.logout(c.token())));
        assertFalse(Tenants.call(ACME, () -> sessions.logout(c.token())), "logging out twice does nothing");

        StartedSession d = start(ACME, "alice");
        StartedSession e = start(ACME, "alice");
        assertEquals(2L, Tenants.call(ACME, () -> sessions.revokeAll("alice", "password changed")));
        assertEquals(0L, Tenants.call(ACME, () -> sessions.revokeAll("alice")), "nothing left to revoke");
        assertEquals(List.of(), listIds(ACME, "alice"));
        assertEquals(Optional.empty(), touch(ACME, d.token()));
        assertEquals(Optional.empty(), touch(ACME, e.token()));
        assertTrue(touch(ACME, bob.token()).isPresent(), "another user's session is untouched");
    }

    @Test
    void aUserRevokesOnlyTheirOwnSession() {
        StartedSession alice = start(ACME, "alice");
        StartedSession bob = start(ACME, "bob");
        Tenants.run(ACME, () -> {
            assertFalse(sessions.revokeForUser("alice", bob.session().id(), "not hers"), "bob's session");
            assertTrue(sessions.find(bob.token()).isPresent(), "and it is still active");
            assertTrue(sessions.revokeForUser("alice", alice.session().id(), "signed out"));
            assertEquals(Optional.empty(), sessions.find(alice.token()));
            assertFalse(sessions.revokeForUser("alice", alice.session().id(), "again"), "already revoked");
            assertThrows(IllegalArgumentException.class, () -> sessions.revokeForUser(" ", bob.session().id(), "x"));
            assertThrows(IllegalArgumentException.class, () -> sessions.revokeForUser("bob", "not-an-id", "x"));
            assertThrows(IllegalArgumentException.class, () -> sessions.revokeForUser("bob", bob.session().id(), ""));
            assertTrue(sessions.find(bob.token()).isPresent(), "bad input changed nothing");
        });
        assertFalse(Tenants.call(GLOBEX, () -> sessions.revokeForUser("bob", bob.session().id(), "other tenant")));
        assertTrue(find(ACME, bob.token()).isPresent());
    }

    @Test
    void anotherTenantCannotSeeTouchOrRevokeASession() {
        StartedSession acme = start(ACME, "alice");
        String id = acme.session().id();
        assertEquals(Optional.empty(), find(GLOBEX, acme.token()));
        assertEquals(Optional.empty(), touch(GLOBEX, acme.token()));
        assertEquals(List.of(), listIds(GLOBEX, "alice"));
        Tenants.run(GLOBEX, () -> {
            assertFalse(sessions.revoke(id));
            assertFalse(sessions.logout(acme.token()));
            assertEquals(0L, sessions.revokeAll("alice"));
            assertEquals(0L, sessions.revokeAllExcept("alice", "0".repeat(64)));
        });
        UserSession still = find(ACME, acme.token()).orElseThrow();
        assertEquals(acme.session(), still, "unchanged: not touched, not revoked");
        assertEquals(List.of(), audited(GLOBEX, AuditAction.LOGOUT));
    }

    @Test
    void withoutATenantEverythingFailsClosed() {
        StartedSession started = start(ACME, "alice");
        String token = started.token();
        String id = started.session().id();
        List<Executable> calls = List.of(
                () -> sessions.start("alice", IP, AGENT),
                () -> sessions.find(token),
                () -> sessions.touch(token),
                () -> sessions.list("alice"),
                () -> sessions.logout(token),
                () -> sessions.revoke(id),
                () -> sessions.revokeAll("alice"),
                () -> sessions.revokeAllExcept("alice", id));
        for (Executable call : calls) {
            assertThrows(MissingTenantException.class, call);
            Tenants.runAsSystem("test: system scope has no tenant",
                    () -> assertThrows(MissingTenantException.class, call));
        }
        assertEquals(1, stored().countDocuments());
        assertEquals(started.session(), find(ACME, token).orElseThrow(), "nothing was changed");
    }

    @Test
    void loginAndLogoutAreAudited() {
        StartedSession started = start(ACME, "alice");
        String id = started.session().id();
        List<AuditEntry> logins = audited(ACME, AuditAction.LOGIN);
        assertEquals(1, logins.size());
        AuditEntry login = logins.get(0);
        assertEquals(UserSessions.AUDIT_TARGET_TYPE, login.event().targetType());
        assertEquals(id, login.event().targetId());
        assertEquals("alice", login.actorId());
        assertEquals(IP, login.event().ip());
        assertEquals(AGENT, login.event().userAgent());
        assertEquals(clock.instant(), login.time());
        assertEquals(List.of(), audited(GLOBEX, AuditAction.LOGIN));

        clock.advance(Duration.ofMinutes(1));
        Tenants.run(ACME, () -> sessions.logout(started.token()));
        String other = start(ACME, "alice").session().id();
        Tenants.run(ACME, () -> sessions.revoke(other, "signed out by an admin"));
        start(ACME, "alice");
        start(ACME, "alice");
        Tenants.run(ACME, () -> sessions.revokeAll("alice", "password changed"));
        Tenants.run(ACME, () -> sessions.revokeAll("alice", "nothing left"));

        List<AuditEntry> logouts = audited(ACME, AuditAction.LOGOUT);
        assertEquals(3, logouts.size(), "logout, revoke, one for revokeAll; none when nothing was revoked");
        AuditEntry all = logouts.get(0); // newest first
        assertEquals("user", all.event().targetType());
        assertEquals("alice", all.event().targetId());
        assertTrue(all.event().summary().contains("2 sessions") && all.event().summary().contains("password changed"),
                all.event().summary());
        assertEquals(other, logouts.get(1).event().targetId());
        assertTrue(logouts.get(1).event().summary().contains("signed out by an admin"));
        assertEquals(id, logouts.get(2).event().targetId());
        assertEquals("alice", logouts.get(2).actorId());
        assertEquals(4, audited(ACME, AuditAction.LOGIN).size());
    }

    @Test
    void aLoginTheAuditTrailRefusesLeavesNoSession() {
        AuditTrail closed = AuditTrail.builder(client, database.getName()).collectionName("ClosedAudit")
                .asynchronous().build();
        closed.close();
        UserSessions refusing = UserSessions.builder(client, database.getName()).clock(clock).auditTrail(closed)
                .build();
        assertThrows(AuditOverflowException.class, () -> Tenants.run(ACME, () -> refusing.start("alice", IP, AGENT)));
        assertEquals(0, stored().countDocuments(), "the session was deleted again");
    }

    @Test
    void badInputIsRefusedClearlyAndWritesNothing() {
        String token = "A".repeat(43); // shaped like a token

        Tenants.run(ACME, () -> {
            assertMessage("user id", () -> sessions.start(" ", IP, AGENT));
            assertMessage("user id", () -> sessions.start("", IP, AGENT));
            assertMessage("user id", () -> sessions.start("u".repeat(UserSessions.MAX_USER_ID + 1), IP, AGENT));
            assertMessage("ip", () -> sessions.start("alice", "x".repeat(UserSessions.MAX_IP + 1), AGENT));
            assertThrows(NullPointerException.class, () -> sessions.start(null, IP, AGENT));
            assertThrows(NullPointerException.class, () -> sessions.find(null));
            assertThrows(NullPointerException.class, () -> sessions.touch(null));
            assertMessage("user id", () -> sessions.list(" "));
            assertMessage("user id", () -> sessions.revokeAll(""));
            assertMessage("reason", () -> sessions.revokeAll("alice", " "));
            assertMessage("never the token", () -> sessions.revoke(token));
            assertMessage("session id", () -> sessions.revoke("abc"));
            assertMessage("session id", () -> sessions.revokeAllExcept("alice", token));
            assertMessage("reason", () -> sessions.revoke("0".repeat(64), ""));
        });
        assertEquals(0, stored().countDocuments(), "nothing was written");
        assertEquals(0, database.getCollection(AuditTrail.DEFAULT_COLLECTION).countDocuments(), "nothing audited");

        UserSessions.Builder builder = UserSessions.builder(client, database.getName());
        assertMessage("idle timeout", () -> builder.idleTimeout(Duration.ZERO));
        assertMessage("idle timeout", () -> builder.idleTimeout(Duration.ofMinutes(-1)));
        assertMessage("max lifetime", () -> builder.maxLifetime(Duration.ZERO));
        assertMessage("max lifetime", () -> builder.maxLifetime(Duration.ofSeconds(-5)));
        assertMessage("collection name", () -> builder.collectionName("bad name"));
        assertMessage("tenant field", () -> builder.tenantField("userId"));
        assertMessage("tenant field", () -> builder.tenantField("a.b"));
        assertThrows(NullPointerException.class, () -> builder.clock(null));
        assertThrows(NullPointerException.class, () -> UserSessions.builder(null, "db"));
        IllegalStateException conflict = assertThrows(IllegalStateException.class,
                () -> builder.idleTimeout(Duration.ofHours(2)).maxLifetime(Duration.ofHours(1)).build());
        assertTrue(conflict.getMessage().contains("idle timeout"), conflict.getMessage());

        String longAgent = "a".repeat(2000);
        UserSession kept = Tenants.call(ACME, () -> sessions.start("alice", null, longAgent)).session();
        assertEquals(UserSession.MAX_USER_AGENT, kept.userAgent().length(), "an over-long user agent is cut");
        assertNull(kept.ip());
    }

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' not in: " + e.getMessage());
    }

    /** One recorded touch: whether the revoke had returned before it started, and what it returned. */
    private record TouchResult(boolean afterRevoke, Optional<UserSession> result) {
    }

    @Test
    void aRevokedSessionIsNotBroughtBackByConcurrentTouches() throws Exception {
        int touchers = 8;
        int postRevokeTouches = 25;
        ExecutorService pool = Executors.newFixedThreadPool(touchers + 1);
        try {
            for (int round = 0; round < 5; round++) {
                StartedSession started = start(ACME, "alice");
                String token = started.token();
                String id = started.session().id();
                AtomicBoolean revoked = new AtomicBoolean();
                CyclicBarrier go = new CyclicBarrier(touchers + 1);
                CountDownLatch someTouched = new CountDownLatch(touchers * 5);
                List<Future<List<TouchResult>>> touches = new ArrayList<>();
                for (int t = 0; t < touchers; t++) {
                    touches.add(pool.submit(() -> {
                        go.await(30, TimeUnit.SECONDS);
                        List<TouchResult> results = new ArrayList<>();
                        int after = 0;
                        while (after < postRevokeTouches) {
                            boolean afterRevoke = revoked.get();
                            clock.advance(Duration.ofMillis(1)); // times differ, so a late write would show
                            Optional<UserSession> result = touch(ACME, token);
                            results.add(new TouchResult(afterRevoke, result));
                            someTouched.countDown();
                            if (afterRevoke) {
                                after++;
                            }
                        }
                        return results;
                    }));
                }
                Future<Boolean> revoker = pool.submit(() -> {
                    go.await(30, TimeUnit.SECONDS);
                    assertTrue(someTouched.await(30, TimeUnit.SECONDS));
                    boolean done = Tenants.call(ACME, () -> sessions.revoke(id, "race"));
                    revoked.set(true);
                    return done;
                });
                assertTrue(revoker.get(60, TimeUnit.SECONDS), "the revoke found the session active");
                List<TouchResult> all = new ArrayList<>();
                for (Future<List<TouchResult>> f : touches) {
                    all.addAll(f.get(60, TimeUnit.SECONDS));
                }

                Document raw = stored().find(new Document("_id", id)).first();
                assertNotNull(raw, "round " + round);
                assertNotNull(raw.getDate("revokedAt"), "round " + round + ": the session stays revoked");
                assertEquals("race", raw.getString("revokeReason"));
                Instant storedLastSeen = raw.getDate("lastSeenAt").toInstant();
                Instant latestSuccess = Instant.MIN;
                int successes = 0;
                int afterRevoke = 0;
                for (TouchResult r : all) {
                    if (r.afterRevoke()) {
                        afterRevoke++;
                        assertEquals(Optional.empty(), r.result(), "round " + round + ": a touch that started after "
                                + "the revoke returned must find nothing");
                    }
                    if (r.result().isPresent()) {
                        UserSession s = r.result().get();
                        successes++;
                        assertNull(s.revokedAt(), "a touch never returns a revoked session");
                        assertFalse(s.lastSeenAt().isAfter(storedLastSeen), "round " + round + ": touch result "
                                + s.lastSeenAt() + " is later than the stored state " + storedLastSeen);
                        latestSuccess = s.lastSeenAt().isAfter(latestSuccess) ? s.lastSeenAt() : latestSuccess;
                    }
                }
                assertTrue(successes >= touchers * 5, "round " + round + ": touches succeeded before the revoke");
                assertEquals(touchers * postRevokeTouches, afterRevoke);
                assertEquals(storedLastSeen, latestSuccess, "round " + round + ": the stored session is as the last "
                        + "successful touch left it; nothing wrote to it after the revoke");
                assertEquals(Optional.empty(), touch(ACME, token));
                assertEquals(Optional.empty(), find(ACME, token));
                assertEquals(List.of(), listIds(ACME, "alice"));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
