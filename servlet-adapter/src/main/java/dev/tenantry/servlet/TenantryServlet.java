package dev.tenantry.servlet;

import dev.tenantry.TenantId;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.servlet.internal.Attributes;
import dev.tenantry.servlet.internal.AuditServlet;
import dev.tenantry.servlet.internal.AuthFailure;
import dev.tenantry.servlet.internal.ClientAddress;
import dev.tenantry.servlet.internal.ConsoleServlet;
import dev.tenantry.servlet.internal.ExportsServlet;
import dev.tenantry.servlet.internal.FrontFilter;
import dev.tenantry.servlet.internal.HealthServlet;
import dev.tenantry.servlet.internal.OrganizationServlet;
import dev.tenantry.servlet.internal.RateLimitFilter;
import dev.tenantry.servlet.internal.RateLimitServlet;
import dev.tenantry.servlet.internal.RequestContextFilter;
import dev.tenantry.servlet.internal.SessionsServlet;
import dev.tenantry.servlet.internal.TenantFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one way in: {@link #install} puts Tenantry's filters and endpoints into a {@link ServletContext}, in any
 * Servlet 6 container; the other methods read what the filters found out about a request.
 *
 * <p>Filters, mapped to {@link TenantryWebConfig#urlPatterns()}. First, before the filters declared in {@code
 * web.xml} and those the application registered (so before its authentication):
 * <ol>
 *   <li>front: the server's request id (and the client's correlation id, kept apart), the client address, the
 *       security headers, {@code TRACE} refused, and every error an RFC 9457 problem: {@code sendError}, error
 *       statuses without a body, exceptions that escape (every dispatch, errors included).</li>
 * </ol>
 * Then, after the filters declared in {@code web.xml} and those the application registered before calling {@code
 * install} (so its authentication has run and the principal is known):
 * <ol>
 *   <li>request context: the actor, with the front filter's findings and the user agent, as the {@link
 *       dev.tenantry.audit.AuditContext} of the request;</li>
 *   <li>tenant: resolves the tenant and runs the rest of the request in its scope;</li>
 *   <li>limits: signed-in callers by their tenant's plan, anonymous callers per client address, failed
 *       authentications per client address and per attempted user, each in buckets of their own.</li>
 * </ol>
 * Errors the container raises before any filter runs (a malformed request line, header fields too large) are outside
 * the Servlet API's reach; on Jetty 12, {@link dev.tenantry.servlet.jetty.ProblemErrorHandler} answers them as
 * problems too.
 * Endpoints, for each service configured: health, rate-limit state, audit log, data exports, sessions, the
 * organization (with a directory), and the admin console when {@link TenantryWebConfig.Builder#console} turns it on
 * (see {@link TenantryWebConfig}). Every filter and endpoint supports async requests.
 *
 * <pre>{@code
 * public final class Startup implements ServletContainerInitializer {
 *     public void onStartup(Set<Class<?>> classes, ServletContext context) {
 *         context.addFilter("auth", new MyAuthFilter()).addMappingForUrlPatterns(null, false, "/*");
 *         TenantryServlet.install(context, config);
 *     }
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe; call {@link #install} once per servlet context, while it starts.
 *
 * @since 0.1
 */
public final class TenantryServlet {

    /** The prefix of the names the filters and servlets are registered under. */
    public static final String NAME_PREFIX = "tenantry-";

    private TenantryServlet() {
    }

    /**
     * Registers the filters and endpoints {@code config} describes. Call it while the context starts: from a {@link
     * jakarta.servlet.ServletContainerInitializer} or a {@link jakarta.servlet.ServletContextListener}.
     *
     * @throws IllegalStateException if the context has started already, or Tenantry is installed in it already
     */
    public static void install(ServletContext context, TenantryWebConfig config) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(config, "config");
        EnumSet<DispatcherType> everyDispatch = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                DispatcherType.FORWARD, DispatcherType.ERROR);
        filter(context, "front", new FrontFilter(config), config, everyDispatch, false);
        filter(context, "request-context", new RequestContextFilter(config.actorResolver(),
                new ClientAddress(config.trustedProxies())), config, everyDispatch, true);
        filter(context, "tenant", new TenantFilter(config), config, everyDispatch, true);
        filter(context, "limits", new RateLimitFilter(config), config, EnumSet.of(DispatcherType.REQUEST), true);

        config.health().ifPresent(health -> servlet(context, "health", new HealthServlet(health, config),
                config.healthPath()));
        config.rateLimiter().ifPresent(limiter -> servlet(context, "rate-limit", new RateLimitServlet(config),
                config.rateLimitPath()));
        config.auditTrail().ifPresent(trail -> servlet(context, "audit", new AuditServlet(trail, config),
                config.auditPath()));
        config.dataExports().ifPresent(exports -> servlet(context, "exports", new ExportsServlet(exports, config),
                config.exportsPath()));
        config.userSessions().ifPresent(sessions -> servlet(context, "sessions",
                new SessionsServlet(sessions, config), config.sessionsPath()));
        config.tenantDirectory().ifPresent(directory -> servlet(context, "organization",
                new OrganizationServlet(directory, config), config.organizationPath()));
        config.console().ifPresent(console -> servlet(context, "console", new ConsoleServlet(console, config),
                console.path()));
    }

    private static void filter(ServletContext context, String name, Filter filter, TenantryWebConfig config,
                               EnumSet<DispatcherType> dispatches, boolean afterTheApplications) {
        FilterRegistration.Dynamic registration = context.addFilter(NAME_PREFIX + name, filter);
        if (registration == null) {
            throw new IllegalStateException("a filter named '" + NAME_PREFIX + name + "' is registered already; "
                    + "install Tenantry once per context");
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(dispatches, afterTheApplications,
                config.urlPatterns().toArray(String[]::new));
    }

    private static void servlet(ServletContext context, String name, Servlet servlet, String path) {
        ServletRegistration.Dynamic registration = context.addServlet(NAME_PREFIX + name, servlet);
        if (registration == null) {
            throw new IllegalStateException("a servlet named '" + NAME_PREFIX + name + "' is registered already; "
                    + "install Tenantry once per context");
        }
        registration.setAsyncSupported(true);
        List<String> mappings = new ArrayList<>(List.of(path, path + "/*"));
        var conflicts = registration.addMapping(mappings.toArray(String[]::new));
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException("the paths " + conflicts + " of Tenantry's " + name + " endpoint are "
                    + "mapped to another servlet already; choose other paths in TenantryWebConfig");
        }
    }

    /** The tenant the request is for, once the tenant filter admitted it; empty on tenant-optional paths. */
    public static Optional<TenantId> tenantOf(ServletRequest request) {
        return request.getAttribute(Attributes.TENANT) instanceof TenantId tenant ? Optional.of(tenant)
                : Optional.empty();
    }

    /** The request's id: the server's own, generated for every request and echoed in the request id header. */
    public static Optional<String> requestIdOf(ServletRequest request) {
        return request.getAttribute(Attributes.REQUEST_ID) instanceof String id ? Optional.of(id) : Optional.empty();
    }

    /**
     * The correlation id the client sent in the request id header, when it was well formed (1 to 64 letters, digits,
     * '-', '_', '.' or ':', starting with a letter or digit): recorded in audit entries apart from the request id, as
     * the client's. Never used as the request id.
     */
    public static Optional<String> clientRequestIdOf(ServletRequest request) {
        return request.getAttribute(Attributes.CLIENT_REQUEST_ID) instanceof String id ? Optional.of(id)
                : Optional.empty();
    }

    /**
     * Reports that the request failed to authenticate, as {@code attemptedUser} when the credential named one (null
     * for a token that names nobody). Tenantry counts the failure against the client address and the attempted user
     * in the request's tenant ({@link TenantryWebConfig.Builder#failedAuthenticationLimiter}), records a LOGIN audit
     * entry with outcome FAILURE, the attempted name (printable ASCII, at most 64 characters) and {@code reason}, and
     * answers: 401 with the configured challenge, or 429 with {@code Retry-After} and the limit's {@code RateLimit}
     * fields once failures exceed the limit. The answer never says why; {@code reason} is for the audit log.
     *
     * <p>From a servlet, or a filter behind Tenantry's, it answers at once and returns true: return without writing
     * anything. From the application's own authentication filter, which runs before Tenantry's tenant filter, the
     * tenant is not checked yet: it notes the failure on the request and returns false; pass the request on down the
     * chain unauthenticated, and Tenantry answers it as above once the tenant is checked (an unknown tenant gets its
     * 404 and counts nothing).
     *
     * @param request the request that failed to authenticate
     * @param response its response
     * @param attemptedUser the user name the credential named, or null
     * @param reason why it failed, for the audit log only (printable ASCII, at most 200 characters are kept)
     * @return true if Tenantry answered the request, false if it is to be passed on down the chain
     * @throws IOException if writing the answer fails
     */
    public static boolean authenticationFailed(HttpServletRequest request, HttpServletResponse response,
                                               @Nullable String attemptedUser, String reason) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(reason, "reason");
        AuthFailure failure = new AuthFailure(attemptedUser, reason);
        if (request.getAttribute(Attributes.LIMITS) instanceof RateLimitFilter limits) {
            limits.refuse(request, response, failure);
            return true;
        }
        request.setAttribute(Attributes.AUTH_FAILURE, failure);
        return false;
    }

    /**
     * Whether a credential for {@code attemptedUser} may be checked now: call it before checking a password, so that
     * once the client address or the user has failed too often in the request's tenant no more guesses are checked,
     * right or wrong. Answers false having sent 429 (with {@code Retry-After} and the {@code RateLimit} fields);
     * return without writing anything then. True before Tenantry's tenant filter has run for the request.
     *
     * @param request the request carrying the credential
     * @param response its response
     * @param attemptedUser the user name the credential names, or null
     * @return true if the credential may be checked
     * @throws IOException if writing the refusal fails
     */
    public static boolean mayAttemptAuthentication(HttpServletRequest request, HttpServletResponse response,
                                                   @Nullable String attemptedUser) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        return !(request.getAttribute(Attributes.LIMITS) instanceof RateLimitFilter limits)
                || limits.mayAttempt(request, response, attemptedUser);
    }

    /** Who makes the request, as the {@link ActorResolver} said; empty when anonymous. */
    public static Optional<String> actorOf(ServletRequest request) {
        return request.getAttribute(Attributes.ACTOR) instanceof String actor ? Optional.of(actor) : Optional.empty();
    }

    /**
     * The client's address: the connection's peer, or behind trusted proxies the address they forwarded for.
     * Falls back to the peer address when the request context filter has not run.
     */
    public static String clientIpOf(ServletRequest request) {
        return request.getAttribute(Attributes.CLIENT_IP) instanceof String ip ? ip : request.getRemoteAddr();
    }

    /** The rate-limit decision taken for the request, when it was limited. */
    public static Optional<RateLimitDecision> rateLimitOf(ServletRequest request) {
        return request.getAttribute(Attributes.RATE_LIMIT) instanceof RateLimitDecision decision
                ? Optional.of(decision) : Optional.empty();
    }
}
