/**
 * A small multi-tenant booking/CRM JSON API (organizations, customers, services, bookings) built on Tenantry core
 * and the servlet adapter, on embedded Jetty 12. Start it with {@link dev.tenantry.examples.web.BookingApp}.
 *
 * <p>Its authentication is a stand-in for the demo only: a known user name in {@code X-Demo-User}, or a session
 * token from {@code POST /api/login} (password {@code demo} for everyone). Never ship it.
 */
@NullMarked
package dev.tenantry.examples.web;

import org.jspecify.annotations.NullMarked;
