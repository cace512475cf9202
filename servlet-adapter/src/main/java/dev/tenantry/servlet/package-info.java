/**
 * Jakarta Servlet 6 adapter: filters and endpoints that plug Tenantry core into any servlet application.
 *
 * <p>{@link dev.tenantry.servlet.TenantryServlet#install} is the one way in: it installs, from one {@link
 * dev.tenantry.servlet.TenantryWebConfig}, the filters (security headers, request context for the audit trail,
 * tenant resolution and scope, rate limits with the IETF {@code RateLimit} fields), the JSON endpoints (health,
 * rate-limit state, audit log, data exports, sessions, organization) and, with {@link
 * dev.tenantry.servlet.ConsoleSettings}, the admin console. Extension points: {@link dev.tenantry.servlet.TenantResolver},
 * {@link dev.tenantry.servlet.ActorResolver}, {@link dev.tenantry.servlet.RateLimitKeyResolver} and {@link
 * dev.tenantry.servlet.AuthorizationCheck}. Errors are RFC 9457 {@link dev.tenantry.servlet.ProblemDetails}.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.servlet;

import org.jspecify.annotations.NullMarked;
