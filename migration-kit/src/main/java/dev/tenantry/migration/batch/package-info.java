/**
 * Batching for data migrations: a collection read in {@code _id} order through one cursor, a page at a time (reopened
 * after the last acknowledged page if the server drops it), each page turned into writes applied as one bounded
 * unordered bulk write whose failed items are recorded instead of stopping the run, a checkpoint after
 * every acknowledged batch so an interrupted step resumes where it stopped, progress in the log and an optional
 * throttle.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.migration.batch;

import org.jspecify.annotations.NullMarked;
