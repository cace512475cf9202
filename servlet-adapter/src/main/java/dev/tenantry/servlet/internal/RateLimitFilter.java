package dev.tenantry.servlet.internal;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.ratelimit.RateLimitDecision;
import dev.tenantry.ratelimit.RateLimitKey;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.servlet.RateLimitKeyResolver;
import dev.tenantry.servlet.TenantryServlet;
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
import org.jspecify.annotations.Nullable;

/**
 * Limits requests that have a tenant, each kind of traffic in buckets of its own, and says so in the IETF {@code
 * RateLimit-Policy} and {@code RateLimit} fields (draft-ietf-httpapi-ratelimit-headers), plus {@code X-RateLimit-*}
 * when configured:
 * <ul>
 *   <li>a signed-in caller takes a permit from the bucket the {@link RateLimitKeyResolver} chooses, under the
 *       tenant's plan;</li>
 *   <li>an anonymous caller takes one from the anonymous limiter's bucket of its client address in the tenant, so no
 *       amount of anonymous traffic takes a token from signed-in users; an address whose failed authentications used
 *       up their limit is refused before anything else runs;</li>
 *   <li>a failed authentication the application reports ({@link TenantryServlet#authenticationFailed}) takes a token
 *       from the failure limiter's bucket of the client address and of the attempted user, is recorded as a LOGIN
 *       FAILURE, and is answered 401, or 429 once either bucket is empty.</li>
 * </ul>
 * A request over a limit gets 429 with {@code Retry-After} in whole seconds rounded up (never 0), the wait of the
 * bandwidth its {@code RateLimit} field names, and a problem details body. Runs inside the tenant filter; only the
 * original dispatch of a request is counted.
 */
public final class RateLimitFilter implements Filter {

    /** The IETF policy field. */
    public static final String POLICY_HEADER = "RateLimit-Policy";
    /** The IETF state field. */
    public static final String STATE_HEADER = "RateLimit";
    /** The key kind of an anonymous client address's bucket. */
    static final String ANONYMOUS = "anonymous-ip";
    /** The key kind of a client address's failed authentications. */
    static final String FAILED_BY_IP = "auth-failure-ip";
    /** The key kind of an attempted user's failed authentications. */
    static final String FAILED_BY_USER = "auth-failure-user";

    private final @Nullable RateLimiter limiter;
    private final @Nullable RateLimiter anonymous;
    private final RateLimiter failures;
    private final RateLimitKeyResolver keys;
    private final List<String> exempt;
    private final boolean legacyHeaders;
    private final @Nullable AuditTrail audit;
    private final String challenge;

    /** A filter limiting as {@code config} says. */
    public RateLimitFilter(TenantryWebConfig config) {
        this.limiter = config.rateLimiter().orElse(null);
        this.anonymous = config.anonymousLimiter().orElse(null);
        this.failures = config.failedAuthenticationLimiter();
        this.keys = config.rateLimitKey();
        this.exempt = config.rateLimitExemptPaths();
        this.legacyHeaders = config.legacyRateLimitHeaders();
        this.audit = config.auditTrail().orElse(null);
        this.challenge = config.authenticationChallenge();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(req, res);
            return;
        }
        request.setAttribute(Attributes.LIMITS, this);
        if (request.getAttribute(Attributes.AUTH_FAILURE) instanceof AuthFailure failure && !failure.handled()) {
            refuse(request, response, failure);
            return;
        }
        Optional<TenantId> tenant = Tenants.currentIfPresent();
        if (tenant.isEmpty() || Paths.matchesAny(exempt, Paths.within(request))) {
            chain.doFilter(request, response);
            return;
        }
        RateLimitDecision decision;
        if (request.getAttribute(Attributes.ACTOR) == null) {
            String ip = Keys.fit(TenantryServlet.clientIpOf(request));
            RateLimitDecision failed = failures.status(RateLimitKey.custom(tenant.get(), FAILED_BY_IP, ip));
            if (!failed.allowed()) {
                tooManyFailures(request, response, failed);
                return;
            }
            if (anonymous == null) {
                chain.doFilter(request, response);
                return;
            }
            decision = anonymous.tryAcquire(RateLimitKey.custom(tenant.get(), ANONYMOUS, ip));
        } else if (limiter != null) {
            decision = limiter.tryAcquire(keys.keyFor(request, tenant.get()));
        } else {
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(Attributes.RATE_LIMIT, decision);
        HttpServletResponse limited = KeptHeadersResponse.keep(response, headers(decision, legacyHeaders));
        if (!decision.allowed()) {
            long retryAfter = decision.bindingResetSeconds();
            response.setHeader("Retry-After", Long.toString(retryAfter));
            Problems.rateLimited(retryAfter, decision.policy()).send(request, response);
            return;
        }
        chain.doFilter(request, limited);
    }

