/** Implementation details of the migration kit; not API. */
@NullMarked
package dev.tenantry.migration.internal;

import org.jspecify.annotations.NullMarked;
