package dev.tenantry.examples.web;

import dev.tenantry.Tenants;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.directory.TenantRecord;
import dev.tenantry.examples.web.DemoUsers.DemoUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /}: for a browser (one that asks for HTML), a redirect to the admin console; for anything else (curl), what
 * this app is and which endpoints it has (no tenant needed). {@code GET /api/me}: the signed-in user, their roles and
 * their organization (name, plan, status). Anything else answers 404.
 */
final class IndexServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static final List<String> ENDPOINTS = List.of(
            "GET  /api/health  /api/health/live  /api/health/ready",
            "POST /api/login  {\"user\":\"alice\",\"password\":\"demo\"}   POST /api/logout (Bearer token)",
            "GET  /api/me",
            "GET|POST /api/customers   GET|DELETE /api/customers/{id}   POST /api/customers/{id}/restore",
            "GET|POST /api/services    GET|DELETE /api/services/{id}    POST /api/services/{id}/restore",
            "GET|POST /api/bookings    GET|DELETE /api/bookings/{id}    POST /api/bookings/{id}/restore",
            "GET  /api/rate-limit",
            "GET  /api/audit  /api/audit/export  /api/audit/verify   (admin)",
            "POST /api/exports {\"scope\":\"user\"|\"tenant\",\"format\":\"json\"|\"ndjson\"|\"csv\"}   "
                    + "GET /api/exports  /api/exports/{id}  /api/exports/{id}/download",
            "GET  /api/sessions   DELETE /api/sessions/{id}",
            "GET  /api/organization   POST|DELETE /api/organization/deletion {\"retentionDays\":30,"
                    + "\"confirm\":\"Acme Dental\"}   (admin)",
            "GET  /admin/   the admin console, in a browser");

    /** Where a browser asking for {@code /} is sent. */
    static final String CONSOLE = "/admin/";

    private final transient TenantDirectory directory;

    IndexServlet(TenantDirectory directory) {
        this.directory = directory;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
            switch (path) {
                case "/" -> {
                    if (wantsHtml(request)) {
                        response.setStatus(303);
                        response.setHeader("Location", CONSOLE);
                    } else {
                        index(response);
                    }
                }
                case "/api/me" -> me(request, response);
                default -> throw HttpJson.notFound("no such endpoint; GET / lists them");
            }
        } catch (HttpJson.Problem problem) {
            HttpJson.send(request, response, problem);
        }
    }

    /**
     * Whether the client asked for HTML: browsers put {@code text/html} in {@code Accept} when they open a page; curl
     * sends {@code *}{@code /*} and API clients {@code application/json}.
     */
    static boolean wantsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
    }

    private static void index(HttpServletResponse response) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Tenantry booking demo");
        body.put("console", "open " + CONSOLE + " in a browser: sign in to acme as alice (password demo)");
        body.put("tenant", "send X-Tenant-ID: acme (or globex), or use http://acme.localhost:<port>/");
        body.put("signIn", "DEMO ONLY: X-Demo-User: alice|bob|gina|gus, or POST /api/login and a Bearer token");
        body.put("endpoints", ENDPOINTS);
        HttpJson.write(response, 200, body);
    }

    private void me(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DemoUser user = DemoAuthentication.userOf(request).orElseThrow(() -> HttpJson.unauthorized(
                "sign in: send X-Demo-User, or Authorization: Bearer <token from POST /api/login>"));
        TenantRecord organization = directory.get(Tenants.current());
        Map<String, Object> org = new LinkedHashMap<>();
        org.put("id", organization.id().value());
        org.put("name", organization.name());
        org.put("plan", organization.plan());
        org.put("status", organization.status().name());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user.id());
        body.put("name", user.name());
        body.put("roles", new TreeSet<>(user.roles()));
        body.put("organization", org);
        HttpJson.write(response, 200, body);
    }
}
