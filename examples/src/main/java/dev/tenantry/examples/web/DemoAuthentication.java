package dev.tenantry.examples.web;

import dev.tenantry.InvalidTenantIdException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.directory.TenantStatusException;
import dev.tenantry.examples.web.DemoUsers.DemoUser;
import dev.tenantry.servlet.TenantResolver;
import dev.tenantry.servlet.TenantryServlet;
import dev.tenantry.servlet.TenantryWebConfig;
import dev.tenantry.session.UserSession;
import dev.tenantry.session.UserSessions;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The demo's authentication. DEMO ONLY: it trusts a header, which no real application may do.
 *
 * <p>A request is signed in as a {@link DemoUsers demo user} by {@code Authorization: Bearer <token>} with a token
 * from {@code POST /api/login} (a live {@link UserSessions} session of the request's tenant, touched on every use), or,
 * to keep curl commands short, by {@code X-Demo-User: <user id>}. Requests with neither are anonymous. A bad token or
 * an unknown user is reported to Tenantry ({@link TenantryServlet#authenticationFailed}), which counts it against the
 * client address and the named user, audits it, and answers 401, or 429 once failures exceed their limit. The principal carries the user's roles ({@link HttpServletRequest#isUserInRole}), which
 * Tenantry's {@code AuthorizationCheck.role("admin")} asks.
 *
 * <p>It runs before Tenantry's filters, as an application's own authentication would, so the audit context knows the
 * actor; to find a token's session it reads the request's tenant with the same resolvers the tenant filter uses.
 */
final class DemoAuthentication implements Filter {

    /** The demo's user header. */
    static final String USER_HEADER = "X-Demo-User";
    /** The request attribute holding the session id of a bearer token. */
    static final String SESSION_ATTRIBUTE = DemoAuthentication.class.getName() + ".session";
    /** The request attribute holding the bearer token. */
    static final String TOKEN_ATTRIBUTE = DemoAuthentication.class.getName() + ".token";

    private final List<TenantResolver> tenantResolvers;
    private final UserSessions sessions;
    private final List<String> lifecyclePaths;

    /** Reads tenants as {@code config} does. */
    DemoAuthentication(TenantryWebConfig config, UserSessions sessions) {
        this.tenantResolvers = config.tenantResolvers();
        this.sessions = sessions;
        List<String> lifecycle = new ArrayList<>(List.of(config.organizationPath()));
        config.console().ifPresent(console -> lifecycle.add(console.path() + "/context"));
        this.lifecyclePaths = List.copyOf(lifecycle);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getUserPrincipal() != null) {
            chain.doFilter(req, res);
            return;
        }
        String authorization = request.getHeader("Authorization");
        String demoUser = request.getHeader(USER_HEADER);
        DemoUser user;
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                fail(request, response, chain, null, "not a bearer token");
                return;
            }
            String token = authorization.substring(7).trim();
            Optional<UserSession> session = session(request, token);
            user = session.flatMap(s -> DemoUsers.find(s.userId())).orElse(null);
            if (user == null) {
                fail(request, response, chain, null, "no live session for the token");
                return;
            }
            request.setAttribute(SESSION_ATTRIBUTE, session.get().id());
            request.setAttribute(TOKEN_ATTRIBUTE, token);
        } else if (demoUser != null) {
            user = DemoUsers.find(demoUser).orElse(null);
            if (user == null) {
                fail(request, response, chain, demoUser, "unknown demo user");
                return;
            }
        } else {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new SignedIn(request, user), response);
    }

    /**
     * The live session of {@code token} in the request's tenant, touched; empty if there is none.
     *
     * <p>Where sessions live in a {@code TenantDatabase} that the directory guards, a suspended organization's (or one
     * scheduled for deletion) cannot be read in its scope, and Tenantry answers 403 for it. Its administrators must
     * still reach its organization endpoints and the console's context to cancel a deletion: for those paths only, the
     * token is then checked in system scope (which an audit trail wired to that database records as SYSTEM_ACCESS,
     * with this reason). The demo's sessions are not in the guarded database, so this path is the fallback.
     */
    private Optional<UserSession> session(HttpServletRequest request, String token) {
        TenantId tenant = tenantOf(request);
        if (tenant == null) {
            return Optional.empty();
        }
        try {
            return Tenants.call(tenant, () -> sessions.touch(token));
        } catch (TenantStatusException e) {
            String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
            boolean lifecycle = lifecyclePaths.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
            if (!lifecycle) {
                return Optional.empty(); // Tenantry's tenant filter answers 403 for it
            }
            return Tenants.callAsSystem("demo sign-in check for tenant '" + tenant + "', which is " + e.status()
                    + ", on its organization endpoints", () -> Tenants.call(tenant, () -> sessions.touch(token)));
        }
    }

    private @Nullable TenantId tenantOf(HttpServletRequest request) {
        try {
            for (TenantResolver resolver : tenantResolvers) {
                String raw = resolver.resolve(request);
                if (raw != null) {
                    return TenantId.of(raw);
                }
            }
        } catch (InvalidTenantIdException e) {
            return null; // Tenantry's tenant filter answers 400 for it
        }
        return null;
    }

    /**
     * Reports the failure to Tenantry. This filter runs before Tenantry's tenant filter, so Tenantry notes it and the
     * request goes on unauthenticated; Tenantry answers it once the tenant is checked.
     */
    private static void fail(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                             @Nullable String attemptedUser, String reason) throws IOException, ServletException {
        if (!TenantryServlet.authenticationFailed(request, response, attemptedUser, reason)) {
            chain.doFilter(request, response);
        }
    }

    /** The demo user of a request, with their roles. */
    static Optional<DemoUser> userOf(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        return principal == null ? Optional.empty() : DemoUsers.find(principal.getName());
    }

    /** A request signed in as a demo user. */
    private static final class SignedIn extends HttpServletRequestWrapper {
        private final DemoUser user;
        private final Principal principal;

        SignedIn(HttpServletRequest request, DemoUser user) {
            super(request);
            this.user = user;
            this.principal = user::id;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return user.id();
        }

        @Override
        public String getAuthType() {
            return "DEMO";
        }

        @Override
        public boolean isUserInRole(String role) {
            return user.roles().contains(role);
        }
    }
}
