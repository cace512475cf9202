/**
 * Implementation of the servlet adapter: filters, endpoints and their helpers. Not API; may change in any release.
 */
@NullMarked
package dev.tenantry.servlet.internal;

import org.jspecify.annotations.NullMarked;
