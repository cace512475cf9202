/**
 * Rate limiting by plan: token buckets of one or more bandwidths, keyed by tenant (and optionally user, ip or a custom
 * key), held in process or shared through MongoDB, with decisions that carry what HTTP rate-limit headers need.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.ratelimit;

import org.jspecify.annotations.NullMarked;
