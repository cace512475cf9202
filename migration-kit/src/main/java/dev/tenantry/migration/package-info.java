/**
 * Migration kit: a runner and data-migration primitives for moving a shared-model database to tenant isolation.
 *
 * <p>A {@link dev.tenantry.migration.Migration} has an id, a numeric version, a description, an execute step and
 * optional verify, rollback and dry-run plan steps. A {@link dev.tenantry.migration.MigrationRunner} runs pending
 * migrations in ascending numeric version order (2 before 10) under a lease lock held in one document, so two runners
 * never execute the same migration; the second one waits or exits with a
 * {@link dev.tenantry.migration.MigrationLockedException} naming the holder. Each run is recorded in a history
 * collection with its state, fingerprint, times, counts (written as they are made, and added up across the runs of a
 * migration that resumes) and errors; when a rollback fails too, both errors are kept. A migration that declares the
 * collections it {@link dev.tenantry.migration.Migration#reads() reads} is refused, before anything is written, on a
 * database that lacks them ({@link dev.tenantry.migration.MissingCollectionsException}).
 * An applied migration whose fingerprint changed stops the runner with a
 * {@link dev.tenantry.migration.MigrationFingerprintException}. {@link dev.tenantry.migration.MigrationRunner#plan()}
 * is a dry run that only reads: a {@link dev.tenantry.migration.Plan} per migration, a line per step with its counts,
 * what they depend on and the failures it predicts.
 *
 * <p>Long steps run in batches ({@link dev.tenantry.migration.batch.Batches}) whose checkpoints the runner keeps
 * ({@link dev.tenantry.migration.MigrationContext#batches}): a migration interrupted mid-step resumes after its last
 * acknowledged batch, with the lease checked before every batch and progress reported to the log and to a
 * {@link dev.tenantry.migration.ProgressListener}. The data-migration primitives are in
 * {@code dev.tenantry.migration.steps}, the verifier in {@code dev.tenantry.migration.verify}, backup and restore in
 * {@code dev.tenantry.migration.backup} and the command line in {@code dev.tenantry.migration.cli}.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.migration;

import org.jspecify.annotations.NullMarked;
