package dev.tenantry.collection.internal;

import dev.tenantry.TenantId;
import org.jspecify.annotations.Nullable;

/**
 * What a database asks before work touches its data: its scope guards (outside system scope) and its system-scope
 * listeners (once per entry). Consulted when the work runs, on the working thread.
 */
@FunctionalInterface
interface Admission {

    /** A database with nothing to ask. */
    Admission NONE = tenant -> { };

    /**
     * Lets work for {@code tenant} (null: system scope with no tenant open) touch the data, or throws.
     *
     * @throws dev.tenantry.TenantryException (or what a guard or listener throws) to refuse
     */
    void admit(@Nullable TenantId tenant);
}
