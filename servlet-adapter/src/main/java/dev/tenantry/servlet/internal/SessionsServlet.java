package dev.tenantry.servlet.internal;

import dev.tenantry.servlet.AuthorizationCheck.Operation;
import dev.tenantry.servlet.TenantryWebConfig;
import dev.tenantry.session.UserSession;
import dev.tenantry.session.UserSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A user's sessions: {@code GET <base>} lists the caller's active sessions (another user's with {@code ?userId=},
 * which needs {@link Operation#MANAGE_SESSIONS}), {@code DELETE <base>/<sessionId>} revokes one and {@code DELETE
 * <base>} revokes all of the caller's (or, with {@code ?userId=}, another user's). A session that is not the
 * caller's, and the caller may not manage, is answered as not found.
 */
public final class SessionsServlet extends EndpointServlet {
    private static final long serialVersionUID = 1L;

    private static final Pattern SESSION_ID = Pattern.compile("[0-9a-f]{64}");

    private final transient UserSessions sessions;

    /** Serving {@code sessions} as {@code config} says. */
    public SessionsServlet(UserSessions sessions, TenantryWebConfig config) {
        super(config.sessionsPath(), config);
        this.sessions = sessions;
    }

    @Override
    void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (rest.isEmpty()) {
            switch (method) {
                case "GET" -> list(request, response);
                case "DELETE" -> revokeAll(request, response);
                default -> throw notAllowed(response, method, "GET", "HEAD", "DELETE");
            }
            return;
        }
        String id = rest.substring(1);
        if (!method.equals("DELETE")) {
            throw notAllowed(response, method, "DELETE");
        }
        revoke(id, request, response);
    }

    private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = user(request, response);
        List<Map<String, Object>> items = new ArrayList<>();
        for (UserSession session : sessions.list(user)) {
            items.add(toMap(session));
        }
        Json.write(response, 200, Map.of("userId", user, "sessions", items));
    }

    private void revokeAll(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = user(request, response);
        long revoked = sessions.revokeAll(user, "all sessions revoked by " + (user.equals(actor(request, response))
                ? "the user" : "an administrator"));
        Json.write(response, 200, Map.of("userId", user, "revoked", revoked));
    }

    private void revoke(String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        params(request, Set.of());
        if (!SESSION_ID.matcher(id).matches()) {
            throw new EndpointException(Problems.badRequest("a session id is 64 lower-case hex digits, was '"
                    + clip(id) + "'"));
        }
        // a user's own sessions only (checked in the revoking write), unless the caller may manage sessions
        boolean revoked = permits(request, Operation.MANAGE_SESSIONS)
                ? sessions.revoke(id, "revoked by an administrator")
                : sessions.revokeForUser(actor(request, response), id, "revoked by the user");
        if (!revoked) {
            throw new EndpointException(Problems.notFound("no active session " + id));
        }
        response.setStatus(204);
    }

    /** The user whose sessions are meant: the caller, or {@code ?userId=} when the caller may manage sessions. */
    private String user(HttpServletRequest request, HttpServletResponse response) {
        String actor = actor(request, response);
        String user = params(request, Set.of("userId")).get("userId");
        if (user == null || user.equals(actor)) {
            return actor;
        }
        require(request, Operation.MANAGE_SESSIONS);
        return user;
    }

    private static Map<String, Object> toMap(UserSession session) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", session.id());
        map.put("userId", session.userId());
        AuditServlet.putIfPresent(map, "ip", session.ip());
        AuditServlet.putIfPresent(map, "userAgent", session.userAgent());
        map.put("createdAt", session.createdAt().toString());
        map.put("lastSeenAt", session.lastSeenAt().toString());
        map.put("expiresAt", session.expiresAt().toString());
        return map;
    }
}
