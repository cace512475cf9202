/**
 * Jakarta Servlet 6 adapter: filters and endpoints that plug Tenantry core into servlet applications.
 *
 * <p>This module's filters (tenant resolution, audit context, rate limits, security headers) and endpoints arrive
 * with the servlet-adapter issue; today it holds no public types.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.servlet;

import org.jspecify.annotations.NullMarked;
