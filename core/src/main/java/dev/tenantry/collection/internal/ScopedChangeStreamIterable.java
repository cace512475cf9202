package dev.tenantry.collection.internal;

import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A change stream whose events are matched to the tenant it was built for. Resume tokens and comments are copied when
 * they are set; its cursor checks the tenant before every batch ({@link CheckedCursor}).
 */
final class ScopedChangeStreamIterable<R> extends CheckedIterable<ChangeStreamDocument<R>>
        implements ChangeStreamIterable<R> {

    private final ChangeStreamIterable<R> delegate;

    ScopedChangeStreamIterable(TenantId bound, Admission admission, ChangeStreamIterable<R> delegate) {
        super(bound, admission);
        this.delegate = delegate;
    }

    @Override
    MongoIterable<ChangeStreamDocument<R>> delegate() {
        return delegate;
    }

    @Override
    public MongoChangeStreamCursor<ChangeStreamDocument<R>> cursor() {
        check();
        return new CheckedCursor.ChangeStream<>(bound(), delegate.cursor());
    }

    @Override
    public ChangeStreamIterable<R> fullDocument(FullDocument fullDocument) {
        delegate.fullDocument(fullDocument);
        return this;
    }

    @Override
    public ChangeStreamIterable<R> fullDocumentBeforeChange(FullDocumentBeforeChange fullDocumentBeforeChange) {
        delegate.fullDocumentBeforeChange(fullDocumentBeforeChange);
        return this;
    }

    @Override
    public ChangeStreamIterable<R> resumeAfter(BsonDocument resumeToken) {
        delegate.resumeAfter(PlainBson.copy(Objects.requireNonNull(resumeToken, "resumeToken")));
        return this;
    }

    @Override
    public ChangeStreamIterable<R> batchSize(int batchSize) {
        delegate.batchSize(batchSize);
        return this;
    }

    @Override
    public ChangeStreamIterable<R> maxAwaitTime(long maxAwaitTime, TimeUnit timeUnit) {
        delegate.maxAwaitTime(maxAwaitTime, timeUnit);
        return this;
    }

    /**
     * Refused: a collation would apply to the tenant match too, and the match on a change event's document cannot be
     * made collation-immune here.
     */
    @Override
    public ChangeStreamIterable<R> collation(@Nullable Collation collation) {
        if (collation == null) {
            return this;
        }
        throw new TenantViolationException("a collation on a tenant-scoped change stream could make distinct tenant "
                + "ids compare equal; filter the events without one");
    }

    @Override
    public <D> MongoIterable<D> withDocumentClass(Class<D> documentClass) {
        return new Mapped<>(bound(), admission(), delegate.withDocumentClass(documentClass));
    }

    @Override
    public ChangeStreamIterable<R> startAtOperationTime(BsonTimestamp startAtOperationTime) {
        delegate.startAtOperationTime(startAtOperationTime);
        return this;
    }

    @Override
    public ChangeStreamIterable<R> startAfter(BsonDocument startAfter) {
        delegate.startAfter(PlainBson.copy(Objects.requireNonNull(startAfter, "startAfter")));
        return this;
    }

    @Override
    public ChangeStreamIterable<R> comment(@Nullable String comment) {
        delegate.comment(comment);
        return this;
    }

    @Override
    public ChangeStreamIterable<R> comment(@Nullable BsonValue comment) {
        delegate.comment(PlainBson.copyOrNull(comment));
        return this;
    }

    @Override
    public ChangeStreamIterable<R> showExpandedEvents(boolean showExpandedEvents) {
        delegate.showExpandedEvents(showExpandedEvents);
        return this;
    }
}
