package dev.tenantry.collection.internal;

import com.mongodb.Function;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoIterable;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * A driver iterable bound to the tenant it was built for: each way of running it first checks that the same tenant
 * is current, so an iterable built for one tenant cannot be run in another's scope or in none.
 */
public abstract class CheckedIterable<R> implements MongoIterable<R> {

    private final TenantId bound;

    CheckedIterable(TenantId bound) {
        this.bound = bound;
    }

    /** The iterable that does the work. */
    abstract MongoIterable<R> delegate();

    /**
     * Checks that the tenant this was built for is current.
     *
     * @throws dev.tenantry.MissingTenantException if no tenant is current
     * @throws TenantViolationException if another tenant is current
     */
    final void check() {
        check(bound);
    }

    static void check(TenantId bound) {
        TenantId now = Tenants.current();
        if (!now.equals(bound)) {
            throw new TenantViolationException("this operation was built in the scope of tenant '" + bound
                    + "' and cannot run in the scope of tenant '" + now + "'; build it inside the scope it runs in");
        }
    }

    final TenantId bound() {
        return bound;
    }

    @Override
    public MongoCursor<R> iterator() {
        check();
        return delegate().iterator();
    }

    @Override
    public MongoCursor<R> cursor() {
        check();
        return delegate().cursor();
    }

    @Override
    public @Nullable R first() {
        check();
        return delegate().first();
    }

    @Override
    public <U> MongoIterable<U> map(Function<R, U> mapper) {
        return new Mapped<>(bound, delegate().map(mapper));
    }

    @Override
    public <A extends Collection<? super R>> A into(A target) {
        check();
        return delegate().into(target);
    }

    /** A mapped iterable that keeps its source's binding. */
    static final class Mapped<U> extends CheckedIterable<U> {
        private final MongoIterable<U> delegate;

        Mapped(TenantId bound, MongoIterable<U> delegate) {
            super(bound);
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
