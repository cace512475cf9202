package dev.tenantry.benchmarks;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoNamespace;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.tenantry.collection.internal.PipelineScoper;
import dev.tenantry.collection.internal.PlainBson;
import dev.tenantry.collection.internal.TenantFilter;
import dev.tenantry.collection.internal.UpdateGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the CPU cost of Tenantry's scoping transforms alone, without a server: confining a filter to a tenant,
 * scoping an aggregation pipeline, and guarding an update, each beside the rendering the driver does anyway. Each
 * transform includes the private copy every caller-supplied value is rendered into, once, so that what is checked
 * is what is sent ({@code callerDocumentCopy} is that copy alone).
 *
 * <p>Pairs to compare: {@code filterRender} vs {@code tenantFilterRender} (and {@code tenantFilterExactRender}, the
 * collation-safe form); {@code pipelineRender} vs {@code pipelineRenderAndScope} (their difference is
 * {@code pipelineScopeOnly}); {@code updateRender} vs {@code updateRenderAndGuard} (their difference is
 * {@code updateGuardOnly}). Everything is built per operation except the {@code ...Only} inputs, which are rendered
 * once in setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScopingTransformBenchmark {

    private static final String FIELD = "tenantId";
    private static final String TENANT = "acme";
    private static final String DATABASE = "bench";

    private final CodecRegistry registry = MongoClientSettings.getDefaultCodecRegistry();
    private final UpdateGuard guard = new UpdateGuard(FIELD);

    private List<BsonDocument> renderedPipeline;
    private BsonDocument renderedUpdate;
    private BsonDocument callerFilter;

    /** Renders the inputs of the {@code ...Only} benchmarks once. */
    @Setup
    public void setUp() {
        renderedPipeline = render(pipeline());
        renderedUpdate = update().toBsonDocument(BsonDocument.class, registry);
        callerFilter = userFilter().toBsonDocument(BsonDocument.class, registry);
    }

    private static Bson userFilter() {
        return Filters.and(Filters.eq("status", "open"), Filters.gt("qty", 5));
    }

    private static List<Bson> pipeline() {
        return List.of(
                Aggregates.match(Filters.eq("status", "open")),
                Aggregates.group("$category", Accumulators.sum("total", "$qty")),
                Aggregates.sort(Sorts.descending("total")),
                Aggregates.limit(10),
                Aggregates.project(Projections.fields(Projections.excludeId(),
                        Projections.computed("category", "$_id"), Projections.include("total"))));
    }

    private static Bson update() {
        return Updates.combine(Updates.set("status", "closed"), Updates.set("qty", 3), Updates.inc("version", 1));
    }

    private List<BsonDocument> render(List<Bson> stages) {
        List<BsonDocument> out = new ArrayList<>(stages.size());
        for (Bson stage : stages) {
            out.add(stage.toBsonDocument(BsonDocument.class, registry));
        }
        return out;
    }

    /** Each stage rendered once into a private copy, as a tenant-scoped aggregation renders its pipeline. */
    private List<BsonDocument> renderPrivate(List<Bson> stages) {
        List<BsonDocument> out = new ArrayList<>(stages.size());
        for (Bson stage : stages) {
            out.add(PlainBson.render(stage, BsonDocument.class, registry));
        }
        return out;
    }

    private static PipelineScoper scoper() {
        return new PipelineScoper(FIELD, TENANT, false, DATABASE, name -> new MongoNamespace(DATABASE, name),
                () -> true, null, name -> null);
    }

    // ---------------------------------------------------------------- filters

    /** Baseline: build and render {@code {status: "open", qty: {$gt: 5}}} as the driver would. */
    @Benchmark
    public BsonDocument filterRender() {
        return userFilter().toBsonDocument(BsonDocument.class, registry);
    }

    /**
     * Build and render the same filter confined to the tenant: {@code {$and: [{tenantId: T}, <filter>]}}, rendered
     * once into a private copy first, as every tenant-scoped operation does.
     */
    @Benchmark
    public BsonDocument tenantFilterRender() {
        return TenantFilter.scope(FIELD, TENANT, PlainBson.render(userFilter(), BsonDocument.class, registry), false,
                null);
    }

    /** As {@link #tenantFilterRender()} with the collation-safe {@code $regex} match (operations with a collation). */
    @Benchmark
    public BsonDocument tenantFilterExactRender() {
        return TenantFilter.scope(FIELD, TENANT, PlainBson.render(userFilter(), BsonDocument.class, registry), true,
                null);
    }

    /**
     * The private copy of a filter the caller built as a plain {@code BsonDocument} and still holds (it could change
     * it after the call): the copy alone, the cost of making what is checked what is sent.
     */
    @Benchmark
    public BsonDocument callerDocumentCopy() {
        return PlainBson.render(callerFilter, BsonDocument.class, registry);
    }

    // ---------------------------------------------------------------- pipelines

    /** Baseline: build and render a 5-stage pipeline ($match, $group, $sort, $limit, $project). */
    @Benchmark
    public List<BsonDocument> pipelineRender() {
        return render(pipeline());
    }

    /** Build, render (into private copies) and scope the same pipeline, as a tenant-scoped {@code aggregate} does. */
    @Benchmark
    public List<BsonDocument> pipelineRenderAndScope() {
        return scoper().scope(renderPrivate(pipeline()));
    }

    /** Scope an already rendered 5-stage pipeline: the scoper alone (a new one per pipeline, as in core). */
    @Benchmark
    public List<BsonDocument> pipelineScopeOnly() {
        return scoper().scope(renderedPipeline);
    }

    // ---------------------------------------------------------------- updates

    /** Baseline: build and render {@code {$set: {status, qty}, $inc: {version: 1}}}. */
    @Benchmark
    public BsonDocument updateRender() {
        return update().toBsonDocument(BsonDocument.class, registry);
    }

    /**
     * Build, render (into a private copy) and check the same update against the tenant field, as a tenant-scoped
     * update does.
     */
    @Benchmark
    public BsonDocument updateRenderAndGuard() {
        BsonDocument update = PlainBson.render(update(), BsonDocument.class, registry);
        guard.checkUpdate(update);
        return update;
    }

    /** Check an already rendered update: the guard alone. */
    @Benchmark
    public BsonDocument updateGuardOnly() {
        guard.checkUpdate(renderedUpdate);
        return renderedUpdate;
    }
}
