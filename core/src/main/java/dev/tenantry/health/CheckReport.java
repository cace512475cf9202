package dev.tenantry.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One check's part of a {@link HealthReport}: its result and how long it took.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status the check's status
 * @param message why, when not healthy; may be {@code null}
 * @param durationMillis how long the check ran, or the timeout when it did not answer in time
 * @param detail named values from the check, in insertion order
 * @since 0.1
 */
public record CheckReport(HealthStatus status, @Nullable String message, long durationMillis,
                          Map<String, Object> detail) {

    /** Validates and copies the detail. */
    public CheckReport {
        Objects.requireNonNull(status, "status");
        detail = CheckResult.copyOf(detail);
    }

    /**
     * This report as plain values for a JSON writer: {@code status} (wire name), {@code message} (when there is one),
     * {@code durationMillis} and {@code detail} (when not empty).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("status", status.wireName());
        if (message != null) {
            map.put("message", message);
        }
        map.put("durationMillis", durationMillis);
        if (!detail.isEmpty()) {
            map.put("detail", detail);
        }
        return map;
    }
}
