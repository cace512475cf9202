package dev.tenantry.collection.internal;

import com.mongodb.ExplainVerbosity;
import com.mongodb.client.AggregateIterable;
import com.mongodb.client.cursor.TimeoutMode;
import com.mongodb.client.model.Collation;
import dev.tenantry.ForbiddenStageException;
import dev.tenantry.TenantId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * An aggregation scoped when it is built (so a refused stage fails at once) and assembled when it runs, so that a
 * collation set afterwards still gets collation-immune tenant matches throughout the pipeline. The pipeline is the
 * private copy rendered when {@code aggregate} was called, and every {@code Bson} or {@code BsonValue} a setter takes
 * is rendered into a private copy when it is called: nothing the caller holds is read when it runs.
 */
final class ScopedAggregateIterable<R> extends CheckedIterable<R> implements AggregateIterable<R> {

    private final Function<List<BsonDocument>, AggregateIterable<R>> open;
    private final Renderer renderer;
    private final List<BsonDocument> scoped;
    private final Function<Boolean, List<BsonDocument>> rescoper;

    private @Nullable Boolean allowDiskUse;
    private @Nullable Integer batchSize;
    private @Nullable TimeoutMode timeoutMode;
    private long maxTimeMs = -1;
    private long maxAwaitTimeMs = -1;
    private @Nullable Boolean bypassDocumentValidation;
    private @Nullable Collation collation;
    private @Nullable BsonValue comment;
    private @Nullable BsonDocument hint;
    private @Nullable String hintString;
    private @Nullable BsonDocument let;

    /**
     * @param open the driver's aggregation of a scoped pipeline, in the collection (and session) it runs in
     * @param rescoper scopes the private copy of the user's pipeline; called with {@code true} when a collation makes
     *     exact tenant matches necessary
     */
    ScopedAggregateIterable(TenantId bound, Admission admission, Renderer renderer,
                            Function<List<BsonDocument>, AggregateIterable<R>> open,
                            Function<Boolean, List<BsonDocument>> rescoper) {
        super(bound, admission);
        this.open = open;
        this.renderer = renderer;
        this.rescoper = rescoper;
        this.scoped = rescoper.apply(false);
    }

    /** The pipeline as it will be sent. */
    List<BsonDocument> pipeline() {
        return collation == null ? scoped : rescoper.apply(true);
    }

    @Override
    AggregateIterable<R> delegate() {
        AggregateIterable<R> it = open.apply(pipeline());
        if (allowDiskUse != null) {
            it.allowDiskUse(allowDiskUse);
        }
        if (batchSize != null) {
            it.batchSize(batchSize);
        }
        if (timeoutMode != null) {
            it.timeoutMode(timeoutMode);
        }
        if (maxTimeMs >= 0) {
            it.maxTime(maxTimeMs, TimeUnit.MILLISECONDS);
        }
        if (maxAwaitTimeMs >= 0) {
            it.maxAwaitTime(maxAwaitTimeMs, TimeUnit.MILLISECONDS);
        }
        if (bypassDocumentValidation != null) {
            it.bypassDocumentValidation(bypassDocumentValidation);
        }
        if (collation != null) {
            it.collation(collation);
        }
        if (comment != null) {
            it.comment(comment);
        }
        if (hint != null) {
            it.hint(hint);
        }
        if (hintString != null) {
            it.hintString(hintString);
        }
        if (let != null) {
            it.let(let);
        }
        return it;
    }

    @Override
    public void toCollection() {
        throw new ForbiddenStageException("$out", "toCollection() needs a final $out or $merge stage, which "
                + "tenant-scoped aggregations refuse");
    }

    @Override
    public AggregateIterable<R> allowDiskUse(@Nullable Boolean allowDiskUse) {
        this.allowDiskUse = allowDiskUse;
        return this;
    }

    @Override
    public AggregateIterable<R> batchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    @Override
    public AggregateIterable<R> timeoutMode(TimeoutMode timeoutMode) {
        this.timeoutMode = timeoutMode;
        return this;
    }

    @Override
    public AggregateIterable<R> maxTime(long maxTime, TimeUnit timeUnit) {
        this.maxTimeMs = timeUnit.toMillis(maxTime);
        return this;
    }

    @Override
    public AggregateIterable<R> maxAwaitTime(long maxAwaitTime, TimeUnit timeUnit) {
        this.maxAwaitTimeMs = timeUnit.toMillis(maxAwaitTime);
        return this;
    }

    @Override
    public AggregateIterable<R> bypassDocumentValidation(@Nullable Boolean bypassDocumentValidation) {
        this.bypassDocumentValidation = bypassDocumentValidation;
        return this;
    }

    @Override
    public AggregateIterable<R> collation(@Nullable Collation collation) {
        this.collation = collation;
        return this;
    }

    @Override
    public AggregateIterable<R> comment(@Nullable String comment) {
        this.comment = comment == null ? null : new org.bson.BsonString(comment);
        return this;
    }

    @Override
    public AggregateIterable<R> comment(@Nullable BsonValue comment) {
        this.comment = PlainBson.copyOrNull(comment);
        return this;
    }

    @Override
    public AggregateIterable<R> hint(@Nullable Bson hint) {
        this.hint = renderer.renderOrNull(hint);
        return this;
    }

    @Override
    public AggregateIterable<R> hintString(@Nullable String hint) {
        this.hintString = hint;
        return this;
    }

    @Override
    public AggregateIterable<R> let(@Nullable Bson variables) {
        this.let = renderer.renderOrNull(variables);
        return this;
    }

    @Override
    public Document explain() {
        check();
        return delegate().explain();
    }

    @Override
    public Document explain(ExplainVerbosity verbosity) {
        check();
        return delegate().explain(verbosity);
    }

    @Override
    public <E> E explain(Class<E> explainResultClass) {
        check();
        return delegate().explain(explainResultClass);
    }

    @Override
    public <E> E explain(Class<E> explainResultClass, ExplainVerbosity verbosity) {
        check();
        return delegate().explain(explainResultClass, verbosity);
    }
}
