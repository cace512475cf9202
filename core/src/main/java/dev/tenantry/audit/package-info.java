/**
 * The audit trail: append-only, per-tenant, tamper-evident {@code AuditLog} entries, written synchronously or through
 * a bounded asynchronous batcher that never loses an accepted entry silently, queried with stable cursor paging and
 * exported as NDJSON or CSV.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.audit;

import org.jspecify.annotations.NullMarked;
