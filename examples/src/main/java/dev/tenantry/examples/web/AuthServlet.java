package dev.tenantry.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.Tenants;
import dev.tenantry.examples.web.DemoUsers.DemoUser;
import dev.tenantry.servlet.ProblemDetails;
import dev.tenantry.servlet.TenantryServlet;
import dev.tenantry.session.StartedSession;
import dev.tenantry.session.UserSessions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in and out of the request's organization, with {@link UserSessions}: {@code POST /api/login} with {@code
 * {"user": "alice", "password": "demo"}} starts a session (a LOGIN audit entry) and answers its bearer token; {@code
 * POST /api/logout} with that token revokes it (a LOGOUT audit entry). A failed sign-in, for an unknown user or a wrong
 * password alike, is reported to Tenantry, which audits it as a LOGIN with outcome FAILURE, limits failures per client
 * address and per attempted user, and answers 401 (or 429); past that limit the password is not even checked. DEMO
 * ONLY: every demo user's password is {@value DemoUsers#PASSWORD}.
 */
final class AuthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient UserSessions sessions;
    AuthServlet(UserSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!request.getMethod().equals("POST")) {
                response.setHeader("Allow", "POST");
                throw new HttpJson.Problem(ProblemDetails.of(405, "method-not-allowed", "Method not allowed",
                        "allowed here: POST"));
            }
            switch (request.getServletPath()) {
                case "/api/login" -> login(request, response);
                case "/api/logout" -> logout(request, response);
                default -> throw HttpJson.notFound("no such endpoint");
            }
        } catch (HttpJson.Problem problem) {
            HttpJson.send(request, response, problem);
        }
    }

    private void login(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = HttpJson.readObject(request);
        JsonNode userNode = body.get("user");
        JsonNode passwordNode = body.get("password");
        if (userNode == null || !userNode.isTextual() || passwordNode == null || !passwordNode.isTextual()) {
            throw HttpJson.badRequest("send {\"user\": \"...\", \"password\": \"...\"}");
        }
        String userId = userNode.asText();
        if (!TenantryServlet.mayAttemptAuthentication(request, response, userId)) {
            return; // too many failures from this address or for this user: 429, the password is not checked
        }
        Optional<DemoUser> user = DemoUsers.find(userId).filter(u -> u.tenant().equals(Tenants.current()));
        if (user.isEmpty() || !passwordNode.asText().equals(DemoUsers.PASSWORD)) {
            // Same answer for an unknown user and a wrong password; the audit log says which.
            TenantryServlet.authenticationFailed(request, response, userId, user.isEmpty() ? "unknown user"
                    : "wrong password");
            return;
        }
        StartedSession started = sessions.start(userId, TenantryServlet.clientIpOf(request),
                request.getHeader("User-Agent"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", started.token());
        answer.put("tokenType", "Bearer");
        answer.put("sessionId", started.session().id());
        answer.put("user", userId);
        answer.put("tenant", Tenants.current().value());
        answer.put("expiresAt", started.session().expiresAt().toString());
        HttpJson.write(response, 201, answer);
    }

    private void logout(HttpServletRequest request, HttpServletResponse response) {
        Object token = request.getAttribute(DemoAuthentication.TOKEN_ATTRIBUTE);
        if (!(token instanceof String bearer)) {
            throw HttpJson.unauthorized("send the session's token: Authorization: Bearer <token>");
        }
        if (!sessions.logout(bearer)) {
            throw HttpJson.unauthorized("the session has expired or was revoked already");
        }
        response.setStatus(204);
    }
}
