package dev.tenantry;

/**
 * Asked before a tenant scope opens for ordinary work; the tenant directory plugs in here so that a suspended tenant,
 * or one scheduled for deletion, cannot be worked on.
 *
 * <p>A guard refuses by throwing (a {@link TenantryException} that says why); the scope does not open and the work
 * does not run. Guards are not asked when the scope opens inside system scope: cross-tenant work such as a purge
 * must still reach such tenants. Guards run on the entering thread, on every entry, and must be fast and
 * thread-safe. Work bound to a tenant scope ({@link Tenants#bind(Runnable)} and its siblings,
 * {@link Tenants#propagating(java.util.concurrent.Executor)}, {@link ScopedFuture} stages) enters that scope again
 * each time it runs, and the guards are asked again then: a tenant suspended after work was handed over gets none of
 * it done.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface TenantScopeGuard {

    /**
     * Checks that work may run for {@code tenant}.
     *
     * @throws TenantryException to refuse, saying why
     */
    void check(TenantId tenant);
}
