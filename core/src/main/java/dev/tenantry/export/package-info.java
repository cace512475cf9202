/**
 * Export formats shared by everything Tenantry exports (the audit log now; tenant data exports next).
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.export;

import org.jspecify.annotations.NullMarked;
