/**
 * JMH benchmarks that measure Tenantry's tenant-scoped collections side by side with the raw MongoDB driver, and the
 * scoping transforms on their own. Not API; run through {@code benchmarks.jar}.
 */
package dev.tenantry.benchmarks;
