package dev.tenantry.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link HealthCheck} found: a status, an optional message and details (counters, timings, names).
 *
 * <p>Detail values should be strings, numbers, booleans, lists or maps of those, so reports serialize as JSON as they
 * are. The detail map keeps its insertion order and cannot be modified.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status the check's status
 * @param message why, when not healthy; may be {@code null}
 * @param detail named values, in insertion order
 * @since 0.1
 */
public record CheckResult(HealthStatus status, @Nullable String message, Map<String, Object> detail) {

    /** Validates and copies the detail. */
    public CheckResult {
        Objects.requireNonNull(status, "status");
        detail = copyOf(detail);
    }

    /** Healthy, with no message. */
    public static CheckResult healthy() {
        return new CheckResult(HealthStatus.HEALTHY, null, Map.of());
    }

    /** Healthy, with a message. */
    public static CheckResult healthy(String message) {
        return new CheckResult(HealthStatus.HEALTHY, Objects.requireNonNull(message, "message"), Map.of());
    }

    /** Degraded, saying why. */
    public static CheckResult degraded(String message) {
        return new CheckResult(HealthStatus.DEGRADED, Objects.requireNonNull(message, "message"), Map.of());
    }

    /** Unhealthy, saying why. */
    public static CheckResult unhealthy(String message) {
        return new CheckResult(HealthStatus.UNHEALTHY, Objects.requireNonNull(message, "message"), Map.of());
    }

    /** This result with one more detail (replacing an earlier value of the same key). */
    public CheckResult withDetail(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(detail);
        more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new CheckResult(status, message, more);
    }

    static Map<String, Object> copyOf(Map<String, Object> detail) {
        Objects.requireNonNull(detail, "detail");
        Map<String, Object> copy = new LinkedHashMap<>();
        detail.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "detail key"),
                Objects.requireNonNull(v, () -> "detail value of " + k)));
        return Collections.unmodifiableMap(copy);
    }
}
