package dev.tenantry.export;

import dev.tenantry.TenantId;
import dev.tenantry.TenantryException;

/**
 * A data export was refused because the requester, or the tenant, already has as many exports pending or running as
 * {@link DataExports.Builder#maxActivePerRequester} or {@link DataExports.Builder#maxActivePerTenant} allow. Nothing
 * was recorded; the request may be made again once one of them has completed or failed.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class ExportLimitExceededException extends TenantryException {
    private static final long serialVersionUID = 1L;

    /**
     * Which limit was hit.
     *
     * <p>Immutable and thread-safe.
     */
    public enum Limit {
        /** Pending and running exports of one requester within a tenant. */
        PER_REQUESTER,
        /** Pending and running exports of one tenant. */
        PER_TENANT
    }

    private final TenantId tenant;
    private final Limit limit;
    private final int max;

    /** For {@code tenant}, which has reached {@code max} under {@code limit}. */
    public ExportLimitExceededException(TenantId tenant, Limit limit, int max) {
        super(limit == Limit.PER_REQUESTER
                ? "this requester already has " + max + " data exports pending or running in tenant '" + tenant
                        + "', the most allowed per requester; request another once one has completed"
                : "tenant '" + tenant + "' already has " + max + " data exports pending or running, the most "
                        + "allowed per tenant; request another once one has completed");
        this.tenant = tenant;
        this.limit = limit;
        this.max = max;
    }

    /** The tenant. */
    public TenantId tenant() {
        return tenant;
    }

    /** Which limit was hit. */
    public Limit limit() {
        return limit;
    }

    /** The most exports that limit allows pending or running at once. */
    public int max() {
        return max;
    }
}
