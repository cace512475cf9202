package dev.tenantry.servlet;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers what the request's thread sees: the current tenant and audit context, and the thread's name, as JSON.
 * {@code ?fail=1} throws after looking, as an application bug would.
 */
class ProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The threads that served a failing request, with the tenant they saw. */
    static final Map<String, String> FAILED_ON = new java.util.concurrent.ConcurrentHashMap<>();

    static Map<String, Object> observe() {
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("tenant", Tenants.currentIfPresent().map(TenantId::value).orElse(null));
        AuditContext context = AuditContext.current().orElse(null);
        seen.put("actor", context == null ? null : context.actorId());
        seen.put("ip", context == null ? null : context.ip());
        seen.put("userAgent", context == null ? null : context.userAgent());
        seen.put("requestId", context == null ? null : context.requestId());
        seen.put("clientRequestId", context == null ? null : context.clientRequestId());
        seen.put("thread", Thread.currentThread().getName());
        return seen;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> seen = observe();
        if (request.getParameter("fail") != null) {
            FAILED_ON.put((String) seen.get("thread"), String.valueOf(seen.get("tenant")));
            throw new IllegalStateException("application bug on " + seen.get("thread"));
        }
        response.setContentType("application/json");
        WebServer.JSON.writeValue(response.getOutputStream(), seen);
    }
}
