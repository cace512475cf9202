/**
 * The seeds' migrations through the migration kit: seed 1's new collections as a migration class
 * ({@link dev.tenantry.examples.migration.EnterpriseInfrastructure}), and seed 2's restructure as two migrations,
 * expand ({@link dev.tenantry.examples.migration.ExpandCustomers}) and contract
 * ({@link dev.tenantry.examples.migration.ContractUsers}), driven by a script
 * ({@link dev.tenantry.examples.migration.InsecureToIsolated}) that backs up, plans, migrates, verifies and rolls
 * back by restore.
 */
@NullMarked
package dev.tenantry.examples.migration;

import org.jspecify.annotations.NullMarked;
