package dev.tenantry.collection.internal;

import com.mongodb.client.ListIndexesIterable;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.cursor.TimeoutMode;
import dev.tenantry.TenantId;
import java.util.concurrent.TimeUnit;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/** The index listing of the tenant's physical collection, bound to that tenant (or to system scope). */
final class ScopedListIndexesIterable<R> extends CheckedIterable<R> implements ListIndexesIterable<R> {

    private final ListIndexesIterable<R> delegate;

    ScopedListIndexesIterable(@Nullable TenantId bound, Admission admission, ListIndexesIterable<R> delegate) {
        super(bound, admission);
        this.delegate = delegate;
    }

    @Override
    MongoIterable<R> delegate() {
        return delegate;
    }

    @Override
    public ListIndexesIterable<R> maxTime(long maxTime, TimeUnit timeUnit) {
        delegate.maxTime(maxTime, timeUnit);
        return this;
    }

    @Override
    public ListIndexesIterable<R> batchSize(int batchSize) {
        delegate.batchSize(batchSize);
        return this;
    }

    @Override
    public ListIndexesIterable<R> comment(@Nullable String comment) {
        delegate.comment(comment);
        return this;
    }

    @Override
    public ListIndexesIterable<R> comment(@Nullable BsonValue comment) {
        delegate.comment(PlainBson.copyOrNull(comment));
        return this;
    }

    @Override
    public ListIndexesIterable<R> timeoutMode(TimeoutMode timeoutMode) {
        delegate.timeoutMode(timeoutMode);
        return this;
    }
}
