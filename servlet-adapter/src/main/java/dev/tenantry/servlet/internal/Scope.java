package dev.tenantry.servlet.internal;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditContext;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A thread-local context opened around a block and closed after it (also when it throws): a tenant scope or an
 * audit context. Filters open one around the rest of the chain; async work of the request is run inside it too.
 */
@FunctionalInterface
public interface Scope {

    /** A block of request work. */
    @FunctionalInterface
    interface Work {
        /** Does the work. */
        void run() throws IOException, ServletException;
    }

    /** Runs {@code work} inside this scope, closing the scope afterwards. */
    void run(Work work) throws IOException, ServletException;

    /** The tenant scope of {@code tenant}; its guards (the directory's status check) are asked on every entry. */
    static Scope tenant(TenantId tenant) {
        return work -> {
            try {
                Tenants.run(tenant, work::run);
            } catch (IOException | ServletException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("unexpected checked exception", e);
            }
        };
    }

    /**
     * The scope of {@code tenant} opened inside system scope entered for {@code reason}: its guards are not asked, and
     * the entry is reported to the system-scope listeners.
     */
    static Scope system(String reason, TenantId tenant) {
        return work -> {
            try {
                Tenants.runAsSystem(reason, () -> Tenants.run(tenant, work::run));
            } catch (IOException | ServletException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("unexpected checked exception", e);
            }
        };
    }

    /** The audit context {@code context}. */
    static Scope audit(AuditContext context) {
        return work -> {
            try {
                context.run(() -> {
                    try {
                        work.run();
                    } catch (IOException | ServletException e) {
                        throw new Tunnel(e);
                    }
                });
            } catch (Tunnel t) {
                if (t.getCause() instanceof IOException io) {
                    throw io;
                }
                throw (ServletException) t.getCause();
            }
        };
    }

    /** {@code runnable} run inside this scope, for work handed to the container's threads. */
    default Runnable bind(Runnable runnable) {
        return () -> {
            try {
                run(runnable::run);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ServletException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Carries a checked exception of the work through {@link AuditContext#run(Runnable)}. */
    final class Tunnel extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Tunnel(Exception cause) {
            super(cause);
        }
    }
}
