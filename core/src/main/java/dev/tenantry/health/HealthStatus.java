package dev.tenantry.health;

import java.util.Locale;

/**
 * The state of a check or of a whole report, from best to worst. A report's status is the worst of its checks'.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum HealthStatus {

    /** Working as intended. */
    HEALTHY(200),

    /** Working, but something needs attention (a backlog, retried failures); still serves traffic. */
    DEGRADED(200),

    /** Not working: a load balancer or orchestrator should stop sending traffic. */
    UNHEALTHY(503);

    private final int httpStatus;
    private final String wireName;

    HealthStatus(int httpStatus) {
        this.httpStatus = httpStatus;
        this.wireName = name().toLowerCase(Locale.ROOT);
    }

    /** The HTTP status a health endpoint answers with: 200, or 503 when unhealthy. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The lower-case name used on the wire: {@code "healthy"}, {@code "degraded"} or {@code "unhealthy"}. */
    public String wireName() {
        return wireName;
    }

    /** The worse of this status and {@code other}. */
    public HealthStatus worse(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
