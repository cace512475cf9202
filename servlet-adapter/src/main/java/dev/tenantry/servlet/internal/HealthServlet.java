package dev.tenantry.servlet.internal;

import dev.tenantry.health.Health;
import dev.tenantry.health.HealthReport;
import dev.tenantry.servlet.AuthorizationCheck;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health endpoints: {@code <base>} (every check), {@code <base>/live} (liveness) and {@code <base>/ready}
 * (readiness); 200 when healthy or degraded, 503 when unhealthy, as Spring Boot Actuator and MicroProfile Health
 * answer. The body names the status; each check's detail only for callers permitted to see it.
 */
public final class HealthServlet extends EndpointServlet {
    private static final long serialVersionUID = 1L;

    private final transient Health health;
    private final boolean publicDetails;

    /** Serving {@code health} as {@code config} says. */
    public HealthServlet(Health health, TenantryWebConfig config) {
        super(config.healthPath(), config);
        this.health = health;
        this.publicDetails = config.publicHealthDetails();
    }

    @Override
    void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!method.equals("GET")) {
            throw notAllowed(response, method, "GET", "HEAD");
        }
        HealthReport report = switch (rest) {
            case "" -> health.report();
            case "/live" -> health.liveness();
            case "/ready" -> health.readiness();
            default -> throw noSuchPath();
        };
        Map<String, Object> body = report.toMap();
        if (!publicDetails && !permits(request, AuthorizationCheck.Operation.VIEW_HEALTH_DETAILS)) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("status", body.get("status"));
            summary.put("checkedAt", body.get("checkedAt"));
            body = summary;
        }
        Json.write(response, report.httpStatus(), body);
    }
}
