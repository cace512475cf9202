package dev.tenantry;

/**
 * Asked before a {@link dev.tenantry.collection.TenantDatabase} touches a tenant's data for ordinary work; the tenant
 * directory plugs in here ({@code directory.guardScopes()}) so that a suspended tenant, or one scheduled for deletion,
 * cannot be worked on.
 *
 * <p>A guard belongs to the databases it is registered with ({@code TenantDatabase.addScopeGuard}), never to the
 * JVM: another application's database is not guarded by it. It is asked when the work runs: each operation of a
 * tenant-scoped collection, each run of an iterable and each cursor's first batch, on whatever thread (so work handed
 * to an executor before the tenant was suspended gets none of it done). A guard refuses by throwing (a {@link
 * TenantryException} that says why, such as {@link ScopeRefusedException}); the operation sends nothing. Guards are not asked inside system scope:
 * cross-tenant work such as a purge must still reach such tenants. Guards run on the working thread, on every
 * operation, and must be fast and thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TenantScopeGuard {

    /**
     * Checks that work may run for {@code tenant}.
     *
     * @throws TenantryException to refuse, saying why (an application's own guard throws {@link
     *     ScopeRefusedException})
     */
    void check(TenantId tenant);
}
