package dev.tenantry.health;

/**
 * One named health check, registered with {@link Health.Builder#liveness} or {@link Health.Builder#readiness}.
 *
 * <p>A check runs on a {@link Health} pool thread, bounded by a timeout: it should respond to interruption (the
 * MongoDB driver does) and may be called concurrently from several health requests only if no earlier run of it
 * is still going ({@link Health} never runs one check twice at the same time).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * Checks and reports. An exception makes the check {@link HealthStatus#UNHEALTHY} with the exception's message.
     *
     * @throws Exception when the check fails
     */
    CheckResult check() throws Exception;
}
