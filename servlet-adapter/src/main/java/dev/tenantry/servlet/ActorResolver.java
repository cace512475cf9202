package dev.tenantry.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.jspecify.annotations.Nullable;

/**
 * Says who makes a request: the user id recorded as the actor of audit entries made during it, used as the user of
 * per-user rate limits, and the owner of the caller's own sessions and data exports. {@code null} means anonymous.
 *
 * <p>The default, {@link #principal()}, reads the name of the {@link Principal} the application's own authentication
 * set; plug in another to read a token or a session. Implementations must be thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ActorResolver {

    /** The caller's user id, or {@code null} if the request is anonymous. */
    @Nullable String actorOf(HttpServletRequest request);

    /** The name of the request's {@link Principal}, or {@code null} when there is none. */
    static ActorResolver principal() {
        return request -> {
            Principal principal = request.getUserPrincipal();
            return principal == null ? null : principal.getName();
        };
    }
}
