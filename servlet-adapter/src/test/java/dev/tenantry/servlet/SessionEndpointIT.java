package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.session.StartedSession;
import dev.tenantry.session.UserSessions;
import dev.tenantry.testing.MongoTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The session endpoints: a user lists and revokes their own sessions; another user's only with permission; another
 * tenant's never; bad ids get 400 and revoke nothing.
 */
@MongoTest
class SessionEndpointIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static UserSessions sessions;
    private static WebServer web;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        sessions = UserSessions.builder(client, database.getName()).build();
        web = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .userSessions(sessions).authorization((request, operation) -> request.isUserInRole("admin"))
                .build()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    private static StartedSession startSession(String tenant, String user) {
        return Tenants.call(TenantId.of(tenant), () -> sessions.start(user, "192.0.2.7", "phone"));
    }

    private static String[] as(String user, String... more) {
        String[] headers = new String[4 + more.length];
        headers[0] = "X-Tenant-ID";
        headers[1] = "acme";
        headers[2] = WebServer.USER;
        headers[3] = user;
        System.arraycopy(more, 0, headers, 4, more.length);
        return headers;
    }

    private static HttpResponse<String> delete(String path, String... headers) {
        return web.send(web.request(path, headers).DELETE().build());
    }

    private static boolean active(String tenant, StartedSession session) {
        return Tenants.call(TenantId.of(tenant), () -> sessions.find(session.token()).isPresent());
    }

    @Test
    void userListsTheirOwnSessionsWithoutTokens() {
        StartedSession one = startSession("acme", "lena");
        StartedSession two = startSession("acme", "lena");
        startSession("acme", "max");
        startSession("globex", "lena");
        HttpResponse<String> response = web.get("/api/sessions", as("lena"));
        assertEquals(200, response.statusCode(), response::body);
        JsonNode body = WebServer.json(response);
        assertEquals("lena", body.get("userId").asText());
        assertEquals(2, body.get("sessions").size());
        assertFalse(response.body().contains(one.token()) || response.body().contains(two.token()));
        assertEquals("phone", body.get("sessions").get(0).get("userAgent").asText());
    }

    @Test
    void userRevokesOneOfTheirSessions() {
        StartedSession keep = startSession("acme", "rita");
        StartedSession drop = startSession("acme", "rita");
        assertEquals(204, delete("/api/sessions/" + drop.session().id(), as("rita")).statusCode());
        assertFalse(active("acme", drop));
        assertTrue(active("acme", keep));
        assertEquals(404, delete("/api/sessions/" + drop.session().id(), as("rita")).statusCode(), "already gone");
    }

    @Test
    void userRevokesAllTheirSessions() {
        StartedSession a = startSession("acme", "otto");
        StartedSession b = startSession("acme", "otto");
        HttpResponse<String> response = delete("/api/sessions", as("otto"));
        assertEquals(200, response.statusCode());
        assertEquals(2, WebServer.json(response).get("revoked").asInt());
        assertFalse(active("acme", a) || active("acme", b));
    }

    @Test
    void anotherUsersSessionsNeedPermission() {
        StartedSession victim = startSession("acme", "vera");
        assertEquals(403, web.get("/api/sessions?userId=vera", as("mallory")).statusCode());
        assertEquals(404, delete("/api/sessions/" + victim.session().id(), as("mallory")).statusCode());
        assertEquals(403, delete("/api/sessions?userId=vera", as("mallory")).statusCode());
        assertTrue(active("acme", victim));

        JsonNode listed = WebServer.json(web.get("/api/sessions?userId=vera", as("ada", WebServer.ROLES, "admin")));
        assertEquals(1, listed.get("sessions").size());
        assertEquals(204, delete("/api/sessions/" + victim.session().id(), as("ada", WebServer.ROLES, "admin"))
                .statusCode());
        assertFalse(active("acme", victim));
    }

    @Test
    void anotherTenantsSessionCannotBeRevokedEvenByAnAdministrator() {
        StartedSession elsewhere = startSession("globex", "gus");
        assertEquals(404, delete("/api/sessions/" + elsewhere.session().id(), as("ada", WebServer.ROLES, "admin"))
                .statusCode());
        assertTrue(active("globex", elsewhere));
    }

    @Test
    void malformedRequestsGet4xxAndRevokeNothing() {
        StartedSession session = startSession("acme", "ivan");
        assertEquals(400, delete("/api/sessions/" + session.session().id().toUpperCase(java.util.Locale.ROOT),
                as("ivan")).statusCode());
        assertEquals(400, delete("/api/sessions/" + session.token(), as("ivan")).statusCode(), "a token is no id");
        assertEquals(400, delete("/api/sessions/x", as("ivan")).statusCode());
        assertEquals(400, web.get("/api/sessions?user=ivan", as("ivan")).statusCode());
        assertEquals(405, web.get("/api/sessions/" + session.session().id(), as("ivan")).statusCode());
        assertEquals(401, web.get("/api/sessions", "X-Tenant-ID", "acme").statusCode(), "anonymous");
        assertTrue(active("acme", session));
        assertTrue(Tenants.call(ACME, () -> sessions.list("ivan")).size() == 1);
    }
}
