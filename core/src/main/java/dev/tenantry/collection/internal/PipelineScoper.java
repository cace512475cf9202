package dev.tenantry.collection.internal;

import com.mongodb.MongoNamespace;
import dev.tenantry.ForbiddenStageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites an aggregation pipeline so it stays inside one tenant, or refuses it.
 *
 * <p>A tenant {@code $match} goes first ({@code $geoNear}, which must lead, gets the tenant in its {@code query}
 * instead). Every stage is checked against an allow-list, recursively through {@code $facet} and the sub-pipelines of
 * joins. {@code $lookup}, {@code $graphLookup} and {@code $unionWith} into a registered collection are pointed at the
 * tenant's physical collection and confined to the tenant; into anything else they are refused, as are {@code $out},
 * {@code $merge}, stages that read server or cluster state, and unknown stages. Fail closed: a stage this class does
 * not know is a stage it refuses.
 *
 * <p>A {@code $lookup} with {@code localField}/{@code foreignField} and no pipeline is confined with a pipeline
 * {@code [{$match: tenant}]} where the server accepts both together (MongoDB 5.0+, wire version 13); on older or
 * partial servers the joined array is filtered to the tenant by an {@code $addFields} right after the join, which
 * keeps the join's exact matching semantics.
 *
 * <p>Instances are single-use and not thread-safe.
 */
public final class PipelineScoper {

    /** Stages that read only the documents flowing through them. */
    private static final Set<String> PASS_THROUGH = Set.of("$match", "$project", "$addFields", "$set", "$unset",
            "$sort", "$limit", "$skip", "$group", "$count", "$unwind", "$bucket", "$bucketAuto", "$sortByCount",
            "$replaceRoot", "$replaceWith", "$sample", "$redact", "$setWindowFields", "$densify", "$fill");

    /** Stages allowed after the tenant match of a change stream. */
    private static final Set<String> CHANGE_STREAM = Set.of("$match", "$project", "$addFields", "$set", "$unset",
            "$replaceRoot", "$replaceWith", "$redact");

    private static final String JOINED = "tenantryJoined";

    private final String field;
    private final String tenant;
    private final boolean exact;
    private final String localDatabase;
    private final Function<String, @Nullable MongoNamespace> resolver;
    private final BooleanSupplier conciseLookup;
    private final @Nullable BsonDocument localAlso;
    private final Function<String, @Nullable String> deletedAtOf;

    /**
     * @param field the tenant field
     * @param tenant the tenant to confine to
     * @param exact whether the operation carries a collation, so tenant matches must be collation-immune
     * @param localDatabase the physical database the pipeline runs in; joins may not leave it
     * @param resolver maps a registered logical collection to the tenant's physical namespace, null if unregistered
     * @param conciseLookup whether the server takes localField/foreignField and a pipeline together (asked lazily)
     * @param localAlso what the pipeline's own documents must also match (its soft-delete view), or null
     * @param deletedAtOf a joined collection's soft-delete timestamp field, or null if it has no soft delete: joins
     *     see only its live documents
     */
    public PipelineScoper(String field, String tenant, boolean exact, String localDatabase,
                          Function<String, @Nullable MongoNamespace> resolver, BooleanSupplier conciseLookup,
                          @Nullable BsonDocument localAlso, Function<String, @Nullable String> deletedAtOf) {
        this.localAlso = localAlso;
        this.deletedAtOf = deletedAtOf;
        this.field = field;
        this.tenant = tenant;
        this.exact = exact;
        this.localDatabase = localDatabase;
        this.resolver = resolver;
        this.conciseLookup = conciseLookup;
    }

    /**
     * The pipeline confined to the tenant: a leading tenant match and every stage checked and rewritten.
     *
     * @throws ForbiddenStageException naming the stage, if one cannot be kept inside the tenant
     */
    public List<BsonDocument> scope(List<BsonDocument> pipeline) {
        return scope(pipeline, localAlso);
    }

    /** The pipeline confined to the tenant and to what {@code also} matches. */
    private List<BsonDocument> scope(List<BsonDocument> pipeline, @Nullable BsonDocument also) {
        List<BsonDocument> out = new ArrayList<>(pipeline.size() + 1);
        int start = 0;
        if (!pipeline.isEmpty() && "$geoNear".equals(stageName(pipeline.get(0)))) {
            out.add(scopeGeoNear(pipeline.get(0), also));
            start = 1;
        } else {
            out.add(new BsonDocument("$match", tenantMatch(also)));
        }
        for (int i = start; i < pipeline.size(); i++) {
            out.addAll(scopeStage(pipeline.get(i)));
        }
        return out;
    }

