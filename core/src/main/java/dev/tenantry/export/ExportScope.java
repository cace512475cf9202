package dev.tenantry.export;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an export covers: the whole current tenant, or one user's data within it, found through the user-reference
 * fields configured per collection ({@link DataExports.Builder#userReference}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param userId the user, or null for the whole tenant
 * @since 0.1
 */
public record ExportScope(@Nullable String userId) {

    /**
     * Checks the user id.
     *
     * @throws IllegalArgumentException if the user id is blank
     */
    public ExportScope {
        if (userId != null && userId.isBlank()) {
            throw new IllegalArgumentException("an export's user id must not be blank");
        }
    }

    /** Every registered collection of the tenant. */
    public static ExportScope tenant() {
        return new ExportScope(null);
    }

    /** The documents of the tenant's collections that reference {@code userId}. */
    public static ExportScope user(String userId) {
        return new ExportScope(Objects.requireNonNull(userId, "userId"));
    }

    /** Whether this is one user's data. */
    public boolean isUser() {
        return userId != null;
    }
}
