package dev.tenantry.servlet;

import dev.tenantry.InvalidTenantIdException;
import dev.tenantry.TenantId;
import dev.tenantry.servlet.internal.Paths;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Finds which tenant a request is for: the raw tenant id as the request carries it, or {@code null} when this
 * resolver finds none there.
 *
 * <p>Resolvers are tried in the order they were configured ({@link TenantryWebConfig.Builder#tenantResolvers}); the
 * first that answers wins. The answer is validated with {@link TenantId#of} afterwards, so a resolver returns what it
 * found without folding or fixing it: {@code "Acme"} is answered as is and the request gets a 400, never silently
 * becomes {@code "acme"}. A resolver that finds something it cannot use (two conflicting headers, say) throws {@link
 * InvalidTenantIdException}, which also answers 400; anything else it throws fails the request.
 *
 * <p>Implementations must be thread-safe; they are called for every request.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TenantResolver {

    /** The header {@link #header()} reads unless told otherwise. */
    String DEFAULT_HEADER = "X-Tenant-ID";

    /**
     * The raw tenant id the request carries, or {@code null} if this resolver finds none.
     *
     * @throws InvalidTenantIdException if the request carries something that cannot be a single tenant id
     */
    @Nullable String resolve(HttpServletRequest request);

    /** The {@value #DEFAULT_HEADER} header. */
    static TenantResolver header() {
        return header(DEFAULT_HEADER);
    }

    /**
     * The value of header {@code name}; a request with more than one such header is refused (400), since it cannot
     * name one tenant.
     *
     * @throws IllegalArgumentException if the name is blank
     */
    static TenantResolver header(String name) {
        String header = requireText(name, "header name");
        return request -> {
            java.util.Enumeration<String> headers = request.getHeaders(header);
            if (headers == null || !headers.hasMoreElements()) {
                return null;
            }
            String value = headers.nextElement();
            if (headers.hasMoreElements()) {
                int count = 1;
                for (; headers.hasMoreElements(); headers.nextElement()) {
                    count++;
                }
                throw new InvalidTenantIdException("the request has " + count + " " + header
                        + " headers; send exactly one");
            }
            return value;
        };
    }

    /**
     * The leftmost label of a host name directly under {@code parentDomain}: with {@code "example.com"}, a request
     * to {@code acme.example.com} is for {@code acme}, while {@code example.com} itself and {@code a.b.example.com}
     * resolve nothing. The host name is compared in lower case, as DNS names are case-insensitive.
     *
     * @throws IllegalArgumentException if the domain is blank or starts or ends with a dot
     */
    static TenantResolver subdomain(String parentDomain) {
        String parent = requireText(parentDomain, "parent domain").toLowerCase(Locale.ROOT);
        if (parent.startsWith(".") || parent.endsWith(".")) {
            throw new IllegalArgumentException("parent domain must not start or end with '.', was '" + parentDomain
                    + "'");
        }
        String suffix = "." + parent;
        return request -> {
            String host = request.getServerName();
            if (host == null) {
                return null;
            }
            host = host.toLowerCase(Locale.ROOT);
            if (!host.endsWith(suffix)) {
                return null;
            }
            String label = host.substring(0, host.length() - suffix.length());
            return label.isEmpty() || label.indexOf('.') >= 0 ? null : label;
        };
    }

    /**
     * The path segment after {@code prefix} within the application: with {@code "/t/"}, a request for {@code
     * /t/acme/invoices} is for {@code acme}. The path is the decoded path within the context (servlet path plus path
     * info), so the application maps its own servlets under the prefix; nothing is rewritten.
     *
     * @throws IllegalArgumentException if the prefix does not start with '/'
     */
    static TenantResolver pathPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.startsWith("/")) {
            throw new IllegalArgumentException("path prefix must start with '/', was '" + prefix + "'");
        }
        String start = prefix.endsWith("/") ? prefix : prefix + "/";
        return request -> {
            String path = Paths.within(request);
            if (!path.startsWith(start)) {
                return null;
            }
            int end = path.indexOf('/', start.length());
            return path.substring(start.length(), end < 0 ? path.length() : end);
        };
    }

    /**
     * A request attribute set by the application's own authentication (a filter that runs first): a {@link
     * TenantId} or a {@link CharSequence}; anything else resolves nothing.
     *
     * @throws IllegalArgumentException if the name is blank
     */
    static TenantResolver requestAttribute(String name) {
        String attribute = requireText(name, "attribute name");
        return request -> {
            Object value = request.getAttribute(attribute);
            if (value instanceof TenantId id) {
                return id.value();
            }
            return value instanceof CharSequence text ? text.toString() : null;
        };
    }

    /**
     * What {@code tenantOf} reads from the authenticated user's {@link Principal} (set by the application's own
     * authentication); nothing for anonymous requests or when it answers {@code null}.
     */
    static TenantResolver principal(Function<? super Principal, @Nullable String> tenantOf) {
        Objects.requireNonNull(tenantOf, "tenantOf");
        return request -> {
            Principal principal = request.getUserPrincipal();
            return principal == null ? null : tenantOf.apply(principal);
        };
    }

    private static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
