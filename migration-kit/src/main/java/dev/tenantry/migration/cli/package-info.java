/**
 * The {@code tenantry-migrate} command line: status, dry-run plan, migrate, verify, backup and restore of one
 * database, with progress bars and exit codes a script can act on. Run it from the {@code -cli} jar
 * ({@code java -jar tenantry-migration-kit-<version>-cli.jar --help});
 * {@link dev.tenantry.migration.cli.TenantryMigrate} is the entry point and lists the exit codes. Everything else here is an implementation detail.
 *
 * <p>picocli is an optional dependency of the migration kit: applications that use the kit as a library do not get
 * it, and never load this package.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.migration.cli;

import org.jspecify.annotations.NullMarked;
