/**
 * User sessions: sign-in sessions of a tenant's users with sliding expiry and an absolute lifetime, listing of a
 * user's active sessions, revocation of one, all or all but one of them, and LOGIN / LOGOUT audit entries.
 *
 * <p>Only a SHA-256 hash of each session token is stored, and every operation is confined to the current tenant.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.session;

import org.jspecify.annotations.NullMarked;
