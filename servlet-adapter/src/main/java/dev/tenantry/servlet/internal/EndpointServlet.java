package dev.tenantry.servlet.internal;

import dev.tenantry.MissingTenantException;
import dev.tenantry.servlet.AuthorizationCheck;
import dev.tenantry.servlet.TenantryServlet;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base of Tenantry's endpoints: routes by method and the path below the endpoint's base, answers {@code HEAD}
 * wherever {@code GET} is served (the same status and headers, no body), and answers every failure that is the
 * caller's as problem details.
 */
abstract class EndpointServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final String base;
    private final transient AuthorizationCheck authorization;
    private final String challenge;

    EndpointServlet(String base, TenantryWebConfig config) {
        this.base = base;
        this.authorization = config.authorization();
        this.challenge = config.authenticationChallenge();
    }

    /** The URL patterns to map this servlet to. */
    final String[] mappings() {
        return new String[] {base, base + "/*"};
    }

    /**
     * Handles a request; {@code rest} is the path below the base ("" for the base itself, else starting with '/').
     * Throws {@link EndpointException} to answer with a problem.
     */
    abstract void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException;

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String path = Paths.within(request);
        String rest = path.length() > base.length() ? path.substring(base.length()) : "";
        try {
            if (request.getMethod().equals("HEAD")) {
                HeadResponse head = new HeadResponse(response);
                handle("GET", rest, request, head);
                head.finish();
            } else {
                handle(request.getMethod(), rest, request, response);
            }
        } catch (EndpointException e) {
            e.problem().send(request, response);
        } catch (MissingTenantException e) {
            Problems.missingTenant().send(request, response);
        } catch (IllegalArgumentException e) {
            // Core validates its inputs and says what is wrong with them; the caller sent them.
            Problems.badRequest(String.valueOf(e.getMessage())).send(request, response);
        }
    }

    /** The signed-in caller; an anonymous one is answered 401 with the configured challenge. */
    final String actor(HttpServletRequest request, HttpServletResponse response) {
        return TenantryServlet.actorOf(request).orElseThrow(() -> {
            response.setHeader("WWW-Authenticate", challenge);
            return new EndpointException(Problems.unauthorized("this endpoint needs a signed-in user"));
        });
    }

    /** Whether the caller may perform {@code operation}. */
    final boolean permits(HttpServletRequest request, AuthorizationCheck.Operation operation) {
        return authorization.permits(request, operation);
    }

    /** Refuses unless the caller may perform {@code operation}. */
    final void require(HttpServletRequest request, AuthorizationCheck.Operation operation) {
        if (!permits(request, operation)) {
            throw new EndpointException(Problems.forbidden("this operation is not permitted"));
        }
    }

    /** 405 with {@code Allow}: {@code allowed} are the methods served ({@code HEAD} goes with {@code GET}). */
    static EndpointException notAllowed(HttpServletResponse response, String method, String... allowed) {
        response.setHeader("Allow", String.join(", ", allowed));
        return new EndpointException(Problems.methodNotAllowed(method));
    }

    /** 404 for a path below the base that means nothing. */
    static EndpointException noSuchPath() {
        return new EndpointException(Problems.notFound("no such endpoint"));
    }

    /** The single value of query parameter {@code name}, or null; refuses repeats and unknown parameters. */
    static QueryParams params(HttpServletRequest request, Set<String> known) {
        Map<String, String[]> all = request.getParameterMap();
        for (Map.Entry<String, String[]> p : all.entrySet()) {
            if (!known.contains(p.getKey())) {
                throw new EndpointException(Problems.badRequest("unknown query parameter '" + clip(p.getKey())
                        + "'; known: " + List.copyOf(new java.util.TreeSet<>(known))));
            }
            if (p.getValue().length > 1) {
                throw new EndpointException(Problems.badRequest("query parameter '" + p.getKey()
                        + "' is given more than once"));
            }
        }
        return name -> {
            String[] values = all.get(name);
            return values == null || values.length == 0 ? null : values[0];
        };
    }

    /** Query parameters by name. */
    @FunctionalInterface
    interface QueryParams {
        /** The value of {@code name}, or null. */
        @org.jspecify.annotations.Nullable String get(String name);
    }

    /** {@code value} shortened for a message. */
    static String clip(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 64 ? printable : printable.substring(0, 64) + "...";
    }
}
