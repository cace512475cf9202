package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoException;
import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.DeleteOptions;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.client.model.Facet;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.InsertOneOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.TenantId;
import dev.tenantry.TenantryException;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What is checked is what is sent, tested as a mechanism: every argument position of every operation and of every
 * option set later on a returned iterable, attacked four ways, in all three isolation strategies. The matrix is
 * generated: each operation is run once with harmless arguments, which names its positions; then each position gets
 * each attack while every other position holds a harmless value.
 *
 * <ul>
 *   <li>{@code SHIFTING}: a {@code Bson} (or a {@code BsonDocument} subclass) that renders harmlessly the first time
 *       and dangerously every later time (a filter without the tenant, an update that sets another tenant, a stage
 *       that joins an unregistered collection);</li>
 *   <li>{@code MUTATED_AFTER}: a plain {@code BsonDocument} the caller keeps and turns dangerous after the call (or
 *       the setter) returns, before the iterable runs;</li>
 *   <li>{@code MUTATOR}: a {@code Bson} whose rendering turns every other caller-held argument of the same call
 *       dangerous (the projection that emptied the caller's filter);</li>
 *   <li>{@code FLIPPING_LEAF}: harmless documents whose string values answer differently on the second read.</li>
 * </ul>
 * Each run must send exactly what was checked or be refused: every command sent is judged by {@link SentCommandCheck}
 * for the current tenant, no later rendering (marked {@code EVIL}) ever reaches the server, a shifting {@code Bson} is
 * rendered at most once, and another tenant's documents are unchanged.
 */
@MongoTest
class RenderOnceIT {

    static final TenantId A = TenantId.of("acme");
    static final TenantId B = TenantId.of("globex");
    private static final String MARK = "EVIL";

    enum Attack { SHIFTING, MUTATED_AFTER, MUTATOR, FLIPPING_LEAF }

    /** What a position takes: a {@code Bson}, a {@code BsonDocument} (a document, a resume token), a value. */
    enum Kind { BSON, DOCUMENT, VALUE }

    // ---------------------------------------------------------------- harmless and dangerous values per position

    private static final String FILTER = "{tenantId: 'acme', n: {$gte: 0}}";
    private static final String EVIL_FILTER = "{n: {$ne: 'EVIL'}}";
    private static final String UPSERT_FILTER = "{tenantId: 'acme', n: 3}";
    private static final String EVIL_UPSERT_FILTER = "{tenantId: 'globex', n: 'EVIL'}";
    private static final String UPDATE = "{$set: {touched: 'ok'}}";
    private static final String EVIL_UPDATE = "{$set: {tenantId: 'globex', touched: 'EVIL'}}";
    private static final String STAGE = "{$match: {n: {$gte: 0}}}";
    private static final String EVIL_STAGE = "{$lookup: {from: 'EVIL', pipeline: [], as: 'stolen'}}";
    private static final String HINT = "{_id: 1}";
    private static final String EVIL_HINT = "{EVIL: 1}";
    private static final String LET = "{v: 1}";
    private static final String EVIL_LET = "{v: 'EVIL'}";
    private static final String PROJECTION = "{n: 1, tenantId: 1}";
    private static final String EVIL_PROJECTION = "{n: 1, EVIL: 1}";
    private static final String SORT = "{n: 1}";
    private static final String EVIL_SORT = "{EVIL: 1}";
    private static final String COMMENT = "{c: 'ok'}";
    private static final String EVIL_COMMENT = "{c: 'EVIL'}";
    private static final String DOCUMENT = "{n: 100, note: 'ok'}";
    private static final String EVIL_DOCUMENT = "{tenantId: 'globex', note: 'EVIL'}";

    // ---------------------------------------------------------------- the run

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void everyArgumentPositionSendsWhatWasCheckedOrIsRefused(IsolationStrategy strategy, MongoBackend backend,
                                                             MongoClient raw, MongoDatabase database) {
        String prefix = "ro" + Integer.toString(Math.abs(strategy.hashCode() % 1000), 36) + "_";
        SentCommandCheck check = new SentCommandCheck("tenantId");
        try (MongoClient client = backend.newClient(s -> s.addCommandListener(check))) {
            Matrix matrix = new Matrix(strategy, check, client, raw, database.getName(), prefix);
            matrix.run();
            System.out.println("RenderOnceIT[" + strategy + "]: " + matrix.runs + " runs over " + matrix.positions
                    + " argument positions of " + matrix.ops.size() + " operations");
            assertTrue(matrix.failures.isEmpty(), matrix.failures.size() + " run(s) sent what was not checked, or "
                    + "crossed tenants:\n  " + String.join("\n  ", matrix.failures.subList(0,
                    Math.min(40, matrix.failures.size()))));
            assertTrue(matrix.positions >= 100, "only " + matrix.positions + " positions were found");
        } finally {
            for (TenantId tenant : List.of(A, B)) {
                raw.getDatabase(prefix + tenant.value()).drop();
            }
        }
    }

    /** An operation of the matrix: built and called through {@link Args}; an iterable it returns is run after. */
    private record Op(String name, boolean writes, boolean ddl, Function<Args, Object> call) {
    }

    private static final class Matrix {
        final IsolationStrategy strategy;
        final SentCommandCheck check;
        final MongoClient raw;
        final String databaseName;
        final TenantDatabase tdb;
        final TenantCollection<Document> items;
        final TenantCollection<BsonDocument> itemsB;
        final TenantCollection<Document> bin;
        final List<Op> ops = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final Set<MongoNamespace> own = new LinkedHashSet<>();
        int runs;
        int positions;

        Matrix(IsolationStrategy strategy, SentCommandCheck check, MongoClient client, MongoClient raw,
               String databaseName, String prefix) {
            this.strategy = strategy;
            this.check = check;
            this.raw = raw;
            this.databaseName = databaseName;
            this.tdb = TenantDatabase.builder(client, databaseName).tenantDatabasePrefix(prefix)
                    .collection("items", strategy).collection("others", strategy)
                    .collection("bin", strategy, SoftDelete.retainFor(Duration.ofDays(1))).build();
            this.items = tdb.getCollection("items");
            this.itemsB = items.withDocumentClass(BsonDocument.class);
            this.bin = tdb.getCollection("bin");
            for (String logical : List.of("items", "others", "bin")) {
                own.add(tdb.namespaceFor(logical, A));
            }
            operations();
        }

        void run() {
            for (TenantId tenant : List.of(A, B)) {
                seed(tenant, true);
            }
            for (Op op : ops) {
                Args discover = new Args(null, null);
                runOne(op, discover, "harmless");
                positions += discover.positions.size();
                for (Map.Entry<String, Kind> position : discover.positions.entrySet()) {
                    for (Attack attack : Attack.values()) {
                        if (position.getValue() == Kind.VALUE && (attack == Attack.SHIFTING
                                || attack == Attack.MUTATOR)) {
                            continue; // a BsonValue is not rendered: it is copied, or changed afterwards
                        }
                        runOne(op, new Args(position.getKey(), attack), position.getKey() + " " + attack);
                    }
                }
            }
        }

        private void runOne(Op op, Args args, String what) {
            runs++;
            if (op.writes || op.ddl) {
                seed(A, op.ddl);
            }
            check.drain();
            Map<String, List<BsonDocument>> before = snapshot();
            String label = strategy + " " + op.name + " [" + what + "]";
            RuntimeException outcome = null;
            Object built = null;
            try {
                built = call(op, args);
            } catch (RuntimeException e) {
                outcome = e;
            }
            if (outcome == null) {
                args.afterCall();
                if (built instanceof MongoIterable) {
                    MongoIterable<?> iterable = (MongoIterable<?>) built;
                    try {
                        call(op, a -> iterable.batchSize(2).into(new ArrayList<>()));
                    } catch (RuntimeException e) {
                        outcome = e;
                    }
                }
            }
            if (outcome != null && !expected(outcome)) {
                failures.add(label + ": unexpected " + outcome);
            }
            for (SentCommandCheck.Sent sent : check.drain()) {
                for (String problem : check.problems(sent, A, own)) {
                    failures.add(label + ": " + problem + " -- " + sent);
                }
                if (args.attack != Attack.MUTATOR && sent.command().toJson().contains(MARK)) {
                    failures.add(label + ": sent a value other than the one checked -- " + sent);
                }
            }
            if (args.renders.get() > 1) {
                failures.add(label + ": the argument was rendered " + args.renders.get() + " times");
            }
            Map<String, List<BsonDocument>> after = snapshot();
            if (!before.equals(after)) {
                failures.add(label + ": another tenant's documents changed: " + before + " -> " + after);
            }
        }

        /** Runs {@code op} in the tenant's scope; index DDL on a shared collection in system scope. */
        private Object call(Op op, Function<Args, Object> what) {
            if (op.ddl && strategy == IsolationStrategy.SHARED) {
                return Tenants.callAsSystem("test: index DDL", () -> Tenants.call(A, () -> what.apply(null)));
            }
            return Tenants.call(A, () -> what.apply(null));
        }

        private Object call(Op op, Args args) {
            return call(op, ignored -> op.call.apply(args));
        }

        private static boolean expected(RuntimeException e) {
            return e instanceof TenantryException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException || e instanceof MongoException
                    || e instanceof org.bson.BsonInvalidOperationException
                    || e instanceof org.bson.codecs.configuration.CodecConfigurationException;
        }

        /** Another tenant's documents in every collection, and anything in a namespace no tenant should have. */
        private Map<String, List<BsonDocument>> snapshot() {
            Map<String, List<BsonDocument>> all = new LinkedHashMap<>();
            for (String logical : List.of("items", "others", "bin")) {
                boolean shared = strategy == IsolationStrategy.SHARED;
                all.put(logical, physical(logical, B).find(shared ? Filters.eq("tenantId", B.value())
                        : new BsonDocument()).sort(Filters.eq("_id", 1)).into(new ArrayList<>()));
                all.put(logical + " foreign", physical(logical, A).find(shared ? Filters.nin("tenantId",
                        A.value(), B.value()) : Filters.ne("tenantId", A.value())).into(new ArrayList<>()));
            }
            List<BsonDocument> evil = new ArrayList<>();
            for (String name : raw.getDatabase(databaseName).listCollectionNames()) {
                if (name.contains(MARK)) {
                    evil.add(new BsonDocument("collection", new BsonString(name)));
                }
            }
            all.put("evil collections", evil);
            return all;
        }

        private MongoCollection<BsonDocument> physical(String logical, TenantId tenant) {
            MongoNamespace ns = tdb.namespaceFor(logical, tenant);
            return raw.getDatabase(ns.getDatabaseName()).getCollection(ns.getCollectionName(), BsonDocument.class);
        }

        /** {@code tenant}'s documents as they start, written past Tenantry; its indexes dropped too if asked. */
        private void seed(TenantId tenant, boolean indexes) {
            String t = tenant.value();
            for (String logical : List.of("items", "others", "bin")) {
                MongoCollection<BsonDocument> c = physical(logical, tenant);
                // by id too: a document of this tenant that an attack moved to another tenant goes as well
                c.deleteMany(Filters.or(Filters.eq("tenantId", t), Filters.regex("_id", "^" + t + "-")));
                if (indexes && c.listIndexes().into(new ArrayList<>()).size() > 1) {
                    c.dropIndexes();
                }
            }
            List<BsonDocument> docs = new ArrayList<>();
            List<BsonDocument> others = new ArrayList<>();
            List<BsonDocument> binned = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                docs.add(new BsonDocument("_id", new BsonString(t + "-" + i)).append("tenantId", new BsonString(t))
                        .append("n", new BsonInt32(i)).append("t", new BsonString("text " + i))
                        .append("arr", new BsonArray(List.of(new BsonDocument("n", new BsonInt32(i))))));
                others.add(new BsonDocument("_id", new BsonString(t + "-o" + i)).append("tenantId", new BsonString(t))
                        .append("k", new BsonInt32(i)));
                BsonDocument b = new BsonDocument("_id", new BsonString(t + "-b" + i))
                        .append("tenantId", new BsonString(t)).append("n", new BsonInt32(i));
                if (i % 2 == 1) {
                    b.append("deletedAt", new BsonDateTime(0)).append("deletionKey", new BsonObjectId());
                }
                binned.add(b);
            }
            physical("items", tenant).insertMany(docs);
            physical("others", tenant).insertMany(others);
            physical("bin", tenant).insertMany(binned);
        }

        // ------------------------------------------------------------ the operations

        private void op(String name, boolean writes, Function<Args, Object> call) {
            ops.add(new Op(name, writes, false, call));
        }

        private void ddl(String name, Function<Args, Object> call) {
            ops.add(new Op(name, true, true, call));
        }

        private void operations() {
            // reads
            op("countDocuments", false, a -> items.countDocuments(a.bson("filter", FILTER, EVIL_FILTER),
                    new CountOptions().hint(a.bson("hint", HINT, EVIL_HINT)).comment(a.value("comment"))));
            op("estimatedDocumentCount", false, a -> items.estimatedDocumentCount(
                    new EstimatedDocumentCountOptions().comment(a.value("comment"))));
            op("distinct", false, a -> items.distinct("n", a.bson("filter", FILTER, EVIL_FILTER), Integer.class)
                    .hint(a.bson("hint()", HINT, EVIL_HINT)).comment(a.value("comment()")));
            op("distinct().filter", false, a -> items.distinct("n", Integer.class)
                    .filter(a.bson("filter()", FILTER, EVIL_FILTER)));
            op("find", false, a -> items.find(a.bson("filter", FILTER, EVIL_FILTER))
                    .projection(a.bson("projection()", PROJECTION, EVIL_PROJECTION))
                    .sort(a.bson("sort()", SORT, EVIL_SORT)).hint(a.bson("hint()", HINT, EVIL_HINT))
                    .let(a.bson("let()", LET, EVIL_LET)).comment(a.value("comment()")));
            op("find().filter", false, a -> items.find().filter(a.bson("filter()", FILTER, EVIL_FILTER)));
            op("find().min/max", false, a -> items.find().hint(BsonDocument.parse(HINT))
                    .min(a.bson("min()", "{_id: {$minKey: 1}}", "{_id: 'EVIL'}"))
                    .max(a.bson("max()", "{_id: {$maxKey: 1}}", "{_id: 'EVIL'}")));
            op("aggregate", false, a -> items.aggregate(List.of(a.bson("stage", STAGE, EVIL_STAGE),
                    Aggregates.facet(new Facet("f", a.bson("$facet stage", STAGE, EVIL_STAGE))),
                    Aggregates.lookup("others", List.of(), List.of(a.bson("$lookup stage", STAGE, EVIL_STAGE)),
                            "joined"))).hint(a.bson("hint()", HINT, EVIL_HINT)).let(a.bson("let()", LET, EVIL_LET))
                    .comment(a.value("comment()")));
            op("watch().resumeAfter", false, a -> items.watch(List.of(a.bson("stage",
                    "{$match: {operationType: 'insert'}}", "{$project: {EVIL: 1}}")))
                    .resumeAfter(a.doc("resumeAfter()", "{_data: '8200000001'}", "{_data: 'EVIL'}"))
                    .comment(a.value("comment()")));
            op("watch().startAfter", false, a -> items.watch()
                    .startAfter(a.doc("startAfter()", "{_data: '8200000001'}", "{_data: 'EVIL'}")));
            op("onlyDeleted().find", false, a -> bin.onlyDeleted().find(a.bson("filter", FILTER, EVIL_FILTER)));
            op("withDeleted().countDocuments", false, a -> bin.withDeleted().countDocuments(
                    a.bson("filter", FILTER, EVIL_FILTER)));

            // writes
            op("insertOne", true, a -> itemsB.insertOne(a.doc("document", DOCUMENT, EVIL_DOCUMENT),
                    new InsertOneOptions().comment(a.value("comment"))));
            op("insertMany", true, a -> itemsB.insertMany(List.of(a.doc("document 1", DOCUMENT, EVIL_DOCUMENT),
                    a.doc("document 2", DOCUMENT, EVIL_DOCUMENT)),
                    new InsertManyOptions().comment(a.value("comment"))));
            for (boolean many : new boolean[] {false, true}) {
                String update = many ? "updateMany" : "updateOne";
                op(update, true, a -> update(many, a.bson("filter", FILTER, EVIL_FILTER),
                        a.bson("update", UPDATE, EVIL_UPDATE), options(a)));
                op(update + " upsert", true, a -> update(many, a.bson("filter", UPSERT_FILTER, EVIL_UPSERT_FILTER),
                        a.bson("update", UPDATE, EVIL_UPDATE), new UpdateOptions().upsert(true)));
                op(update + " arrayFilters", true, a -> update(many, a.bson("filter", FILTER, EVIL_FILTER),
                        BsonDocument.parse("{$set: {'arr.$[x].seen': true}}"), new UpdateOptions().arrayFilters(
                                List.of(a.bson("arrayFilter", "{'x.n': {$gte: 0}}", "{'x.EVIL': 1}")))));
                op(update + " pipeline", true, a -> {
                    List<Bson> pipeline = List.of(a.bson("update stage", UPDATE, EVIL_UPDATE));
                    Bson filter = a.bson("filter", FILTER, EVIL_FILTER);
                    return many ? items.updateMany(filter, pipeline, options(a))
                            : items.updateOne(filter, pipeline, options(a));
                });
                String delete = many ? "deleteMany" : "deleteOne";
                op(delete, true, a -> {
                    Bson filter = a.bson("filter", FILTER, EVIL_FILTER);
                    DeleteOptions options = new DeleteOptions().hint(a.bson("hint", HINT, EVIL_HINT))
                            .let(a.bson("let", LET, EVIL_LET)).comment(a.value("comment"));
                    return many ? items.deleteMany(filter, options) : items.deleteOne(filter, options);
                });
            }
            for (boolean upsert : new boolean[] {false, true}) {
                String suffix = upsert ? " upsert" : "";
                op("replaceOne" + suffix, true, a -> itemsB.replaceOne(filter(a, upsert), a.doc("replacement",
                        DOCUMENT, EVIL_DOCUMENT), new ReplaceOptions().upsert(upsert).hint(a.bson("hint", HINT, EVIL_HINT))
                        .let(a.bson("let", LET, EVIL_LET)).comment(a.value("comment"))));
                op("findOneAndReplace" + suffix, true, a -> itemsB.findOneAndReplace(filter(a, upsert),
                        a.doc("replacement", DOCUMENT, EVIL_DOCUMENT), new FindOneAndReplaceOptions().upsert(upsert)
                                .projection(a.bson("projection", PROJECTION, EVIL_PROJECTION))
                                .sort(a.bson("sort", SORT, EVIL_SORT)).hint(a.bson("hint", HINT, EVIL_HINT))
                                .let(a.bson("let", LET, EVIL_LET)).comment(a.value("comment"))));
                op("findOneAndUpdate" + suffix, true, a -> items.findOneAndUpdate(filter(a, upsert),
                        a.bson("update", UPDATE, EVIL_UPDATE), new FindOneAndUpdateOptions().upsert(upsert)
                                .projection(a.bson("projection", PROJECTION, EVIL_PROJECTION))
                                .sort(a.bson("sort", SORT, EVIL_SORT)).hint(a.bson("hint", HINT, EVIL_HINT))
                                .let(a.bson("let", LET, EVIL_LET)).comment(a.value("comment"))));
            }
            op("findOneAndUpdate arrayFilters", true, a -> items.findOneAndUpdate(a.bson("filter", FILTER,
                    EVIL_FILTER), BsonDocument.parse("{$set: {'arr.$[x].seen': true}}"),
                    new FindOneAndUpdateOptions().arrayFilters(List.of(a.bson("arrayFilter", "{'x.n': {$gte: 0}}",
                            "{'x.EVIL': 1}")))));
            op("findOneAndUpdate pipeline", true, a -> items.findOneAndUpdate(a.bson("filter", FILTER, EVIL_FILTER),
                    List.of(a.bson("update stage", UPDATE, EVIL_UPDATE))));
            op("findOneAndDelete", true, a -> items.findOneAndDelete(a.bson("filter", FILTER, EVIL_FILTER),
                    new FindOneAndDeleteOptions().projection(a.bson("projection", PROJECTION, EVIL_PROJECTION))
                            .sort(a.bson("sort", SORT, EVIL_SORT)).hint(a.bson("hint", HINT, EVIL_HINT))
                            .let(a.bson("let", LET, EVIL_LET)).comment(a.value("comment"))));
            op("bulkWrite", true, a -> {
                List<WriteModel<BsonDocument>> models = List.of(
                        new InsertOneModel<>(a.doc("insert document", DOCUMENT, EVIL_DOCUMENT)),
                        new UpdateOneModel<>(a.bson("updateOne filter", FILTER, EVIL_FILTER),
                                a.bson("updateOne update", UPDATE, EVIL_UPDATE),
                                new UpdateOptions().hint(a.bson("updateOne hint", HINT, EVIL_HINT))),
                        new UpdateOneModel<>(a.bson("upsert filter", UPSERT_FILTER, EVIL_UPSERT_FILTER),
                                a.bson("upsert update", UPDATE, EVIL_UPDATE), new UpdateOptions().upsert(true)),
                        new UpdateManyModel<>(a.bson("updateMany filter", FILTER, EVIL_FILTER),
                                a.bson("updateMany update", UPDATE, EVIL_UPDATE)),
                        new ReplaceOneModel<>(a.bson("replace filter", FILTER, EVIL_FILTER),
                                a.doc("replacement", DOCUMENT, EVIL_DOCUMENT),
                                new ReplaceOptions().hint(a.bson("replace hint", HINT, EVIL_HINT))),
                        new DeleteOneModel<>(a.bson("deleteOne filter", FILTER, EVIL_FILTER),
                                new DeleteOptions().hint(a.bson("deleteOne hint", HINT, EVIL_HINT))),
                        new DeleteManyModel<>(a.bson("deleteMany filter", "{tenantId: 'acme', n: 99}",
                                EVIL_FILTER)));
                return itemsB.bulkWrite(models, new BulkWriteOptions().let(a.bson("let", LET, EVIL_LET))
                        .comment(a.value("comment")));
            });
            op("bulkWrite pipeline", true, a -> itemsB.bulkWrite(List.of(new UpdateManyModel<>(
                    a.bson("filter", FILTER, EVIL_FILTER), List.of(a.bson("update stage", UPDATE, EVIL_UPDATE))))));
            op("deleteMany soft", true, a -> bin.deleteMany(a.bson("filter", FILTER, EVIL_FILTER)));
            op("withDeleted().updateMany", true, a -> bin.withDeleted().updateMany(a.bson("filter", FILTER,
                    EVIL_FILTER), a.bson("update", UPDATE, EVIL_UPDATE)));
            op("restore", true, a -> bin.restore(a.bson("filter", FILTER, EVIL_FILTER)));

            // index DDL (system scope on a shared collection, the tenant's own collection otherwise)
            ddl("createIndex", a -> items.createIndex(a.bson("keys", "{n: 1}", "{EVIL: 1}"),
                    new IndexOptions().name("m_idx").partialFilterExpression(a.bson("partialFilterExpression",
                            "{n: {$gte: 0}}", "{tenantId: 'globex', n: 'EVIL'}"))));
            ddl("createIndexes", a -> items.createIndexes(List.of(new IndexModel(a.bson("keys", "{n: -1}",
                    "{EVIL: -1}"), new IndexOptions().name("m_idx2")))));
            ddl("createIndex wildcard", a -> items.createIndex(BsonDocument.parse("{'arr.$**': 1}"),
                    new IndexOptions().name("m_wild").wildcardProjection(a.bson("wildcardProjection", "{n: 1}",
                            "{EVIL: 1}"))));
            ddl("createIndex text", a -> items.createIndex(BsonDocument.parse("{t: 'text'}"),
                    new IndexOptions().name("m_text").weights(a.bson("weights", "{t: 2}", "{EVIL: 2}"))));
            ddl("dropIndex", a -> {
                items.dropIndex(a.bson("keys", "{n: 1}", "{EVIL: 1}"));
                return null;
            });
            ddl("listIndexes", a -> items.listIndexes().comment(a.value("comment()")));
        }

        private Object update(boolean many, Bson filter, Bson update, UpdateOptions options) {
            return many ? items.updateMany(filter, update, options) : items.updateOne(filter, update, options);
        }

        /** The filter position: an upsert's names the tenant, as an upsert's may. */
        private static Bson filter(Args a, boolean upsert) {
            return upsert ? a.bson("filter", UPSERT_FILTER, EVIL_UPSERT_FILTER) : a.bson("filter", FILTER, EVIL_FILTER);
        }

        private static UpdateOptions options(Args a) {
            return new UpdateOptions().hint(a.bson("hint", HINT, EVIL_HINT)).let(a.bson("let", LET, EVIL_LET))
                    .comment(a.value("comment"));
        }
    }

    // ---------------------------------------------------------------- arguments and attacks

    /**
     * Hands out the arguments of one run: harmless plain values, except at the attacked position. Without a position
     * it discovers the operation's positions (and every argument is harmless).
     */
    private static final class Args {
        final String target;
        final Attack attack;
        final Map<String, Kind> positions = new LinkedHashMap<>();
        final AtomicInteger renders = new AtomicInteger();
        /** Caller-held documents and what a mutation turns them into. */
        final List<BsonDocument[]> held = new ArrayList<>();
        BsonDocument[] targetHeld;

        Args(String target, Attack attack) {
            this.target = target;
            this.attack = attack;
        }

        Bson bson(String name, String benign, String evil) {
            return (Bson) attacked(name, Kind.BSON, benign, evil);
        }

        BsonDocument doc(String name, String benign, String evil) {
            return (BsonDocument) attacked(name, Kind.DOCUMENT, benign, evil);
        }

        /** The argument at position {@code name}: harmless, or this run's attack if it is the target. */
        private Object attacked(String name, Kind kind, String benign, String evil) {
            positions.put(name, kind);
            if (!name.equals(target)) {
                return plain(benign, evil);
            }
            BsonDocument first = BsonDocument.parse(benign);
            switch (attack) {
                case SHIFTING:
                    return shifting(kind, first, BsonDocument.parse(evil), null);
                case MUTATOR:
                    return shifting(kind, first, first, () -> held.forEach(Args::mutate));
                case MUTATED_AFTER:
                    return targetHeld(benign, evil);
                default:
                    return flipping(first);
            }
        }

        private Object shifting(Kind kind, BsonDocument first, BsonDocument later, Runnable onFirst) {
            return kind == Kind.BSON ? Shifting.bson(first, later, renders, onFirst)
                    : new Shifting.Document(first, later, renders, onFirst);
        }

        BsonValue value(String name) {
            positions.put(name, Kind.VALUE);
            if (!name.equals(target)) {
                return plain(COMMENT, EVIL_COMMENT);
            }
            return attack == Attack.MUTATED_AFTER ? targetHeld(COMMENT, EVIL_COMMENT)
                    : new Shifting.FlippingString("ok", MARK + "_LEAF");
        }

        private BsonDocument plain(String benign, String evil) {
            BsonDocument doc = BsonDocument.parse(benign);
            if (attack == Attack.MUTATOR) {
                held.add(new BsonDocument[] {doc, BsonDocument.parse(evil)});
            }
            return doc;
        }

        private BsonDocument targetHeld(String benign, String evil) {
            targetHeld = new BsonDocument[] {BsonDocument.parse(benign), BsonDocument.parse(evil)};
            return targetHeld[0];
        }

        /** After the call (or the setters) returned: the caller changes what it still holds. */
        void afterCall() {
            if (attack == Attack.MUTATED_AFTER && targetHeld != null) {
                mutate(targetHeld);
            }
        }

        static void mutate(BsonDocument[] held) {
            held[0].clear();
            held[0].putAll(held[1].clone());
        }

        /** {@code doc} with every string replaced by one that reads as itself once, then as the mark. */
        static BsonDocument flipping(BsonDocument doc) {
            BsonDocument out = new BsonDocument();
            doc.forEach((k, v) -> out.put(k, flippingValue(v)));
            return out;
        }

        private static BsonValue flippingValue(BsonValue v) {
            if (v.isDocument()) {
                return flipping(v.asDocument());
            }
            if (v.isArray()) {
                BsonArray out = new BsonArray();
                v.asArray().forEach(e -> out.add(flippingValue(e)));
                return out;
            }
            return v.isString() ? new Shifting.FlippingString(v.asString().getValue(), MARK + "_LEAF") : v;
        }
    }
}
