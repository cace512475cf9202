/** Writers shared by exports. Not API. */
@NullMarked
package dev.tenantry.export.internal;

import org.jspecify.annotations.NullMarked;
