/** Implementation of the audit trail: codec, hash chain, store and asynchronous writer. Not API. */
@NullMarked
package dev.tenantry.audit.internal;

import org.jspecify.annotations.NullMarked;
