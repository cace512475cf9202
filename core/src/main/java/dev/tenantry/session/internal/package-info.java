/** Implementation of user sessions; not API. */
@NullMarked
package dev.tenantry.session.internal;

import org.jspecify.annotations.NullMarked;
