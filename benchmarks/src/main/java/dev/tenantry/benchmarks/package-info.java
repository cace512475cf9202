/**
 * JMH benchmarks that measure Tenantry's tenant-scoped collections side by side with the raw MongoDB driver, the
 * scoping transforms on their own, the audit trail's asynchronous writing against synchronous writing, and the
 * in-process rate limiter against Bucket4j (with {@link dev.tenantry.benchmarks.RateLimiterMemory} for the memory of
 * an idle bucket). Not API; run through {@code benchmarks.jar}.
 */
package dev.tenantry.benchmarks;
