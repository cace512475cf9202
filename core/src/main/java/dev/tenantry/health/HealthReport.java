package dev.tenantry.health;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of running a group of checks: the worst of their statuses, when they ran, and each check's report by
 * name (in registration order).
 *
 * <pre>{@code
 * HealthReport report = health.readiness();
 * response.setStatus(report.httpStatus());
 * json.writeValue(response.getOutputStream(), report.toMap());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param status the worst status of the checks; healthy when there are none
 * @param checkedAt when the checks started, from the registry's clock
 * @param checks each check's report by name
 * @since 0.1
 */
public record HealthReport(HealthStatus status, Instant checkedAt, Map<String, CheckReport> checks) {

    /** Validates and copies the checks. */
    public HealthReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checkedAt, "checkedAt");
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(checks, "checks")));
    }

    /** The HTTP status to answer with: 200, or 503 when unhealthy. */
    public int httpStatus() {
        return status.httpStatus();
    }

    /**
     * This report as plain strings, numbers, maps and lists for any JSON writer: {@code status} (wire name, e.g.
     * {@code "healthy"}), {@code checkedAt} (ISO-8601) and {@code checks} (name to {@link CheckReport#toMap()}).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> byName = new LinkedHashMap<>();
        checks.forEach((name, check) -> byName.put(name, check.toMap()));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("status", status.wireName());
        map.put("checkedAt", checkedAt.toString());
        map.put("checks", byName);
        return map;
    }
}
