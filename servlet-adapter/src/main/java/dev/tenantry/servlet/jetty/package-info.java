/**
 * Jetty 12 integration: problem details for the errors Jetty raises itself, before any servlet filter runs. Needs
 * {@code org.eclipse.jetty:jetty-server} on the class path, which Jetty applications have; nothing else in the
 * adapter loads these classes.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.servlet.jetty;

import org.jspecify.annotations.NullMarked;
