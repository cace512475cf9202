/** Implementation of tenant-scoped collections: filter, update and pipeline scoping. Not API. */
@NullMarked
package dev.tenantry.collection.internal;

import org.jspecify.annotations.NullMarked;
