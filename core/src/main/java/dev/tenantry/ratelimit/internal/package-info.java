/** Implementation of rate limiting: exact token arithmetic and the stores. Not API. */
@NullMarked
package dev.tenantry.ratelimit.internal;

import org.jspecify.annotations.NullMarked;
