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

/** A distinct whose filter stays confined to the tenant it was built for. */
final class ScopedDistinctIterable<R> extends CheckedIterable<R> implements DistinctIterable<R> {

    private final DistinctIterable<R> delegate;
    private final String field;
    private final @Nullable BsonDocument also;
    private @Nullable Bson filter;
    private boolean exact;

    ScopedDistinctIterable(TenantId bound, String field, @Nullable BsonDocument also, DistinctIterable<R> delegate,
                       @Nullable Bson filter) {
        super(bound);
        this.also = also;
        this.delegate = delegate;
        this.field = field;
        this.filter = filter;
        applyFilter();
    }

    private void applyFilter() {
        delegate.filter(new TenantFilter(field, bound().value(), filter, exact, also));
    }

    @Override
    MongoIterable<R> delegate() {
        return delegate;
    }

    @Override
    public DistinctIterable<R> filter(@Nullable Bson filter) {
        this.filter = filter;
        applyFilter();
        return this;
    }

    @Override
    public DistinctIterable<R> collation(@Nullable Collation collation) {
        delegate.collation(collation);
        exact = collation != null;
        applyFilter();
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
        delegate.comment(comment);
        return this;
    }

    @Override
    public DistinctIterable<R> hint(@Nullable Bson hint) {
        delegate.hint(hint);
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
