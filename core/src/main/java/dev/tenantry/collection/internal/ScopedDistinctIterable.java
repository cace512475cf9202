package dev.tenantry.collection.internal;

import com.mongodb.client.DistinctIterable;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.cursor.TimeoutMode;
import com.mongodb.client.model.Collation;
import dev.tenantry.TenantId;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A distinct whose filter stays confined to the tenant it was built for. Its setters render what they take once, into
 * private copies, as {@link ScopedFindIterable}'s do.
 */
final class ScopedDistinctIterable<R> extends CheckedIterable<R> implements DistinctIterable<R> {

    private final DistinctIterable<R> delegate;
    private final Renderer renderer;
    private final IterableFilter filter;

    /** {@code filter} is a private copy already. */
    ScopedDistinctIterable(TenantId bound, Admission admission, Renderer renderer, String field,
                           @Nullable BsonDocument also, DistinctIterable<R> delegate, @Nullable BsonDocument filter) {
        super(bound, admission);
        this.renderer = renderer;
        this.delegate = delegate;
        this.filter = new IterableFilter(renderer, field, bound, also, filter);
        delegate.filter(this.filter.scoped());
    }

    @Override
    MongoIterable<R> delegate() {
        return delegate;
    }

    @Override
    public DistinctIterable<R> filter(@Nullable Bson filter) {
        delegate.filter(this.filter.filter(filter));
        return this;
    }

    @Override
    public DistinctIterable<R> collation(@Nullable Collation collation) {
        delegate.collation(collation);
        delegate.filter(filter.collation(collation));
        return this;
    }

    @Override
    public DistinctIterable<R> maxTime(long maxTime, TimeUnit timeUnit) {
        delegate.maxTime(maxTime, timeUnit);
        return this;
    }

    @Override
    public DistinctIterable<R> batchSize(int batchSize) {
        delegate.batchSize(batchSize);
        return this;
    }

    @Override
    public DistinctIterable<R> comment(@Nullable String comment) {
        delegate.comment(comment);
        return this;
    }

    @Override
    public DistinctIterable<R> comment(@Nullable BsonValue comment) {
        delegate.comment(PlainBson.copyOrNull(comment));
        return this;
    }

    @Override
    public DistinctIterable<R> hint(@Nullable Bson hint) {
        delegate.hint(renderer.renderOrNull(hint));
        return this;
    }

    @Override
    public DistinctIterable<R> hintString(@Nullable String hint) {
        delegate.hintString(hint);
        return this;
    }

    @Override
    public DistinctIterable<R> timeoutMode(TimeoutMode timeoutMode) {
        delegate.timeoutMode(timeoutMode);
        return this;
    }
}
