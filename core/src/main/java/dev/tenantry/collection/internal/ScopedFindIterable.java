package dev.tenantry.collection.internal;

import com.mongodb.CursorType;
import com.mongodb.ExplainVerbosity;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.cursor.TimeoutMode;
import com.mongodb.client.model.Collation;
import dev.tenantry.TenantId;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A find whose filter, however often it is set, stays confined to the tenant it was built for. Every {@code Bson} and
 * {@code BsonValue} a setter takes is rendered once, when it is called, into a private copy that the driver's iterable
 * then holds; the caller's object is never read again.
 */
final class ScopedFindIterable<R> extends CheckedIterable<R> implements FindIterable<R> {

    private final FindIterable<R> delegate;
    private final Renderer renderer;
    private final IterableFilter filter;

    /** {@code filter} is a private copy already. */
    ScopedFindIterable(TenantId bound, Admission admission, Renderer renderer, String field,
                       @Nullable BsonDocument also, FindIterable<R> delegate, @Nullable BsonDocument filter) {
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
    public FindIterable<R> filter(@Nullable Bson filter) {
        delegate.filter(this.filter.filter(filter));
        return this;
    }

    @Override
    public FindIterable<R> collation(@Nullable Collation collation) {
        delegate.collation(collation);
        delegate.filter(filter.collation(collation));
        return this;
    }

    @Override
    public FindIterable<R> limit(int limit) {
        delegate.limit(limit);
        return this;
    }

    @Override
    public FindIterable<R> skip(int skip) {
        delegate.skip(skip);
        return this;
    }

    @Override
    public FindIterable<R> maxTime(long maxTime, TimeUnit timeUnit) {
        delegate.maxTime(maxTime, timeUnit);
        return this;
    }

    @Override
    public FindIterable<R> maxAwaitTime(long maxAwaitTime, TimeUnit timeUnit) {
        delegate.maxAwaitTime(maxAwaitTime, timeUnit);
        return this;
    }

    @Override
    public FindIterable<R> projection(@Nullable Bson projection) {
        delegate.projection(renderer.renderOrNull(projection));
        return this;
    }

    @Override
    public FindIterable<R> sort(@Nullable Bson sort) {
        delegate.sort(renderer.renderOrNull(sort));
        return this;
    }

    @Override
    public FindIterable<R> noCursorTimeout(boolean noCursorTimeout) {
        delegate.noCursorTimeout(noCursorTimeout);
        return this;
    }

    @Override
    public FindIterable<R> partial(boolean partial) {
        delegate.partial(partial);
        return this;
    }

    @Override
    public FindIterable<R> cursorType(CursorType cursorType) {
        delegate.cursorType(cursorType);
        return this;
    }

    @Override
    public FindIterable<R> batchSize(int batchSize) {
        delegate.batchSize(batchSize);
        return this;
    }

    @Override
    public FindIterable<R> comment(@Nullable String comment) {
        delegate.comment(comment);
        return this;
    }

    @Override
    public FindIterable<R> comment(@Nullable BsonValue comment) {
        delegate.comment(PlainBson.copyOrNull(comment));
        return this;
    }

    @Override
    public FindIterable<R> hint(@Nullable Bson hint) {
        delegate.hint(renderer.renderOrNull(hint));
        return this;
    }

    @Override
    public FindIterable<R> hintString(@Nullable String hint) {
        delegate.hintString(hint);
        return this;
    }

    @Override
    public FindIterable<R> let(@Nullable Bson variables) {
        delegate.let(renderer.renderOrNull(variables));
        return this;
    }

    @Override
    public FindIterable<R> max(@Nullable Bson max) {
        delegate.max(renderer.renderOrNull(max));
        return this;
    }

    @Override
    public FindIterable<R> min(@Nullable Bson min) {
        delegate.min(renderer.renderOrNull(min));
        return this;
    }

    @Override
    public FindIterable<R> returnKey(boolean returnKey) {
        delegate.returnKey(returnKey);
        return this;
    }

    @Override
    public FindIterable<R> showRecordId(boolean showRecordId) {
        delegate.showRecordId(showRecordId);
        return this;
    }

    @Override
    public FindIterable<R> allowDiskUse(@Nullable Boolean allowDiskUse) {
        delegate.allowDiskUse(allowDiskUse);
        return this;
    }

    @Override
    public FindIterable<R> timeoutMode(TimeoutMode timeoutMode) {
        delegate.timeoutMode(timeoutMode);
        return this;
    }

    @Override
    public Document explain() {
        check();
        return delegate.explain();
    }

    @Override
    public Document explain(ExplainVerbosity verbosity) {
        check();
        return delegate.explain(verbosity);
    }

    @Override
    public <E> E explain(Class<E> explainResultClass) {
        check();
        return delegate.explain(explainResultClass);
    }

    @Override
    public <E> E explain(Class<E> explainResultClass, ExplainVerbosity verbosity) {
        check();
        return delegate.explain(explainResultClass, verbosity);
    }
}