    /** The key and limiter of the caller's bucket, as this filter would take a permit from it. */
    @Nullable KeyedLimiter bucketOf(HttpServletRequest request, TenantId tenant) {
        if (TenantryServlet.actorOf(request).isEmpty()) {
            return anonymous == null ? null : new KeyedLimiter(anonymous, RateLimitKey.custom(tenant, ANONYMOUS,
                    Keys.fit(TenantryServlet.clientIpOf(request))));
        }
        return limiter == null ? null : new KeyedLimiter(limiter, keys.keyFor(request, tenant));
    }

    /** A limiter and the key of a bucket in it. */
    record KeyedLimiter(RateLimiter limiter, RateLimitKey key) {
    }

    /**
     * Counts {@code failure} against the client address and the attempted user in the request's tenant, records it
     * as a LOGIN FAILURE, and answers 401, or 429 when either bucket was empty. Without a tenant nothing can be
     * counted or recorded, and the answer is 401.
     */
    public void refuse(HttpServletRequest request, HttpServletResponse response, AuthFailure failure)
            throws IOException {
        failure.markHandled();
        Optional<TenantId> tenant = Tenants.currentIfPresent();
        RateLimitDecision over = null;
        if (tenant.isPresent()) {
            RateLimitDecision byIp = failures.tryAcquire(RateLimitKey.custom(tenant.get(), FAILED_BY_IP,
                    Keys.fit(TenantryServlet.clientIpOf(request))));
            over = byIp.allowed() ? null : byIp;
            if (failure.rawUser() != null) {
                RateLimitDecision byUser = failures.tryAcquire(RateLimitKey.custom(tenant.get(), FAILED_BY_USER,
                        Keys.fit(failure.rawUser())));
                over = over != null || byUser.allowed() ? over : byUser;
            }
            if (audit != null) {
                audit.record(AuditEvent.of(AuditAction.LOGIN).target("user", failure.attemptedUser())
                        .failed(failure.reason()).build());
            }
        }
        if (over != null) {
            tooManyFailures(request, response, over);
            return;
        }
        response.setHeader("WWW-Authenticate", challenge);
        Problems.unauthorized("the credentials were not accepted").send(request, response);
    }

    /**
     * Whether an authentication as {@code attemptedUser} may be tried now: false, having answered 429, when the
     * client address or that user has used up its failed authentications in the request's tenant.
     */
    public boolean mayAttempt(HttpServletRequest request, HttpServletResponse response, @Nullable String attemptedUser)
            throws IOException {
        Optional<TenantId> tenant = Tenants.currentIfPresent();
        if (tenant.isEmpty()) {
            return true;
        }
        RateLimitDecision byIp = failures.status(RateLimitKey.custom(tenant.get(), FAILED_BY_IP,
                Keys.fit(TenantryServlet.clientIpOf(request))));
        RateLimitDecision over = byIp.allowed() ? null : byIp;
        if (over == null && attemptedUser != null) {
            RateLimitDecision byUser = failures.status(RateLimitKey.custom(tenant.get(), FAILED_BY_USER,
                    Keys.fit(attemptedUser)));
            over = byUser.allowed() ? null : byUser;
        }
        if (over == null) {
            return true;
        }
        tooManyFailures(request, response, over);
        return false;
    }

    private void tooManyFailures(HttpServletRequest request, HttpServletResponse response, RateLimitDecision decision)
            throws IOException {
        String[] headers = headers(decision, legacyHeaders);
        for (int i = 0; i < headers.length; i += 2) {
            response.setHeader(headers[i], headers[i + 1]);
        }
        long retryAfter = decision.bindingResetSeconds();
        response.setHeader("Retry-After", Long.toString(retryAfter));
        Problems.tooManyFailures(retryAfter).send(request, response);
    }

    /** The rate-limit fields of {@code decision}, in order, as name, value, name, value, .... */
    static String[] headers(RateLimitDecision decision, boolean legacy) {
        if (!legacy) {
            return new String[] {POLICY_HEADER, decision.policyHeader(), STATE_HEADER, decision.rateLimitHeader()};
        }
        return new String[] {POLICY_HEADER, decision.policyHeader(), STATE_HEADER, decision.rateLimitHeader(),
            "X-RateLimit-Limit", Long.toString(decision.limit()),
            "X-RateLimit-Remaining", Long.toString(decision.remaining()),
            "X-RateLimit-Reset", Long.toString(decision.resetAfterSeconds())};
    }
}
