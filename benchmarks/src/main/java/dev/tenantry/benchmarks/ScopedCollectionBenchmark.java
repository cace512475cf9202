package dev.tenantry.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.result.InsertOneResult;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.testing.EmbeddedMongo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the average latency of find-by-id, insertOne and a 5-stage aggregation through a Tenantry
 * {@link TenantCollection}, against the same operations through the raw driver, on one server in one run.
 *
 * <p>The server is an in-process {@link EmbeddedMongo} unless the environment variable {@code MONGODB_URI} names a
 * real one. Both sides see identical data: {@value #SEED_DOCUMENTS} documents spread over three tenants, in the raw
 * collection {@code rawItems} (which carries {@code tenantId} by hand) and in the tenant-scoped collection
 * {@code items}, each with an index on {@code {tenantId: 1, sku: 1}}. Every operation runs for tenant
 * {@code acme}, and each scoped operation opens its own tenant scope, so the scope's cost is part of the figure.
 *
 * <p>Read the results as ratios: {@code scopedX / rawX} is Tenantry's overhead over what a user of the raw driver
 * would write without tenancy; {@code scopedFindById / rawFindByIdAndTenant} compares with the hand-written
 * tenant-aware alternative. The insert benchmarks grow their collection while they run.
 *
 * <p>On the embedded server the {@code _id} index serves only a filter that is exactly {@code {_id: X}}, and
 * secondary indexes are not built at all, so {@code rawFindByIdAndTenant} and {@code scopedFindById} scan the
 * collection there while {@code rawFindById} does not. Against a real server all three lookups use an index.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScopedCollectionBenchmark {

    /** How many documents each collection starts with, over all tenants. */
    static final int SEED_DOCUMENTS = 10_000;

    private static final String DATABASE = "bench";
    private static final String SCOPED_NAME = "items";
    private static final String RAW_NAME = "rawItems";
    private static final String FIELD = TenantDatabase.DEFAULT_TENANT_FIELD;
    private static final List<String> TENANTS = List.of("acme", "globex", "initech");
    private static final List<String> STATUSES = List.of("open", "closed", "pending");
    private static final int CATEGORIES = 25;

    private static final TenantId ACME = TenantId.of("acme");

    private BenchmarkServer server;
    private MongoClient client;
    private MongoCollection<Document> raw;
    private TenantCollection<Document> scoped;

    /** The ids of {@code acme}'s documents, the same values in both collections. */
    private ObjectId[] acmeIds;
    private int nextId;
    private long inserted;

    private List<Bson> rawPipeline;
    private List<Bson> scopedPipeline;

    /** Starts (or connects to) the server, seeds both collections identically and checks they answer alike. */
    @Setup(Level.Trial)
    public void setUp() {
        server = BenchmarkServer.start();
        client = server.client();
        if (server.isReal()) {
            client.getDatabase(DATABASE).getCollection(RAW_NAME).drop();
            client.getDatabase(DATABASE).getCollection(SCOPED_NAME).drop();
        }
        raw = client.getDatabase(DATABASE).getCollection(RAW_NAME);

        TenantDatabase tdb = TenantDatabase.builder(client, DATABASE).collection(SCOPED_NAME)
                .index(SCOPED_NAME, Indexes.ascending("sku")).build();
        scoped = tdb.getCollection(SCOPED_NAME);

        raw.createIndex(Indexes.ascending(FIELD, "sku"));
        tdb.ensureIndexes(); // {tenantId: 1, sku: 1}, declared
        seed();

        rawPipeline = pipeline(Filters.and(Filters.eq(FIELD, ACME.value()), Filters.eq("status", "open")));
        scopedPipeline = pipeline(Filters.eq("status", "open"));
        check();
    }

    /** Writes the same documents, with the same ids, to both collections: raw ones carry the tenant by hand. */
    private void seed() {
        Random random = new Random(42);
        List<Document> rawDocs = new ArrayList<>(SEED_DOCUMENTS);
        List<List<Document>> scopedDocs = new ArrayList<>();
        List<ObjectId> ids = new ArrayList<>();
        for (int t = 0; t < TENANTS.size(); t++) {
            scopedDocs.add(new ArrayList<>());
        }
        for (int i = 0; i < SEED_DOCUMENTS; i++) {
            int t = i % TENANTS.size();
            ObjectId id = new ObjectId();
            Document doc = new Document("_id", id)
                    .append("sku", "sku-" + i)
                    .append("status", STATUSES.get(random.nextInt(STATUSES.size())))
                    .append("category", "cat-" + random.nextInt(CATEGORIES))
                    .append("qty", random.nextInt(100));
            scopedDocs.get(t).add(doc);
            rawDocs.add(new Document(FIELD, TENANTS.get(t)).append("_id", id).append("sku", doc.get("sku"))
                    .append("status", doc.get("status")).append("category", doc.get("category"))
                    .append("qty", doc.get("qty")));
            if (t == 0) {
                ids.add(id);
            }
        }
        raw.insertMany(rawDocs);
        for (int t = 0; t < TENANTS.size(); t++) {
            List<Document> docs = scopedDocs.get(t);
            Tenants.run(TenantId.of(TENANTS.get(t)), () -> scoped.insertMany(docs));
        }
        acmeIds = ids.toArray(new ObjectId[0]);
    }

    /** The 5-stage pipeline behind {@code match}: group by category, sort, keep 10, reshape. */
    private static List<Bson> pipeline(Bson match) {
        return List.of(
                Aggregates.match(match),
                Aggregates.group("$category", Accumulators.sum("total", "$qty")),
                Aggregates.sort(Sorts.orderBy(Sorts.descending("total"), Sorts.ascending("_id"))),
                Aggregates.limit(10),
                Aggregates.project(Projections.fields(Projections.excludeId(),
                        Projections.computed("category", "$_id"), Projections.include("total"))));
    }

    /** Fails the trial unless both sides find the same document and aggregate to the same result. */
    private void check() {
        ObjectId id = acmeIds[0];
        Document rawDoc = raw.find(Filters.eq("_id", id)).first();
        Document scopedDoc = Tenants.call(ACME, () -> scoped.find(Filters.eq("_id", id)).first());
        if (rawDoc == null || scopedDoc == null || !rawDoc.equals(scopedDoc)) {
            throw new IllegalStateException("find by id differs: raw " + rawDoc + ", scoped " + scopedDoc);
        }
        List<Document> rawResult = raw.aggregate(rawPipeline).into(new ArrayList<>());
        List<Document> scopedResult = Tenants.call(ACME, () -> scoped.aggregate(scopedPipeline)
                .into(new ArrayList<>()));
        if (rawResult.size() != 10 || !rawResult.equals(scopedResult)) {
            throw new IllegalStateException("aggregation differs: raw " + rawResult + ", scoped " + scopedResult);
        }
    }

    /** Closes the client and stops the embedded server, if one was started. */
    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    private ObjectId nextId() {
        ObjectId id = acmeIds[nextId];
        nextId = nextId + 1 == acmeIds.length ? 0 : nextId + 1;
        return id;
    }

    private Document newItem() {
        long n = inserted++;
        return new Document("_id", new ObjectId()).append("sku", "new-" + n).append("status", "open")
                .append("category", "cat-" + (n % CATEGORIES)).append("qty", (int) (n % 100));
    }

    /** Raw driver, {@code {_id: X}}: what a user writes without tenancy. */
    @Benchmark
    public @Nullable Document rawFindById() {
        return raw.find(Filters.eq("_id", nextId())).first();
    }

    /** Raw driver, {@code {tenantId: T, _id: X}}: the hand-written tenant-aware lookup. */
    @Benchmark
    public @Nullable Document rawFindByIdAndTenant() {
        return raw.find(Filters.and(Filters.eq(FIELD, ACME.value()), Filters.eq("_id", nextId()))).first();
    }

    /** Tenant-scoped {@code {_id: X}}, scope opened for the operation. */
    @Benchmark
    public @Nullable Document scopedFindById() {
        ObjectId id = nextId();
        return Tenants.call(ACME, () -> scoped.find(Filters.eq("_id", id)).first());
    }

    /** Raw driver insert of a small document that carries its tenant by hand. */
    @Benchmark
    public InsertOneResult rawInsertOne() {
        return raw.insertOne(newItem().append(FIELD, ACME.value()));
    }

    /** Tenant-scoped insert of the same document, stamped with the tenant by Tenantry. */
    @Benchmark
    public InsertOneResult scopedInsertOne() {
        Document item = newItem();
        return Tenants.call(ACME, () -> scoped.insertOne(item));
    }

    /** Raw driver 5-stage aggregation whose leading {@code $match} names the tenant by hand. */
    @Benchmark
    public List<Document> rawAggregate5() {
        return raw.aggregate(rawPipeline).into(new ArrayList<>());
    }

    /** Tenant-scoped 5-stage aggregation: Tenantry renders, checks and prefixes the tenant match. */
    @Benchmark
    public List<Document> scopedAggregate5() {
        return Tenants.call(ACME, () -> scoped.aggregate(scopedPipeline).into(new ArrayList<>()));
    }
}
