package dev.tenantry.session;

import dev.tenantry.TenantId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user's session as stored. It holds no token: {@link #id()} is the SHA-256 hash of the token, so it can be shown
 * (a "your devices" page) and passed to {@link UserSessions#revoke(String)} without letting anyone sign in with it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the session id: the lower-case hex SHA-256 of the session token (64 characters)
 * @param tenant the tenant the session belongs to
 * @param userId the signed-in user
 * @param ip the client's address when the session started, or null if unknown
 * @param userAgent the client's user agent (device) when the session started, at most {@value #MAX_USER_AGENT}
 *     characters, or null if unknown
 * @param createdAt when the session started
 * @param lastSeenAt when the session was last started or touched
 * @param expiresAt when the session expires unless touched again; never later than {@code createdAt} plus the
 *     maximum lifetime
 * @param revokedAt when the session was revoked, or null
 * @param revokeReason why the session was revoked, or null
 * @since 0.1
 */
public record UserSession(String id, TenantId tenant, String userId, @Nullable String ip, @Nullable String userAgent,
                          Instant createdAt, Instant lastSeenAt, Instant expiresAt, @Nullable Instant revokedAt,
                          @Nullable String revokeReason) {

    /** The version of the stored document format this library writes (field {@code v}). */
    public static final int FORMAT_VERSION = 1;

    /** The longest user agent kept; longer ones are cut to this length. */
    public static final int MAX_USER_AGENT = 512;

    /** Checks that nothing required is null. */
    public UserSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the session is revoked. */
    public boolean isRevoked() {
        return revokedAt != null;
    }

    /** Whether the session is usable at {@code now}: not revoked and not expired. */
    public boolean isActiveAt(Instant now) {
        Objects.requireNonNull(now, "now");
        return revokedAt == null && expiresAt.isAfter(now);
    }
}