    /**
     * Checks the stages a caller adds to a change stream, after the tenant match.
     *
     * @throws ForbiddenStageException naming the stage, if it is not one a change stream allows
     */
    public static void checkChangeStreamStages(List<BsonDocument> pipeline) {
        for (BsonDocument stage : pipeline) {
            String name = stageName(stage);
            if (!CHANGE_STREAM.contains(name)) {
                throw new ForbiddenStageException(name, "stage " + name + " is not allowed in a tenant-scoped change "
                        + "stream; use " + String.join(", ", new java.util.TreeSet<>(CHANGE_STREAM)));
            }
        }
    }

    /**
     * Checks a pipeline that runs on a global collection outside system scope: it may read and join global
     * collections only. {@code $lookup}, {@code $graphLookup} and {@code $unionWith} must name a global collection
     * (as a string), recursively through {@code $facet} and the joins' sub-pipelines; {@code $out}, {@code $merge},
     * stages that report on the server and unknown stages are refused. Fail closed, as {@link #scope} is.
     *
     * @param isGlobal whether a collection of the pipeline's database is global
     * @throws ForbiddenStageException naming the stage, if it could reach beyond the global collections
     */
    public static void checkGlobal(List<BsonDocument> pipeline, Predicate<String> isGlobal) {
        for (BsonDocument stage : pipeline) {
            String name = stageName(stage);
            if (PASS_THROUGH.contains(name) || "$geoNear".equals(name) || "$documents".equals(name)) {
                continue;
            }
            BsonValue spec = PlainBson.firstValue(stage);
            switch (name) {
                case "$facet" -> {
                    if (!spec.isDocument()) {
                        throw new ForbiddenStageException(name, "$facet takes a document of named pipelines");
                    }
                    for (BsonValue facet : spec.asDocument().values()) {
                        checkGlobal(stages(name, facet), isGlobal);
                    }
                }
                case "$lookup" -> {
                    BsonDocument lookup = document(name, spec);
                    globalTarget(name, lookup.get("from"), isGlobal);
                    if (lookup.containsKey("pipeline")) {
                        checkGlobal(stages(name, lookup.get("pipeline")), isGlobal);
                    }
                }
                case "$graphLookup" -> globalTarget(name, document(name, spec).get("from"), isGlobal);
                case "$unionWith" -> {
                    if (spec.isString()) {
                        globalTarget(name, spec, isGlobal);
                    } else {
                        BsonDocument union = document(name, spec);
                        globalTarget(name, union.get("coll"), isGlobal);
                        if (union.containsKey("pipeline")) {
                            checkGlobal(stages(name, union.get("pipeline")), isGlobal);
                        }
                    }
                }
                case "$out", "$merge" -> throw new ForbiddenStageException(name, name + " writes aggregation results "
                        + "to a collection; on a global collection that runs only in system scope "
                        + "(Tenants.runAsSystem(reason, ...))");
                default -> throw new ForbiddenStageException(name, "stage " + name + " is refused on a global "
                        + "collection outside system scope: only stages known to read nothing but global "
                        + "collections may run there");
            }
        }
    }

    private static void globalTarget(String stage, @Nullable BsonValue from, Predicate<String> isGlobal) {
        if (from == null || !from.isString()) {
            throw new ForbiddenStageException(stage, stage + " on a global collection must name its collection as a "
                    + "string");
        }
        String name = from.asString().getValue();
        if (!isGlobal.test(name)) {
            throw new ForbiddenStageException(stage, stage + " into '" + name + "' is refused: a pipeline on a global "
                    + "collection may join only global collections outside system scope, and '" + name + "' is "
                    + "not one");
        }
    }

    private BsonDocument tenantMatch(@Nullable BsonDocument also) {
        return TenantFilter.tenantMatch(field, tenant, exact, also);
    }

    /** What a join into logical collection {@code name} must also match: its live documents, if it soft-deletes. */
    private @Nullable BsonDocument liveOf(String name) {
        String deletedAt = deletedAtOf.apply(name);
        return deletedAt == null ? null : new BsonDocument(deletedAt, BsonNull.VALUE);
    }

    /** Stages checked and rewritten without a new leading match (for {@code $facet}, whose input is scoped). */
    private List<BsonDocument> scopeStages(List<BsonDocument> pipeline) {
        List<BsonDocument> out = new ArrayList<>(pipeline.size());
        for (BsonDocument stage : pipeline) {
            out.addAll(scopeStage(stage));
        }
        return out;
    }

