package dev.tenantry.session;

import java.util.Objects;

/**
 * A session just started: the token to hand to the client (e.g. in a {@code Secure; HttpOnly} cookie) and the
 * session as stored. The token exists only here; the database holds its hash. {@link #toString()} leaves it out, so
 * logging this record does not leak it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param token the session token: 256 random bits, URL-safe base64 without padding (43 characters)
 * @param session the stored session
 * @since 0.1
 */
public record StartedSession(String token, UserSession session) {

    /** Checks that nothing is null. */
    public StartedSession {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(session, "session");
    }

    /** The session without its token. */
    @Override
    public String toString() {
        return "StartedSession[token=<redacted>, session=" + session + "]";
    }
}
