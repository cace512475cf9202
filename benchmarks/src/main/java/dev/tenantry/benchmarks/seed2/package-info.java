/** Seed 2's restructure, measured through the migration kit against a per-document port of the seed's scripts. */
@NullMarked
package dev.tenantry.benchmarks.seed2;

import org.jspecify.annotations.NullMarked;