    private List<BsonDocument> scopeStage(BsonDocument stage) {
        String name = stageName(stage);
        if (PASS_THROUGH.contains(name)) {
            return List.of(stage);
        }
        switch (name) {
            case "$facet":
                return List.of(new BsonDocument(name, scopeFacet(PlainBson.firstValue(stage))));
            case "$lookup":
                return scopeLookup(PlainBson.firstValue(stage));
            case "$graphLookup":
                return List.of(new BsonDocument(name, scopeGraphLookup(PlainBson.firstValue(stage))));
            case "$unionWith":
                return List.of(new BsonDocument(name, scopeUnionWith(PlainBson.firstValue(stage))));
            case "$geoNear":
                throw new ForbiddenStageException(name, "$geoNear must be the first stage of a pipeline");
            case "$out":
            case "$merge":
                throw new ForbiddenStageException(name, name + " writes aggregation results to a collection, which "
                        + "would put data outside the tenant's scope; read the results and write them through a "
                        + "tenant-scoped collection instead");
            case "$collStats":
            case "$indexStats":
            case "$planCacheStats":
            case "$currentOp":
            case "$listSessions":
            case "$listLocalSessions":
            case "$listSearchIndexes":
            case "$shardedDataDistribution":
            case "$querySettings":
                throw new ForbiddenStageException(name, name + " reports on the whole collection or server, across "
                        + "tenants; run it through the driver in system scope");
            case "$changeStream":
            case "$changeStreamSplitLargeEvent":
                throw new ForbiddenStageException(name, name + " is not an aggregation stage here; use watch()");
            case "$documents":
                throw new ForbiddenStageException(name, "$documents is not allowed in a tenant-scoped pipeline");
            case "$search":
            case "$searchMeta":
            case "$vectorSearch":
            case "$rankFusion":
            case "$scoreFusion":
                throw new ForbiddenStageException(name, name + " must lead a pipeline, before the tenant match; "
                        + "tenant-scoped Atlas Search is not supported yet");
            default:
                throw new ForbiddenStageException(name, "unknown aggregation stage " + name + " is refused: only "
                        + "stages known to stay inside the tenant may run");
        }
    }

    private BsonDocument scopeFacet(BsonValue spec) {
        if (!spec.isDocument()) {
            throw new ForbiddenStageException("$facet", "$facet takes a document of named pipelines");
        }
        BsonDocument out = new BsonDocument();
        for (Map.Entry<String, BsonValue> facet : spec.asDocument().entrySet()) {
            out.put(facet.getKey(), toArray(scopeStages(stages("$facet", facet.getValue()))));
        }
        return out;
    }

    private List<BsonDocument> scopeLookup(BsonValue value) {
        BsonDocument spec = document("$lookup", value);
        BsonValue from = spec.get("from");
        MongoNamespace target = target("$lookup", from);
        String fromName = Objects.requireNonNull(from).asString().getValue(); // target() refused all but a string
        BsonDocument live = liveOf(fromName);
        BsonDocument out = spec.clone();
        out.put("from", new BsonString(target.getCollectionName()));
        if (spec.containsKey("pipeline")) {
            out.put("pipeline", toArray(scope(stages("$lookup", spec.get("pipeline")), live)));
            return List.of(new BsonDocument("$lookup", out));
        }
        if (conciseLookup.getAsBoolean()) {
            out.put("pipeline", toArray(List.of(new BsonDocument("$match", tenantMatch(live)))));
            return List.of(new BsonDocument("$lookup", out));
        }
        BsonValue as = spec.get("as");
        if (as == null || !as.isString()) {
            throw new ForbiddenStageException("$lookup", "$lookup needs 'as' naming the output field");
        }
        String asField = as.asString().getValue();
        BsonDocument filter = new BsonDocument("input", new BsonString("$" + asField))
                .append("as", new BsonString(JOINED))
                .append("cond", joinedCondition(deletedAtOf.apply(fromName)));
        return List.of(new BsonDocument("$lookup", out),
                new BsonDocument("$addFields", new BsonDocument(asField, new BsonDocument("$filter", filter))));
    }

    /**
     * {@code $$tenantryJoined.<field> == T}, collation-immune when {@code exact}, and the joined document live when
     * its collection soft-deletes ({@code deletedAt} names the timestamp field).
     */
    private BsonDocument joinedCondition(@Nullable String deletedAt) {
        BsonDocument tenantCondition = joinedTenantCondition();
        if (deletedAt == null) {
            return tenantCondition;
        }
        BsonDocument live = new BsonDocument("$eq", new BsonArray(List.of(new BsonDocument("$ifNull",
                new BsonArray(List.of(new BsonString("$$" + JOINED + "." + deletedAt), BsonNull.VALUE))),
                BsonNull.VALUE)));
        return new BsonDocument("$and", new BsonArray(List.of(tenantCondition, live)));
    }

