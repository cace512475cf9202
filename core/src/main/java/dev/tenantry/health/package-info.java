/**
 * Health checks: named {@link dev.tenantry.health.HealthCheck}s registered with a {@link dev.tenantry.health.Health}
 * registry as liveness (the process itself) or readiness (the external systems it needs, such as MongoDB), run in
 * parallel with a timeout each, and rolled up to {@linkplain dev.tenantry.health.HealthStatus healthy, degraded or
 * unhealthy} with per-check detail in a {@link dev.tenantry.health.HealthReport}. {@link
 * dev.tenantry.health.HealthChecks} builds the checks for MongoDB, the audit trail and the shared rate-limit store.
 *
 * <p>The roll-up and the HTTP codes follow Spring Boot Actuator and MicroProfile Health: the worst status wins, and
 * only unhealthy answers 503.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.health;

import org.jspecify.annotations.NullMarked;
