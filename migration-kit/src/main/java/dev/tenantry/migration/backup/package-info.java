/**
 * Backup of chosen collections to a directory {@code mongorestore} can read, and restore from it: the safety net the
 * seeds' migration guides ask for before any change ("back up first, roll back by restoring").
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.migration.backup;

import org.jspecify.annotations.NullMarked;
