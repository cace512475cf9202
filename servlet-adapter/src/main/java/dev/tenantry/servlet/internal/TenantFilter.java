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
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the request's tenant and runs the rest of the chain in its scope, closing the scope when the chain returns
 * or throws, so no pooled thread keeps a tenant. Refuses, as problem details: no tenant where one is required (400),
 * an invalid id (400), resolvers that find different tenants (400, unless configured to take the first), a tenant that
 * is unknown or not the caller's (404, the same answer for both), and one that is not active (403). Async dispatches reopen the scope of the tenant resolved for the original request.
 */
public final class TenantFilter implements Filter {

    private final List<TenantResolver> resolvers;
    private final List<String> optionalPaths;
    private final BiPredicate<HttpServletRequest, TenantId> access;
    private final @Nullable TenantDirectory directory;
    private final boolean mustAgree;

    /** A filter configured by {@code config}. */
    public TenantFilter(TenantryWebConfig config) {
        this.resolvers = config.tenantResolvers();
        this.mustAgree = config.tenantResolversMustAgree();
        this.optionalPaths = config.tenantOptionalPaths();
        this.access = config.tenantAccess();
        this.directory = config.tenantDirectory().orElse(null);
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
            if (request.getAttribute(Attributes.TENANT) instanceof TenantId tenant) {
                Scope scope = Scope.tenant(tenant);
                scope.run(() -> chain.doFilter(new BindingRequest(request, scope), response));
            } else {
                chain.doFilter(request, response);
            }
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
        ProblemDetails refusal = admit(request, tenant);
        if (refusal != null) {
            refusal.send(request, response);
            return;
        }
        request.setAttribute(Attributes.TENANT, tenant);
        Scope scope = Scope.tenant(tenant);
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

    /** Null if the request may proceed in {@code tenant}, else the problem to answer with. */
    private @Nullable ProblemDetails admit(HttpServletRequest request, TenantId tenant) {
        // Access first: a caller learns nothing, not even the status, of a tenant that is not theirs.
        if (!access.test(request, tenant)) {
            return Problems.unknownTenant();
        }
        if (directory == null) {
            return null;
        }
        Optional<TenantRecord> record = directory.find(tenant);
        if (record.isEmpty()) {
            return Problems.unknownTenant();
        }
        return record.get().isActive() ? null : Problems.inactiveTenant(record.get().status());
    }
}
