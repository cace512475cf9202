package dev.tenantry.collection.internal;

import com.mongodb.CursorType;
import com.mongodb.ExplainVerbosity;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.cursor.TimeoutMode;
import com.mongodb.client.model.Collation;
import dev.tenantry.TenantId;
import java.util.concurrent.TimeUnit;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/** A find whose filter, however often it is set, stays confined to the tenant it was built for. */
final class ScopedFindIterable<R> extends CheckedIterable<R> implements FindIterable<R> {

    private final FindIterable<R> delegate;
    private final String field;
    private final @Nullable BsonDocument also;
    private @Nullable Bson filter;
    private boolean exact;

    ScopedFindIterable(TenantId bound, String field, @Nullable BsonDocument also, FindIterable<R> delegate,
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
    public FindIterable<R> filter(@Nullable Bson filter) {
        this.filter = filter;
        applyFilter();
        return this;
    }

    @Override
    public FindIterable<R> collation(@Nullable Collation collation) {
        delegate.collation(collation);
        exact = collation != null;
        applyFilter();
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
        delegate.projection(projection);
        return this;
    }

    @Override
    public FindIterable<R> sort(@Nullable Bson sort) {
        delegate.sort(sort);
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
        delegate.comment(comment);
        return this;
    }

    @Override
    public FindIterable<R> hint(@Nullable Bson hint) {
        delegate.hint(hint);
        return this;
    }

    @Override
    public FindIterable<R> hintString(@Nullable String hint) {
        delegate.hintString(hint);
        return this;
    }

    @Override
    public FindIterable<R> let(@Nullable Bson variables) {
        delegate.let(variables);
        return this;
    }

    @Override
    public FindIterable<R> max(@Nullable Bson max) {
        delegate.max(max);
        return this;
    }

    @Override
    public FindIterable<R> min(@Nullable Bson min) {
        delegate.min(min);
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
