package dev.tenantry.collection.internal;

import com.mongodb.Function;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoIterable;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * A driver iterable bound to the tenant it was built for: each way of running it first checks that the same tenant
 * is current, so an iterable built for one tenant cannot be run in another's scope or in none; and its cursors check
 * again before every batch they fetch ({@link CheckedCursor}), so a cursor opened in the tenant's scope cannot be
 * drained elsewhere. An iterable built in system scope with no tenant (index listings of a shared collection) is
 * bound to system scope instead.
 */
public abstract class CheckedIterable<R> implements MongoIterable<R> {

    /** The tenant this was built for; null: system scope. */
    private final @Nullable TenantId bound;
    /** What the database asks each time this runs. */
    private final Admission admission;

    CheckedIterable(@Nullable TenantId bound, Admission admission) {
        this.bound = bound;
        this.admission = admission;
    }

    /** The iterable that does the work. */
    abstract MongoIterable<R> delegate();

    /**
     * Checks that the tenant (or system scope) this was built for is current.
     *
     * @throws MissingTenantException if no tenant is current
     * @throws TenantViolationException if another tenant is current
     */
    final void check() {
        check(bound);
        admission.admit(bound);
    }

    /** As {@link #check()}, for {@code bound}; null means system scope. */
    static void check(@Nullable TenantId bound) {
        if (bound == null) {
            if (!Tenants.inSystemScope()) {
                throw new MissingTenantException("this operation was built in system scope and runs only there; "
                        + "run it inside Tenants.runAsSystem(reason, ...)");
            }
            return;
        }
        TenantId now = Tenants.current();
        if (!now.equals(bound)) {
            throw new TenantViolationException("this operation was built in the scope of tenant '" + bound
                    + "' and cannot run in the scope of tenant '" + now + "'; build it inside the scope it runs in");
        }
    }

    final @Nullable TenantId bound() {
        return bound;
    }

    final Admission admission() {
        return admission;
    }

    @Override
    public MongoCursor<R> iterator() {
        check();
        return new CheckedCursor<>(bound, delegate().iterator());
    }

    @Override
    public MongoCursor<R> cursor() {
        check();
        return new CheckedCursor<>(bound, delegate().cursor());
    }

    @Override
    public @Nullable R first() {
        check();
        return delegate().first();
    }

    @Override
    public <U> MongoIterable<U> map(Function<R, U> mapper) {
        return new Mapped<>(bound, admission, delegate().map(mapper));
    }

    /** Runs in the calling thread from start to end, so the scope checked first is the scope of every batch. */
    @Override
    public <A extends Collection<? super R>> A into(A target) {
        check();
        return delegate().into(target);
    }

    /** A mapped iterable that keeps its source's binding. */
    static final class Mapped<U> extends CheckedIterable<U> {
        private final MongoIterable<U> delegate;

        Mapped(@Nullable TenantId bound, Admission admission, MongoIterable<U> delegate) {
            super(bound, admission);
            this.delegate = delegate;
        }

        @Override
        MongoIterable<U> delegate() {
            return delegate;
        }

        @Override
        public MongoIterable<U> batchSize(int batchSize) {
            delegate.batchSize(batchSize);
            return this;
        }
    }
}
