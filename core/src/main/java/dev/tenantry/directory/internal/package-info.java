/** Implementation of the tenant directory; not API. */
@NullMarked
package dev.tenantry.directory.internal;

import org.jspecify.annotations.NullMarked;