    /** {@code $$tenantryJoined.<field> == T}, collation-immune when {@code exact}. */
    private BsonDocument joinedTenantCondition() {
        BsonString joinedField = new BsonString("$$" + JOINED + "." + field);
        BsonDocument equal = new BsonDocument("$eq", new BsonArray(List.of(joinedField, new BsonString(tenant))));
        if (!exact) {
            return equal;
        }
        BsonDocument regex = new BsonDocument("$regexMatch", new BsonDocument("input",
                new BsonDocument("$ifNull", new BsonArray(List.of(joinedField, new BsonString("")))))
                .append("regex", new BsonString("^" + tenant + "$")));
        return new BsonDocument("$and", new BsonArray(List.of(equal, regex)));
    }

    private BsonDocument scopeGraphLookup(BsonValue value) {
        BsonDocument spec = document("$graphLookup", value);
        BsonValue from = spec.get("from");
        MongoNamespace target = target("$graphLookup", from);
        BsonDocument out = spec.clone();
        out.put("from", new BsonString(target.getCollectionName()));
        BsonValue restrict = spec.get("restrictSearchWithMatch");
        BsonDocument match = tenantMatch(liveOf(Objects.requireNonNull(from).asString().getValue()));
        if (restrict != null) {
            match = new BsonDocument("$and", new BsonArray(List.of(match, document("$graphLookup", restrict))));
        }
        out.put("restrictSearchWithMatch", match);
        return out;
    }

    private BsonDocument scopeUnionWith(BsonValue value) {
        @Nullable BsonValue coll;
        List<BsonDocument> pipeline;
        if (value.isString()) {
            coll = value;
            pipeline = List.of();
        } else {
            BsonDocument spec = document("$unionWith", value);
            coll = spec.get("coll");
            pipeline = spec.containsKey("pipeline") ? stages("$unionWith", spec.get("pipeline")) : List.of();
        }
        MongoNamespace target = target("$unionWith", coll);
        String collName = Objects.requireNonNull(coll).asString().getValue(); // target() refused all but a string
        return new BsonDocument("coll", new BsonString(target.getCollectionName()))
                .append("pipeline", toArray(scope(pipeline, liveOf(collName))));
    }

    /** The tenant's physical namespace for a join's target, which must be registered and in the same database. */
    private MongoNamespace target(String stage, @Nullable BsonValue from) {
        if (from == null || !from.isString()) {
            throw new ForbiddenStageException(stage, stage + " in a tenant-scoped pipeline must name its collection "
                    + "as a string");
        }
        String name = from.asString().getValue();
        MongoNamespace target = resolver.apply(name);
        if (target == null) {
            throw new ForbiddenStageException(stage, stage + " into '" + name + "' is refused: it is not a registered "
                    + "tenant-scoped collection, so its documents cannot be confined to the tenant");
        }
        if (!target.getDatabaseName().equals(localDatabase)) {
            throw new ForbiddenStageException(stage, stage + " into '" + name + "' would cross from database '"
                    + localDatabase + "' to '" + target.getDatabaseName() + "'; MongoDB joins only within one "
                    + "database, so both collections need compatible isolation strategies");
        }
        return target;
    }

    private BsonDocument scopeGeoNear(BsonDocument stage, @Nullable BsonDocument also) {
        BsonDocument spec = document("$geoNear", Objects.requireNonNull(stage.get("$geoNear"), "$geoNear")).clone();
        BsonValue query = spec.get("query");
        BsonDocument match = tenantMatch(also);
        spec.put("query", query == null ? match
                : new BsonDocument("$and", new BsonArray(List.of(match, document("$geoNear", query)))));
        return new BsonDocument("$geoNear", spec);
    }

    static String stageName(BsonDocument stage) {
        if (stage.size() != 1) {
            throw new ForbiddenStageException(stage.isEmpty() ? "(empty)" : stage.getFirstKey(),
                    "an aggregation stage has exactly one field, was " + stage.keySet());
        }
        return stage.getFirstKey();
    }

    private static BsonDocument document(String stage, BsonValue value) {
        if (!value.isDocument()) {
            throw new ForbiddenStageException(stage, stage + " takes a document, was " + value.getBsonType());
        }
        return value.asDocument();
    }

    private static List<BsonDocument> stages(String stage, BsonValue value) {
        if (!value.isArray()) {
            throw new ForbiddenStageException(stage, stage + " takes a pipeline (an array of stages), was "
                    + value.getBsonType());
        }
        List<BsonDocument> out = new ArrayList<>();
        for (BsonValue element : value.asArray()) {
            out.add(document(stage, element));
        }
        return out;
    }

    private static BsonArray toArray(List<BsonDocument> stages) {
        return new BsonArray(new ArrayList<BsonValue>(stages));
    }
}
