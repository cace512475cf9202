/** Implementation of the test fixture; not API. */
@NullMarked
package dev.tenantry.testing.internal;

import org.jspecify.annotations.NullMarked;
