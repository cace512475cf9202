package dev.tenantry.servlet;

import dev.tenantry.TenantId;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExports;
import dev.tenantry.health.Health;
import dev.tenantry.ratelimit.Bandwidth;
import dev.tenantry.ratelimit.RateLimit;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.servlet.internal.Cidr;
import dev.tenantry.servlet.internal.Paths;
import dev.tenantry.session.UserSessions;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@link TenantryServlet#install} needs: how requests find their tenant, which core services back the
 * filters and endpoints, and the HTTP details (paths, headers, trusted proxies). Built once with {@link #builder()};
 * immutable and thread-safe.
 *
 * <p>Only tenant resolution is required. Each service given turns on what needs it: a {@link TenantDirectory} checks
 * that the tenant exists and is active; a {@link RateLimiter} limits signed-in callers by their tenant's plan, turns on
 * the anonymous limit and serves the rate-limit endpoint; {@link Health}, {@link AuditTrail}, {@link DataExports} and
 * {@link UserSessions} serve their endpoints; the directory also serves the organization endpoints, and {@link
 * Builder#console} turns the admin console on. Failed authentications the application reports are always limited.
 *
 * <p>Every setter replaces what an earlier call of it set (lists included); none accepts null unless it says so.
 *
 * <pre>{@code
 * TenantryWebConfig config = TenantryWebConfig.builder()
 *         .tenantResolvers(TenantResolver.header(), TenantResolver.subdomain("example.com"))
 *         .tenantDirectory(directory)
 *         .rateLimiter(limiter)
 *         .health(health).auditTrail(audit).dataExports(exports).userSessions(sessions)
 *         .authorization(AuthorizationCheck.role("admin"))
 *         .trustedProxies("10.0.0.0/8")
 *         .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class TenantryWebConfig {

    /** Default path of the health endpoints ({@code /live} and {@code /ready} below it). */
    public static final String DEFAULT_HEALTH_PATH = "/api/health";
    /** Default path of the caller's rate-limit state. */
    public static final String DEFAULT_RATE_LIMIT_PATH = "/api/rate-limit";
    /** Default path of the audit log endpoints. */
    public static final String DEFAULT_AUDIT_PATH = "/api/audit";
    /** Default path of the data export endpoints. */
    public static final String DEFAULT_EXPORTS_PATH = "/api/exports";
    /** Default path of the session endpoints. */
    public static final String DEFAULT_SESSIONS_PATH = "/api/sessions";
    /** Path of the organization endpoints, served when a {@link TenantDirectory} is configured. */
    public static final String DEFAULT_ORGANIZATION_PATH = "/api/organization";
    /** The request id header read and echoed unless told otherwise. */
    public static final String DEFAULT_REQUEST_ID_HEADER = "X-Request-ID";
    /** The Content-Security-Policy sent by default: right for a JSON API, too strict for HTML pages. */
    public static final String DEFAULT_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
    /** The Strict-Transport-Security sent by default, over HTTPS only. */
    public static final String DEFAULT_STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";
    /**
     * The anonymous limit used unless one is given: 60 requests a minute per client address in each tenant, refilled
     * continuously.
     */
    public static final RateLimit DEFAULT_ANONYMOUS_LIMIT = RateLimit.of("ANONYMOUS",
            Bandwidth.of(60, Duration.ofMinutes(1)));
    /**
     * The failed-authentication limit used unless one is given: 10 failures per client address and per attempted
     * user in each tenant, one more allowed every 90 seconds.
     */
    public static final RateLimit DEFAULT_FAILED_AUTHENTICATION_LIMIT = RateLimit.of("FAILED-AUTHENTICATION",
            Bandwidth.of(10, Duration.ofMinutes(15)));
    /** The {@code WWW-Authenticate} challenge a 401 carries unless told otherwise. */
    public static final String DEFAULT_AUTHENTICATION_CHALLENGE = "Bearer";
    /** The largest JSON request body the endpoints read by default. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;

    /** The security headers sent by default besides CSP and HSTS (OWASP Secure Headers project). */
    public static final Map<String, String> DEFAULT_SECURITY_HEADERS = defaultSecurityHeaders();

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

    private final List<TenantResolver> tenantResolvers;
    private final boolean tenantResolversMustAgree;
    private final List<String> tenantOptionalPaths;
    private final BiPredicate<HttpServletRequest, TenantId> tenantAccess;
    private final boolean checksTenantAccess;
    private final @Nullable TenantDirectory tenantDirectory;
    private final ActorResolver actorResolver;
    private final List<String> trustedProxies;
    private final String requestIdHeader;
    private final @Nullable RateLimiter rateLimiter;
    private final @Nullable RateLimiter anonymousLimiter;
    private final RateLimiter failedAuthenticationLimiter;
    private final String authenticationChallenge;
    private final RateLimitKeyResolver rateLimitKey;
    private final List<String> rateLimitExemptPaths;
    private final boolean legacyRateLimitHeaders;
    private final Map<String, String> securityHeaders;
    private final @Nullable String strictTransportSecurity;
    private final @Nullable Health health;
    private final @Nullable AuditTrail auditTrail;
    private final @Nullable DataExports dataExports;
    private final @Nullable UserSessions userSessions;
    private final AuthorizationCheck authorization;
    private final boolean publicHealthDetails;
    private final Map<Endpoint, String> paths;
    private final List<String> urlPatterns;
    private final @Nullable Executor exportExecutor;
    private final int maxBodyBytes;
    private final @Nullable ConsoleSettings console;

    private TenantryWebConfig(Builder b) {
        this.tenantResolvers = List.copyOf(b.tenantResolvers);
        this.tenantResolversMustAgree = b.tenantResolversMustAgree;
        String healthPath = b.path(Endpoint.HEALTH);
        List<String> optional = new ArrayList<>(b.tenantOptionalPaths);
        optional.add(healthPath);
        optional.add(healthPath + "/*");
        if (b.console != null) {
            // The console's context says whether a tenant is named at all, so the sign-in page can ask for one.
            optional.add(b.console.path() + "/context");
        }
        this.tenantOptionalPaths = List.copyOf(optional);
        this.tenantAccess = b.tenantAccess != null ? b.tenantAccess : (request, tenant) -> true;
        this.checksTenantAccess = b.tenantAccess != null;
        this.tenantDirectory = b.tenantDirectory;
        this.actorResolver = b.actorResolver;
        this.trustedProxies = List.copyOf(b.trustedProxies);
        this.requestIdHeader = b.requestIdHeader;
        this.rateLimiter = b.limits.tenant;
        this.anonymousLimiter = b.limits.anonymousInForce();
        this.failedAuthenticationLimiter = b.limits.failedAuthenticationInForce();
        this.authenticationChallenge = b.authenticationChallenge;
        this.rateLimitKey = b.limits.key;
        List<String> exempt = new ArrayList<>(b.limits.exemptPaths);
        exempt.add(healthPath);
        exempt.add(healthPath + "/*");
        this.rateLimitExemptPaths = List.copyOf(exempt);
        this.legacyRateLimitHeaders = b.limits.legacyHeaders;
        this.securityHeaders = b.security.sent();
        this.strictTransportSecurity = b.security.sentStrictTransportSecurity();
        this.health = b.health;
        this.auditTrail = b.auditTrail;
        this.dataExports = b.dataExports;
        this.userSessions = b.userSessions;
        this.authorization = b.authorization;
        this.publicHealthDetails = b.publicHealthDetails;
        this.paths = Collections.unmodifiableMap(new EnumMap<>(b.paths));
        this.urlPatterns = List.copyOf(b.urlPatterns);
        this.exportExecutor = b.exportExecutor;
        this.maxBodyBytes = b.maxBodyBytes;
        this.console = b.console;
    }

    /** Starts building a configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** The tenant resolvers, in the order they are tried. */
    public List<TenantResolver> tenantResolvers() {
        return tenantResolvers;
    }

    /** Whether a request whose resolvers find different tenants is refused (400) rather than taking the first. */
    public boolean tenantResolversMustAgree() {
        return tenantResolversMustAgree;
    }

    /** An in-process limiter putting every tenant on {@code limit}. */
    private static RateLimiter fixed(RateLimit limit) {
        return RateLimiter.builder().plan(limit.name(), limit.bandwidths().toArray(Bandwidth[]::new))
                .everyTenantOn(limit.name()).build();
    }

    /** Path patterns where a request may come without a tenant; the health endpoints are always among them. */
    public List<String> tenantOptionalPaths() {
        return tenantOptionalPaths;
    }

    /** Whether the caller of a request may act in a tenant; a refusal answers as an unknown tenant would (404). */
    public BiPredicate<HttpServletRequest, TenantId> tenantAccess() {
        return tenantAccess;
    }

    /**
     * Whether a {@link Builder#tenantAccess} check was given; without one every caller may act in every tenant a
     * request names, which is right only where the tenant resolvers take the tenant from something the caller cannot
     * choose (a verified token, a gateway that sets the header).
     *
     * @since 0.1
     */
    public boolean checksTenantAccess() {
        return checksTenantAccess;
    }

    /** The directory that says whether a tenant exists and is active, if configured. */
    public Optional<TenantDirectory> tenantDirectory() {
        return Optional.ofNullable(tenantDirectory);
    }

    /** Who makes a request. */
    public ActorResolver actorResolver() {
        return actorResolver;
    }

    /** Addresses and CIDR blocks of proxies whose {@code X-Forwarded-For} is believed. */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** The header the request id is echoed in and a client's correlation id read from. */
    public String requestIdHeader() {
        return requestIdHeader;
    }

    /** The rate limiter, if requests are limited. */
    public Optional<RateLimiter> rateLimiter() {
        return Optional.ofNullable(rateLimiter);
    }

    /**
     * The limiter of anonymous requests, one bucket per client address in each tenant; present when given or when
     * a {@link #rateLimiter()} is.
     */
    public Optional<RateLimiter> anonymousLimiter() {
        return Optional.ofNullable(anonymousLimiter);
    }

    /** The limiter of failed authentications, one bucket per client address and one per attempted user in a tenant. */
    public RateLimiter failedAuthenticationLimiter() {
        return failedAuthenticationLimiter;
    }

    /** The {@code WWW-Authenticate} challenge sent with every 401 Tenantry answers. */
    public String authenticationChallenge() {
        return authenticationChallenge;
    }

    /** Which bucket a signed-in caller's request draws from. */
    public RateLimitKeyResolver rateLimitKey() {
        return rateLimitKey;
    }

    /** Path patterns that are never rate limited; the health endpoints are always among them. */
    public List<String> rateLimitExemptPaths() {
        return rateLimitExemptPaths;
    }

    /** Whether {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} are sent besides the IETF fields. */
    public boolean legacyRateLimitHeaders() {
        return legacyRateLimitHeaders;
    }

    /** The security headers set on every response unless the application set them, in order; empty when off. */
    public Map<String, String> securityHeaders() {
        return securityHeaders;
    }

    /** The {@code Strict-Transport-Security} value sent on secure requests, if any. */
    public Optional<String> strictTransportSecurity() {
        return Optional.ofNullable(strictTransportSecurity);
    }

    /** The health registry behind the health endpoints, if configured. */
    public Optional<Health> health() {
        return Optional.ofNullable(health);
    }

    /** The audit trail behind the audit endpoints, if configured. */
    public Optional<AuditTrail> auditTrail() {
        return Optional.ofNullable(auditTrail);
    }

    /** The export service behind the export endpoints, if configured. */
    public Optional<DataExports> dataExports() {
        return Optional.ofNullable(dataExports);
    }

    /** The sessions behind the session endpoints, if configured. */
    public Optional<UserSessions> userSessions() {
        return Optional.ofNullable(userSessions);
    }

    /** The check administrative endpoints ask. */
    public AuthorizationCheck authorization() {
        return authorization;
    }

    /** Whether every caller sees each health check's detail, not only those permitted to. */
    public boolean publicHealthDetails() {
        return publicHealthDetails;
    }

    /** Path of the health endpoints. */
    public String healthPath() {
        return path(Endpoint.HEALTH);
    }

    /** Path of the rate-limit endpoint. */
    public String rateLimitPath() {
        return path(Endpoint.RATE_LIMIT);
    }

    /** Path of the audit endpoints. */
    public String auditPath() {
        return path(Endpoint.AUDIT);
    }

    /** Path of the export endpoints. */
    public String exportsPath() {
        return path(Endpoint.EXPORTS);
    }

    /** Path of the organization endpoints ({@value #DEFAULT_ORGANIZATION_PATH}), served with a directory. */
    public String organizationPath() {
        return DEFAULT_ORGANIZATION_PATH;
    }

    /** The admin console, if it is on. */
    public Optional<ConsoleSettings> console() {
        return Optional.ofNullable(console);
    }

    /** Path of the session endpoints. */
    public String sessionsPath() {
        return path(Endpoint.SESSIONS);
    }

    /** The URL patterns the filters are mapped to. */
    public List<String> urlPatterns() {
        return urlPatterns;
    }

    /** Where requested data exports run, if given; otherwise the installation runs its own single thread. */
    public Optional<Executor> exportExecutor() {
        return Optional.ofNullable(exportExecutor);
    }

    /** The largest JSON request body the endpoints read. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    private String path(Endpoint endpoint) {
        return Objects.requireNonNull(paths.get(endpoint), endpoint.name());
    }

    /** The endpoints whose path is configurable, with their defaults: one rule for all of them. */
    private enum Endpoint {
        HEALTH(DEFAULT_HEALTH_PATH),
        RATE_LIMIT(DEFAULT_RATE_LIMIT_PATH),
        AUDIT(DEFAULT_AUDIT_PATH),
        EXPORTS(DEFAULT_EXPORTS_PATH),
        SESSIONS(DEFAULT_SESSIONS_PATH);

        final String defaultPath;

        Endpoint(String defaultPath) {
            this.defaultPath = defaultPath;
        }
    }

    /**
     * The security headers a builder collects, together: the header set (one value per name, compared
     * case-insensitively), {@code Strict-Transport-Security} apart (sent over HTTPS only), and the switch for all.
     */
    private static final class SecurityHeaders {
        boolean enabled = true;
        final Map<String, String> headers = new LinkedHashMap<>(DEFAULT_SECURITY_HEADERS);
        @Nullable String strictTransportSecurity = DEFAULT_STRICT_TRANSPORT_SECURITY;

        SecurityHeaders() {
            headers.put("Content-Security-Policy", DEFAULT_CONTENT_SECURITY_POLICY);
        }

        /** Sets, replaces or (with null) removes one header of the set, whose value the caller checked. */
        void set(String header, @Nullable String value) {
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(header));
            if (value != null) {
                headers.put(header, value);
            }
        }

        Map<String, String> sent() {
            return enabled ? Collections.unmodifiableMap(new LinkedHashMap<>(headers)) : Map.of();
        }

        @Nullable String sentStrictTransportSecurity() {
            return enabled ? strictTransportSecurity : null;
        }
    }

    /**
     * The rate limits a builder collects, together: the tenant limiter (which turns limiting on), the anonymous and
     * failed-authentication limiters with their defaults, the key, the exempt paths and the legacy headers.
     */
    private static final class Limits {
        @Nullable RateLimiter tenant;
        @Nullable RateLimiter anonymous;
        @Nullable RateLimiter failedAuthentication;
        RateLimitKeyResolver key = RateLimitKeyResolver.perTenant();
        final List<String> exemptPaths = new ArrayList<>();
        boolean legacyHeaders;

        /** The anonymous limiter given, else the default in process once a tenant limiter is set, else none. */
        @Nullable RateLimiter anonymousInForce() {
            return anonymous != null ? anonymous : tenant == null ? null : fixed(DEFAULT_ANONYMOUS_LIMIT);
        }

        /** The failed-authentication limiter given, else the default in process. */
        RateLimiter failedAuthenticationInForce() {
            return failedAuthentication != null ? failedAuthentication : fixed(DEFAULT_FAILED_AUTHENTICATION_LIMIT);
        }
    }

    private static Map<String, String> defaultSecurityHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        headers.put("Cross-Origin-Resource-Policy", "same-origin");
        headers.put("X-Permitted-Cross-Domain-Policies", "none");
        headers.put("Permissions-Policy", "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                + "magnetometer=(), microphone=(), payment=(), usb=()");
        return Collections.unmodifiableMap(headers);
    }

    /**
     * Builds a {@link TenantryWebConfig}. Setters check their argument at once and name the bad value ({@link
     * IllegalArgumentException}; {@link NullPointerException} for a null argument or element); {@link #build()}
     * checks the combination ({@link IllegalStateException}). One rule for repeated calls: a setter called again
     * replaces what the earlier call set, lists included ({@link #securityHeader} sets one header of the set).
     * Not thread-safe.
     */
    public static final class Builder {
        private final List<TenantResolver> tenantResolvers = new ArrayList<>();
        private boolean tenantResolversMustAgree = true;
        private final List<String> tenantOptionalPaths = new ArrayList<>();
        private @Nullable BiPredicate<HttpServletRequest, TenantId> tenantAccess;
        private @Nullable TenantDirectory tenantDirectory;
        private ActorResolver actorResolver = ActorResolver.principal();
        private final List<String> trustedProxies = new ArrayList<>();
        private String requestIdHeader = DEFAULT_REQUEST_ID_HEADER;
        private final Limits limits = new Limits();
        private String authenticationChallenge = DEFAULT_AUTHENTICATION_CHALLENGE;
        private final SecurityHeaders security = new SecurityHeaders();
        private @Nullable Health health;
        private @Nullable AuditTrail auditTrail;
        private @Nullable DataExports dataExports;
        private @Nullable UserSessions userSessions;
        private AuthorizationCheck authorization = AuthorizationCheck.denyAll();
        private boolean publicHealthDetails;
        private final Map<Endpoint, String> paths = new EnumMap<>(Endpoint.class);
        private final List<String> urlPatterns = new ArrayList<>(List.of("/*"));
        private @Nullable Executor exportExecutor;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private @Nullable ConsoleSettings console;

        private Builder() {
            for (Endpoint endpoint : Endpoint.values()) {
                paths.put(endpoint, endpoint.defaultPath);
            }
        }

        /**
         * How requests find their tenant, tried in this order; replaces earlier ones. Required.
         *
         * @throws IllegalArgumentException if none is given
         */
        public Builder tenantResolvers(TenantResolver... resolvers) {
            List<TenantResolver> given = elements("tenant resolver", resolvers);
            if (given.isEmpty()) {
                throw new IllegalArgumentException("give at least one tenant resolver");
            }
            replace(tenantResolvers, given);
            return this;
        }

        /**
         * Whether every resolver that finds a tenant in a request must find the same one (default true): a request
         * whose header names one tenant and whose host name another is then refused with 400 rather than served in
         * the first resolver's tenant. With false, the first resolver that finds one wins.
         */
        public Builder tenantResolversMustAgree(boolean mustAgree) {
            this.tenantResolversMustAgree = mustAgree;
            return this;
        }

        /**
         * Paths where a request may come without a tenant (public pages, sign-in): servlet-style patterns such as
         * {@code /login} or {@code /public/*}. A tenant such a request does name is still checked. The health
         * endpoints are always tenant-optional. Replaces earlier ones.
         *
         * @throws IllegalArgumentException if a pattern is not an exact path, a {@code /prefix/*} or {@code /*}
         */
        public Builder tenantOptional(String... pathPatterns) {
            replace(tenantOptionalPaths, patterns("tenant-optional path", pathPatterns));
            return this;
        }

        /**
         * Whether the caller may act in the tenant a request names, e.g. whether the signed-in user belongs to it.
         * Asked before the directory, and a refusal answers exactly as an unknown tenant does (404), so a caller
         * learns nothing about tenants that are not theirs. By default every caller may.
         */
        public Builder tenantAccess(BiPredicate<HttpServletRequest, TenantId> check) {
            this.tenantAccess = Objects.requireNonNull(check, "check");
            return this;
        }

        /** Checks every resolved tenant against {@code directory}: unknown answers 404, not active 403. */
        public Builder tenantDirectory(TenantDirectory directory) {
            this.tenantDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Who makes a request (default: the principal's name). */
        public Builder actorResolver(ActorResolver resolver) {
            this.actorResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Proxies whose {@code X-Forwarded-For} header is believed: literal IPv4/IPv6 addresses or CIDR blocks. The
         * client address is the rightmost address in the chain that is not a trusted proxy. By default none is
         * trusted and the connection's address is the client's. Replaces earlier ones.
         *
         * @throws IllegalArgumentException if one is not a literal address or CIDR block
         */
        public Builder trustedProxies(String... addressesOrBlocks) {
            List<String> checked = new ArrayList<>();
            for (String value : elements("trusted proxy", addressesOrBlocks)) {
                checked.add(Cidr.parse(value).toString());
            }
            replace(trustedProxies, checked);
            return this;
        }

        /**
         * The header the request id is echoed in, and a client's correlation id read from (default {@value
         * #DEFAULT_REQUEST_ID_HEADER}). The request id is always the server's own; a client's value is kept apart,
         * as the client's, when it is 1 to 64 letters, digits, '-', '_', '.' or ':', starting with a letter or digit.
         *
         * @throws IllegalArgumentException if it is not a valid header name
         */
        public Builder requestIdHeader(String name) {
            this.requestIdHeader = headerName(name);
            return this;
        }

        /**
         * Limits every request of a signed-in caller that has a tenant with {@code limiter}, turns on the anonymous
         * limit ({@link #anonymousLimiter}) and serves the rate-limit endpoint.
         */
        public Builder rateLimiter(RateLimiter limiter) {
            limits.tenant = Objects.requireNonNull(limiter, "limiter");
            return this;
        }

        /**
         * Limits anonymous requests with {@code limiter}: each client address gets a bucket of its own in each tenant,
         * under the plan {@code limiter} gives the tenant, and draws nothing from the tenant's or its users' buckets.
         * Default: {@link #DEFAULT_ANONYMOUS_LIMIT} in process, when a {@link #rateLimiter} is set. Give one built
         * with {@code RateLimiter.Builder.shared} to enforce one limit across app instances.
         */
        public Builder anonymousLimiter(RateLimiter limiter) {
            limits.anonymous = Objects.requireNonNull(limiter, "limiter");
            return this;
        }

        /**
         * Limits failed authentications the application reports ({@link TenantryServlet#authenticationFailed}) with
         * {@code limiter}: a bucket per client address and one per attempted user in each tenant, under the plan
         * {@code limiter} gives the tenant. Default: {@link #DEFAULT_FAILED_AUTHENTICATION_LIMIT} in process.
         */
        public Builder failedAuthenticationLimiter(RateLimiter limiter) {
            limits.failedAuthentication = Objects.requireNonNull(limiter, "limiter");
            return this;
        }

        /**
         * The {@code WWW-Authenticate} challenge of every 401 Tenantry answers (default {@value
         * #DEFAULT_AUTHENTICATION_CHALLENGE}), e.g. {@code Basic realm="api"}.
         *
         * @throws IllegalArgumentException if it is blank or holds control characters
         */
        public Builder authenticationChallenge(String challenge) {
            Objects.requireNonNull(challenge, "challenge");
            if (challenge.isBlank()) {
                throw new IllegalArgumentException("authentication challenge must not be blank");
            }
            this.authenticationChallenge = headerValue(challenge);
            return this;
        }

        /** Which bucket a signed-in caller's request draws from (default {@link RateLimitKeyResolver#perTenant()}). */
        public Builder rateLimitKey(RateLimitKeyResolver resolver) {
            limits.key = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Paths never rate limited (the health endpoints never are). Replaces earlier ones.
         *
         * @throws IllegalArgumentException if a pattern is not an exact path, a {@code /prefix/*} or {@code /*}
         */
        public Builder rateLimitExempt(String... pathPatterns) {
            replace(limits.exemptPaths, patterns("rate-limit exempt path", pathPatterns));
            return this;
        }

        /**
         * Also sends {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}
         * (seconds until the bucket is full) for clients that know only those (default off).
         */
        public Builder legacyRateLimitHeaders(boolean enabled) {
            limits.legacyHeaders = enabled;
            return this;
        }

        /**
         * Whether the security headers are sent at all (default true): false sends none of them, {@code
         * Strict-Transport-Security} included, whatever {@link #securityHeader} and its siblings set; true sends
         * those set.
         */
        public Builder securityHeaders(boolean enabled) {
            security.enabled = enabled;
            return this;
        }

        /**
         * The {@code Content-Security-Policy} (default {@value #DEFAULT_CONTENT_SECURITY_POLICY}); null sends none.
         *
         * @throws IllegalArgumentException if the value holds control characters
         */
        public Builder contentSecurityPolicy(@Nullable String policy) {
            return securityHeader("Content-Security-Policy", policy);
        }

        /**
         * The {@code Strict-Transport-Security} value sent over HTTPS (default {@value
         * #DEFAULT_STRICT_TRANSPORT_SECURITY}); null sends none. It is never sent over plain HTTP, where browsers
         * ignore it.
         *
         * @throws IllegalArgumentException if the value holds control characters
         */
        public Builder strictTransportSecurity(@Nullable String value) {
            security.strictTransportSecurity = value == null ? null : headerValue(value);
            return this;
        }

        /**
         * Sets, replaces or (with null) removes one security header sent by default.
         *
         * @throws IllegalArgumentException if the name is not a header name, or the value holds control characters
         */
        public Builder securityHeader(String name, @Nullable String value) {
            String header = headerName(name);
            if (header.equalsIgnoreCase("Strict-Transport-Security")) {
                return strictTransportSecurity(value);
            }
            security.set(header, value == null ? null : headerValue(value));
            return this;
        }

        /** Serves the health endpoints from {@code health}. */
        public Builder health(Health health) {
            this.health = Objects.requireNonNull(health, "health");
            return this;
        }

        /** Serves the audit log endpoints from {@code trail}. */
        public Builder auditTrail(AuditTrail trail) {
            this.auditTrail = Objects.requireNonNull(trail, "trail");
            return this;
        }

        /** Serves the data export endpoints from {@code exports}. */
        public Builder dataExports(DataExports exports) {
            this.dataExports = Objects.requireNonNull(exports, "exports");
            return this;
        }

        /** Serves the session endpoints from {@code sessions}. */
        public Builder userSessions(UserSessions sessions) {
            this.userSessions = Objects.requireNonNull(sessions, "sessions");
            return this;
        }

        /** The check administrative endpoints ask (default {@link AuthorizationCheck#denyAll()}). */
        public Builder authorization(AuthorizationCheck check) {
            this.authorization = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Shows each health check's detail to every caller (default off: only the overall status, unless the
         * {@link AuthorizationCheck} permits {@link AuthorizationCheck.Operation#VIEW_HEALTH_DETAILS}).
         */
        public Builder publicHealthDetails(boolean enabled) {
            this.publicHealthDetails = enabled;
            return this;
        }

        /**
         * Path of the health endpoints (default {@value #DEFAULT_HEALTH_PATH}).
         *
         * @throws IllegalArgumentException if it does not start with '/', ends with '/' or holds '*'
         */
        public Builder healthPath(String path) {
            return path(Endpoint.HEALTH, path);
        }

        /**
         * Path of the rate-limit endpoint (default {@value #DEFAULT_RATE_LIMIT_PATH}).
         *
         * @throws IllegalArgumentException if it does not start with '/', ends with '/' or holds '*'
         */
        public Builder rateLimitPath(String path) {
            return path(Endpoint.RATE_LIMIT, path);
        }

        /**
         * Path of the audit endpoints (default {@value #DEFAULT_AUDIT_PATH}).
         *
         * @throws IllegalArgumentException if it does not start with '/', ends with '/' or holds '*'
         */
        public Builder auditPath(String path) {
            return path(Endpoint.AUDIT, path);
        }

        /**
         * Path of the export endpoints (default {@value #DEFAULT_EXPORTS_PATH}).
         *
         * @throws IllegalArgumentException if it does not start with '/', ends with '/' or holds '*'
         */
        public Builder exportsPath(String path) {
            return path(Endpoint.EXPORTS, path);
        }

        /**
         * Path of the session endpoints (default {@value #DEFAULT_SESSIONS_PATH}).
         *
         * @throws IllegalArgumentException if it does not start with '/', ends with '/' or holds '*'
         */
        public Builder sessionsPath(String path) {
            return path(Endpoint.SESSIONS, path);
        }

        /**
         * The URL patterns the filters are mapped to (default {@code /*}); replaces earlier ones. The endpoints must
         * lie within them.
         *
         * @throws IllegalArgumentException if none is given or one is not a servlet URL pattern
         */
        public Builder urlPatterns(String... patterns) {
            List<String> checked = patterns("URL pattern", patterns);
            if (checked.isEmpty()) {
                throw new IllegalArgumentException("give at least one URL pattern");
            }
            replace(urlPatterns, checked);
            return this;
        }

        /**
         * Where requested data exports run (default: one daemon thread the installation owns and stops when the
         * application stops). The tenant and audit context are carried into each run.
         */
        public Builder exportExecutor(Executor executor) {
            this.exportExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The largest JSON request body the endpoints read (default 16 KiB); larger bodies answer 413.
         *
         * @throws IllegalArgumentException if below 256 bytes or above 1 MiB
         */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 256 || bytes > 1024 * 1024) {
                throw new IllegalArgumentException("max body size must be 256..1048576 bytes, was " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Serves the admin console as {@code settings} say (default: no console). Its pages are for callers the
         * {@link AuthorizationCheck} permits {@link AuthorizationCheck.Operation#USE_CONSOLE}; see {@link
         * ConsoleSettings}.
         */
        public Builder console(ConsoleSettings settings) {
            this.console = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalStateException if no tenant resolver is given, two endpoint paths overlap, or an endpoint
         *     lies outside the filters' URL patterns
         */
        public TenantryWebConfig build() {
            if (tenantResolvers.isEmpty()) {
                throw new IllegalStateException("say how requests find their tenant: tenantResolvers(...), e.g. "
                        + "TenantResolver.header()");
            }
            List<String> endpoints = new ArrayList<>(paths.values());
            if (tenantDirectory != null) {
                endpoints.add(DEFAULT_ORGANIZATION_PATH);
            }
            if (console != null) {
                endpoints.add(console.path());
            }
            Set<String> seen = new LinkedHashSet<>();
            for (String path : endpoints) {
                for (String other : seen) {
                    if (Paths.isUnder(other, path) || Paths.isUnder(path, other)) {
                        throw new IllegalStateException("endpoint paths '" + other + "' and '" + path + "' overlap");
                    }
                }
                seen.add(path);
                if (!Paths.matchesAny(urlPatterns, path)) {
                    throw new IllegalStateException("endpoint path '" + path + "' lies outside the filters' URL "
                            + "patterns " + urlPatterns + "; the endpoints need the tenant and audit filters");
                }
            }
            return new TenantryWebConfig(this);
        }

        private Builder path(Endpoint endpoint, String path) {
            paths.put(endpoint, Paths.checkEndpoint(path));
            return this;
        }

        private String path(Endpoint endpoint) {
            return Objects.requireNonNull(paths.get(endpoint), endpoint.name());
        }

        /** The given values as a list, the array and every element checked for null (the message names which). */
        @SafeVarargs
        private static <T> List<T> elements(String what, T... values) {
            Objects.requireNonNull(values, what + "s");
            List<T> list = new ArrayList<>(values.length);
            for (int i = 0; i < values.length; i++) {
                list.add(Objects.requireNonNull(values[i], what + " [" + i + "]"));
            }
            return list;
        }

        /** Servlet-style path patterns, each checked. */
        private static List<String> patterns(String what, String... patterns) {
            List<String> checked = new ArrayList<>();
            for (String pattern : elements(what, patterns)) {
                checked.add(Paths.checkPattern(pattern));
            }
            return checked;
        }

        /** The one rule for repeated calls: the new values replace the old. */
        private static <T> void replace(List<T> target, List<T> values) {
            target.clear();
            target.addAll(values);
        }

        static String headerName(String name) {
            Objects.requireNonNull(name, "header name");
            if (!TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("header name must be 1-64 token characters, was '" + name + "'");
            }
            return name;
        }

        private static String headerValue(String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                    throw new IllegalArgumentException("header value must not hold control or non-Latin-1 "
                            + "characters, found U+" + String.format(Locale.ROOT, "%04X", (int) c));
                }
            }
            return value;
        }
    }
}
