package dev.tenantry.servlet;

import dev.tenantry.TenantId;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.servlet.internal.Attributes;
import dev.tenantry.servlet.internal.AuditServlet;
import dev.tenantry.servlet.internal.ClientAddress;
import dev.tenantry.servlet.internal.ExportsServlet;
import dev.tenantry.servlet.internal.HealthServlet;
import dev.tenantry.servlet.internal.RateLimitFilter;
import dev.tenantry.servlet.internal.RateLimitServlet;
import dev.tenantry.servlet.internal.RequestContextFilter;
import dev.tenantry.servlet.internal.SecurityHeadersFilter;
import dev.tenantry.servlet.internal.SessionsServlet;
import dev.tenantry.servlet.internal.TenantFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one way in: {@link #install} puts Tenantry's filters and endpoints into a {@link ServletContext}, in any
 * Servlet 6 container; the other methods read what the filters found out about a request.
 *
 * <p>Filters, mapped to {@link TenantryWebConfig#urlPatterns()} in this order, after the filters declared in {@code
 * web.xml} and those the application registered before calling {@code install} (so its authentication runs first
 * and the principal is known):
 * <ol>
 *   <li>security headers (every dispatch, errors included);</li>
 *   <li>request context: request id, client address, user agent and actor, as the {@link
 *       dev.tenantry.audit.AuditContext} of the request;</li>
 *   <li>tenant: resolves the tenant and runs the rest of the request in its scope;</li>
 *   <li>rate limit, when a {@link dev.tenantry.ratelimit.RateLimiter} is configured.</li>
 * </ol>
 * Endpoints, for each service configured: health, rate-limit state, audit log, data exports, sessions (see {@link
 * TenantryWebConfig}). Every filter and endpoint supports async requests.
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
        SecurityHeadersFilter headers = new SecurityHeadersFilter(config);
        if (!headers.isEmpty()) {
            filter(context, "security-headers", headers, config, everyDispatch);
        }
        filter(context, "request-context", new RequestContextFilter(config.actorResolver(),
                new ClientAddress(config.trustedProxies()), config.requestIdHeader()), config, everyDispatch);
        filter(context, "tenant", new TenantFilter(config), config, everyDispatch);
        config.rateLimiter().ifPresent(limiter -> filter(context, "rate-limit", new RateLimitFilter(limiter, config),
                config, EnumSet.of(DispatcherType.REQUEST)));

        config.health().ifPresent(health -> servlet(context, "health", new HealthServlet(health, config),
                config.healthPath()));
        config.rateLimiter().ifPresent(limiter -> servlet(context, "rate-limit",
                new RateLimitServlet(limiter, config), config.rateLimitPath()));
        config.auditTrail().ifPresent(trail -> servlet(context, "audit", new AuditServlet(trail, config),
                config.auditPath()));
        config.dataExports().ifPresent(exports -> servlet(context, "exports", new ExportsServlet(exports, config),
                config.exportsPath()));
        config.userSessions().ifPresent(sessions -> servlet(context, "sessions",
                new SessionsServlet(sessions, config), config.sessionsPath()));
    }

    private static void filter(ServletContext context, String name, Filter filter, TenantryWebConfig config,
                               EnumSet<DispatcherType> dispatches) {
        FilterRegistration.Dynamic registration = context.addFilter(NAME_PREFIX + name, filter);
        if (registration == null) {
            throw new IllegalStateException("a filter named '" + NAME_PREFIX + name + "' is registered already; "
                    + "install Tenantry once per context");
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(dispatches, true, config.urlPatterns().toArray(String[]::new));
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

    /** The request's id: the client's {@code X-Request-ID} when well formed, else a generated one. */
    public static Optional<String> requestIdOf(ServletRequest request) {
        return request.getAttribute(Attributes.REQUEST_ID) instanceof String id ? Optional.of(id) : Optional.empty();
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
