/**
 * Sample datasets shaped like the seeds' databases, for examples, tests and benchmarks.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.testing.seeds;

import org.jspecify.annotations.NullMarked;
