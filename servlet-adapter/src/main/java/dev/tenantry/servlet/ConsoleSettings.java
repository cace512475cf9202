package dev.tenantry.servlet;

import dev.tenantry.servlet.internal.Paths;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The admin console: where it is served and how a browser signs in to it. Given to {@link
 * TenantryWebConfig.Builder#console}, it turns the console on; without it there is none. Immutable and thread-safe.
 *
 * <p>The console is a set of plain HTML, CSS and JavaScript files shipped inside this jar, served below {@link #path()}
 * under a Content-Security-Policy that allows nothing but the application's own origin ({@value
 * #CONTENT_SECURITY_POLICY}): no inline script or style, no outside request. Its pages hold no data; everything they
 * show comes from Tenantry's JSON endpoints (audit, exports, sessions, health, rate limit, organization), which check
 * the caller as they always do, plus {@code <path>/context}, which says who the caller is and whether the {@link
 * AuthorizationCheck} permits them {@link AuthorizationCheck.Operation#USE_CONSOLE} in the request's tenant.
 *
 * <p>It has no users of its own. A browser that carries the application's credentials by itself (a session cookie)
 * needs nothing more. For an application whose clients send bearer tokens, name the endpoint that issues them ({@link
 * Builder#signInEndpoint}): the console then shows a sign-in page, posts {@code {"user": ..., "password": ...}} there
 * as JSON, and keeps the {@code token} of the answer for the browser tab only (its {@code sessionStorage}), sending it
 * as {@code Authorization: Bearer <token>}.
 *
 * <pre>{@code
 * TenantryWebConfig.builder()
 *         ...
 *         .console(ConsoleSettings.builder().signInEndpoint("/api/login").signOutEndpoint("/api/logout")
 *                 .tenantHeader("X-Tenant-ID").build())
 *         .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class ConsoleSettings {

    /** The path the console is served at unless told otherwise. */
    public static final String DEFAULT_PATH = "/admin";

    /**
     * The Content-Security-Policy of every console page and file: the application's own origin only, for scripts,
     * styles, images and requests; no inline script, style or event handler; no plugins, frames or form posts
     * elsewhere.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /** The console's pages, as paths below {@link #path()} ({@code ""} is the dashboard). */
    public static final List<String> PAGES = List.of("/", "/audit", "/exports", "/sessions", "/organization",
            "/sign-in");

    private final String path;
    private final @Nullable String signInEndpoint;
    private final @Nullable String signOutEndpoint;
    private final @Nullable String tenantHeader;

    private ConsoleSettings(Builder b) {
        this.path = b.path;
        this.signInEndpoint = b.signInEndpoint;
        this.signOutEndpoint = b.signOutEndpoint;
        this.tenantHeader = b.tenantHeader;
    }

    /** Starts building console settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The console at {@value #DEFAULT_PATH}, for browsers that carry their credentials themselves. */
    public static ConsoleSettings defaults() {
        return builder().build();
    }

    /** The path within the application the console is served at. */
    public String path() {
        return path;
    }

    /** The endpoint the sign-in page posts to for a bearer token; empty when the console shows no sign-in page. */
    public Optional<String> signInEndpoint() {
        return Optional.ofNullable(signInEndpoint);
    }

    /** The endpoint the console posts to, with the token, when the user signs out; empty if there is none. */
    public Optional<String> signOutEndpoint() {
        return Optional.ofNullable(signOutEndpoint);
    }

    /**
     * The header the console names its organization in, when the page's own address does not say (the sign-in page
     * then asks for it); empty when the address always does (a subdomain, say).
     */
    public Optional<String> tenantHeader() {
        return Optional.ofNullable(tenantHeader);
    }

    /**
     * Builds {@link ConsoleSettings}. Setters check their argument at once and name the bad value. Not thread-safe.
     */
    public static final class Builder {
        private String path = DEFAULT_PATH;
        private @Nullable String signInEndpoint;
        private @Nullable String signOutEndpoint;
        private @Nullable String tenantHeader;

        private Builder() {
        }

        /**
         * The path the console is served at (default {@value #DEFAULT_PATH}).
         *
         * @throws IllegalArgumentException if it does not start with '/', ends with '/', holds '*', or holds a
         *     character other than letters, digits, '/', '-', '_' and '.'
         */
        public Builder path(String path) {
            this.path = safePath("console path", path);
            return this;
        }

        /**
         * The application's endpoint that issues bearer tokens: the console shows a sign-in page, posts {@code
         * {"user": ..., "password": ...}} to it as JSON, and expects a 2xx answer whose JSON object holds the {@code
         * token}.
         *
         * @throws IllegalArgumentException as {@link #path(String)} does
         */
        public Builder signInEndpoint(String path) {
            this.signInEndpoint = safePath("sign-in endpoint", path);
            return this;
        }

        /**
         * The application's endpoint that ends the signed-in session: the console posts to it, with the token, when
         * the user signs out (and forgets the token whatever it answers).
         *
         * @throws IllegalArgumentException as {@link #path(String)} does
         */
        public Builder signOutEndpoint(String path) {
            this.signOutEndpoint = safePath("sign-out endpoint", path);
            return this;
        }

        /**
         * The header that names the tenant, for applications that read it from a header ({@link
         * TenantResolver#header(String)}): when the console's own address names no organization, its sign-in page
         * asks for one and the console sends it in this header with every request.
         *
         * @throws IllegalArgumentException if it is not a header name
         */
        public Builder tenantHeader(String name) {
            this.tenantHeader = TenantryWebConfig.Builder.headerName(name);
            return this;
        }

        /** Builds the settings. */
        public ConsoleSettings build() {
            return new ConsoleSettings(this);
        }

        /** Paths are written into the console's page and its JSON, so they keep to characters that need no escaping. */
        private static String safePath(String what, String path) {
            Paths.checkEndpoint(Objects.requireNonNull(path, what));
            if (!path.matches("[A-Za-z0-9/._-]+") || path.contains("//") || path.contains("/./")
                    || path.contains("/../") || path.endsWith("/..") || path.endsWith("/.")) {
                throw new IllegalArgumentException(what + " must be letters, digits, '/', '-', '_' and '.' in "
                        + "plain segments, was '" + path + "'");
            }
            return path;
        }
    }
}
