/**
 * JMH benchmarks that measure Tenantry's tenant-scoped collections side by side with the raw MongoDB driver, the
 * scoping transforms on their own, and the audit trail's asynchronous writing against synchronous writing. Not API;
 * run through {@code benchmarks.jar}.
 */
package dev.tenantry.benchmarks;
