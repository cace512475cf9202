package dev.tenantry.collection.internal;

import com.mongodb.ServerAddress;
import com.mongodb.ServerCursor;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCursor;
import dev.tenantry.TenantId;
import org.bson.BsonDocument;
import org.jspecify.annotations.Nullable;

/**
 * A cursor that checks, before each batch it would fetch from the server ({@code getMore}), that the tenant it was
 * opened for is still current on the calling thread: a cursor opened in {@code acme}'s scope and handed to a thread
 * with no tenant, or another tenant, fails there instead of reading on. Documents already fetched are handed out
 * without a check; a cursor whose server side is exhausted fetches nothing more and is not checked.
 */
class CheckedCursor<R> implements MongoCursor<R> {

    private final @Nullable TenantId bound;
    private final MongoCursor<R> delegate;

    CheckedCursor(@Nullable TenantId bound, MongoCursor<R> delegate) {
        this.bound = bound;
        this.delegate = delegate;
    }

    /** Checks the binding when the next call could go to the server: the batch is used up and the cursor is open. */
    final void beforeFetch() {
        if (delegate.available() == 0 && delegate.getServerCursor() != null) {
            CheckedIterable.check(bound);
        }
    }

    @Override
    public boolean hasNext() {
        beforeFetch();
        return delegate.hasNext();
    }

    @Override
    public R next() {
        beforeFetch();
        return delegate.next();
    }

    @Override
    public @Nullable R tryNext() {
        beforeFetch();
        return delegate.tryNext();
    }

    @Override
    public int available() {
        return delegate.available();
    }

    @Override
    public @Nullable ServerCursor getServerCursor() {
        return delegate.getServerCursor();
    }

    @Override
    public ServerAddress getServerAddress() {
        return delegate.getServerAddress();
    }

    /** Closing releases the server cursor, which reads nothing: it is never refused. */
    @Override
    public void close() {
        delegate.close();
    }

    /** A change stream cursor checked the same way. */
    static final class ChangeStream<R> extends CheckedCursor<R> implements MongoChangeStreamCursor<R> {
        private final MongoChangeStreamCursor<R> stream;

        ChangeStream(@Nullable TenantId bound, MongoChangeStreamCursor<R> stream) {
            super(bound, stream);
            this.stream = stream;
        }

        @Override
        public @Nullable BsonDocument getResumeToken() {
            return stream.getResumeToken();
        }
    }
}
