package dev.tenantry.servlet.internal;

import dev.tenantry.InvalidTenantIdException;
import dev.tenantry.TenantId;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.directory.TenantRecord;
import dev.tenantry.directory.TenantStatusException;
import dev.tenantry.servlet.ProblemDetails;
import dev.tenantry.servlet.TenantResolver;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the request's tenant and runs the rest of the chain in its scope, closing the scope when the chain returns
 * or throws, so no pooled thread keeps a tenant. Refuses, as problem details: no tenant where one is required (400),
 * an invalid id (400), resolvers that find different tenants (400, unless configured to take the first), a tenant that
 * is unknown or not the caller's (404, the same answer for both), and one that is not active (403). Async dispatches
 * reopen the scope of the tenant resolved for the original request.
 *
 * <p>Two narrow exceptions. The admin console's static files (its pages and assets, which hold no data) are served
 * without any tenant: nothing is resolved for them. And a signed-in caller may still reach the organization endpoints
 * and the console's context while the tenant is not active, so that its administrators can see the organization and
 * cancel a scheduled deletion: the scope opens inside system scope (its guards would refuse it otherwise), which the
 * system-scope listeners record, with a reason naming the tenant and its status. Every other path, and every anonymous
 * caller, gets the 403 as before.
 */
public final class TenantFilter implements Filter {

    private final List<TenantResolver> resolvers;
    private final List<String> optionalPaths;
    private final BiPredicate<HttpServletRequest, TenantId> access;
    private final @Nullable TenantDirectory directory;
    private final boolean mustAgree;
    private final List<String> untenantedPaths;
    private final List<String> lifecyclePaths;

    /** A filter configured by {@code config}. */
    public TenantFilter(TenantryWebConfig config) {
        this.resolvers = config.tenantResolvers();
        this.mustAgree = config.tenantResolversMustAgree();
        this.optionalPaths = config.tenantOptionalPaths();
        this.access = config.tenantAccess();
        this.directory = config.tenantDirectory().orElse(null);
        this.untenantedPaths = config.console().map(c -> ConsoleServlet.staticPatterns(c.path())).orElse(List.of());
        List<String> lifecycle = new ArrayList<>(List.of(config.organizationPath(), config.organizationPath() + "/*"));
        config.console().ifPresent(c -> lifecycle.add(c.path() + "/context"));
        this.lifecyclePaths = List.copyOf(lifecycle);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            // Async, forward and error dispatches belong to a request this filter already admitted.
            if (request.getAttribute(Attributes.TENANT_SCOPE) instanceof Scope scope) {
                scope.run(() -> chain.doFilter(new BindingRequest(request, scope), response));
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        if (!untenantedPaths.isEmpty() && Paths.matchesAny(untenantedPaths, Paths.within(request))) {
            chain.doFilter(request, response);
            return;
        }
        String raw;
        try {
            raw = resolve(request);
        } catch (InvalidTenantIdException e) {
            Problems.invalidTenant(e.getMessage()).send(request, response);
            return;
        } catch (Conflict e) {
            Problems.conflictingTenants().send(request, response);
            return;
        }
        if (raw == null) {
            if (Paths.matchesAny(optionalPaths, Paths.within(request))) {
                chain.doFilter(request, response);
            } else {
                Problems.missingTenant().send(request, response);
            }
            return;
        }
        TenantId tenant;
        try {
            tenant = TenantId.of(raw);
        } catch (InvalidTenantIdException e) {
            Problems.invalidTenant(e.getMessage()).send(request, response);
            return;
        }
        Admission admission = admit(request, tenant);
        if (admission.refusal() != null) {
            admission.refusal().send(request, response);
            return;
        }
        request.setAttribute(Attributes.TENANT, tenant);
        Scope scope = admission.inactive() == null ? Scope.tenant(tenant)
                : Scope.system("organization lifecycle request " + request.getMethod() + " "
                        + EndpointServlet.clip(Paths.within(request)) + " for tenant '" + tenant + "', which is "
                        + admission.inactive().status(), tenant);
        request.setAttribute(Attributes.TENANT_SCOPE, scope);
        boolean[] entered = {false};
        try {
            scope.run(() -> {
                entered[0] = true;
                chain.doFilter(new BindingRequest(request, scope), response);
            });
        } catch (TenantStatusException e) {
            if (entered[0]) {
                throw e; // the application's own, from inside the chain
            }
            // The tenant changed status between the look-up and the scope's guard.
            request.removeAttribute(Attributes.TENANT);
            Problems.inactiveTenant(e.status()).send(request, response);
        }
    }

    /**
     * The raw tenant the resolvers find: the first answer, and unless told otherwise every other resolver must answer
     * nothing or the same.
     *
     * @throws Conflict if two resolvers answer differently and they must agree
     */
    private @Nullable String resolve(HttpServletRequest request) {
        String found = null;
        for (TenantResolver resolver : resolvers) {
            String raw = resolver.resolve(request);
            if (raw == null) {
                continue;
            }
            if (found == null) {
                if (!mustAgree) {
                    return raw;
                }
                found = raw;
            } else if (!found.equals(raw)) {
                throw new Conflict();
            }
        }
        return found;
    }

    /** Two resolvers found different tenants. */
    private static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Conflict() {
            super("conflicting tenants", null, false, false);
        }
    }

    /**
     * Whether the request may proceed in a tenant: refused with a problem, admitted, or admitted to a tenant that is
     * not active (the organization lifecycle lane).
     */
    private record Admission(@Nullable ProblemDetails refusal, @Nullable TenantRecord inactive) {
        static final Admission ADMITTED = new Admission(null, null);
    }

    private Admission admit(HttpServletRequest request, TenantId tenant) {
        // Access first: a caller learns nothing, not even the status, of a tenant that is not theirs.
        if (!access.test(request, tenant)) {
            return new Admission(Problems.unknownTenant(), null);
        }
        if (directory == null) {
            return Admission.ADMITTED;
        }
        Optional<TenantRecord> record = directory.find(tenant);
        if (record.isEmpty()) {
            return new Admission(Problems.unknownTenant(), null);
        }
        TenantRecord found = record.get();
        if (found.isActive()) {
            return Admission.ADMITTED;
        }
        if (request.getAttribute(Attributes.ACTOR) != null
                && Paths.matchesAny(lifecyclePaths, Paths.within(request))) {
            return new Admission(null, found);
        }
        return new Admission(Problems.inactiveTenant(found.status()), null);
    }
}
