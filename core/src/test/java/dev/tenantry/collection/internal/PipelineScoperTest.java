package dev.tenantry.collection.internal;

import static dev.tenantry.collection.internal.UpdateGuardTest.stages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoNamespace;
import dev.tenantry.ForbiddenStageException;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pipeline rewrites as data. Execution of the same rewrites is covered by the collection ITs, on the embedded
 * server where it can run them and on real servers for {@code $unionWith}, {@code $geoNear}, {@code $graphLookup}'s
 * {@code restrictSearchWithMatch} and the concise {@code $lookup}.
 */
class PipelineScoperTest {

    /** orders is shared, invoices per collection, ledger per database (so it lives elsewhere). */
    private static final Map<String, MongoNamespace> REGISTERED = Map.of(
            "orders", new MongoNamespace("app", "orders"),
            "invoices", new MongoNamespace("app", "invoices__a"),
            "ledger", new MongoNamespace("app_a", "ledger"));

    private static PipelineScoper scoper(boolean concise, boolean exact) {
        return new PipelineScoper("tenantId", "a", exact, "app", REGISTERED::get, () -> concise, null, name -> null);
    }

    /** As {@link #scoper(boolean, boolean)}, with invoices soft-deleting by {@code deletedAt}. */
    private static PipelineScoper softDeleteScoper(boolean concise) {
        return new PipelineScoper("tenantId", "a", false, "app", REGISTERED::get, () -> concise, null,
                name -> name.equals("invoices") ? "deletedAt" : null);
    }

    private static List<BsonDocument> scope(String pipeline) {
        return scoper(true, false).scope(stages(pipeline));
    }

    private static BsonDocument doc(String json) {
        return BsonDocument.parse(json);
    }

    @Test
    void joinsIntoASoftDeleteCollectionSeeOnlyItsLiveDocuments() {
        assertEquals(stages("[{$match: {tenantId: 'a'}}, {$lookup: {from: 'invoices__a', as: 'i', pipeline: "
                + "[{$match: {$and: [{tenantId: 'a'}, {deletedAt: null}]}}]}}]"),
                softDeleteScoper(true).scope(stages("[{$lookup: {from: 'invoices', as: 'i', pipeline: []}}]")));
        assertEquals(stages("[{$match: {tenantId: 'a'}}, {$unionWith: {coll: 'invoices__a', pipeline: "
                + "[{$match: {$and: [{tenantId: 'a'}, {deletedAt: null}]}}]}}]"),
                softDeleteScoper(true).scope(stages("[{$unionWith: 'invoices'}]")));
        List<BsonDocument> old = softDeleteScoper(false).scope(stages("[{$lookup: {from: 'invoices', localField: 'x', "
                + "foreignField: 'y', as: 'i'}}]"));
        assertEquals(doc("{$addFields: {i: {$filter: {input: '$i', as: 'tenantryJoined', cond: {$and: ["
                + "{$eq: ['$$tenantryJoined.tenantId', 'a']}, "
                + "{$eq: [{$ifNull: ['$$tenantryJoined.deletedAt', null]}, null]}]}}}}}"), old.get(2));
        PipelineScoper onlyDeleted = new PipelineScoper("tenantId", "a", false, "app", REGISTERED::get, () -> true,
                doc("{deletedAt: {$ne: null}}"), name -> null);
        assertEquals(stages("[{$match: {$and: [{tenantId: 'a'}, {deletedAt: {$ne: null}}]}}]"),
                onlyDeleted.scope(List.of()));
    }

    @Test
    void tenantMatchGoesFirst() {
        List<BsonDocument> out = scope("[{$match: {$or: [{tenantId: 'b'}, {x: 1}]}}, {$count: 'n'}]");
        assertEquals(doc("{$match: {tenantId: 'a'}}"), out.get(0));
        assertEquals(doc("{$match: {$or: [{tenantId: 'b'}, {x: 1}]}}"), out.get(1));
        assertEquals(3, out.size());
        assertEquals(List.of(doc("{$match: {tenantId: 'a'}}")), scope("[]"));
    }

    @Test
    void geoNearFirstGetsTheTenantInItsQuery() {
        List<BsonDocument> out = scope("[{$geoNear: {near: [0, 0], distanceField: 'd', query: {open: true}}}]");
        assertEquals(doc("{$geoNear: {near: [0, 0], distanceField: 'd', query: {$and: [{tenantId: 'a'}, "
                + "{open: true}]}}}"), out.get(0));
        assertEquals(1, out.size());
        assertEquals(doc("{tenantId: 'a'}"), scope("[{$geoNear: {near: [0, 0], distanceField: 'd'}}]").get(0)
                .getDocument("$geoNear").getDocument("query"));
        assertThrows(ForbiddenStageException.class,
                () -> scope("[{$match: {}}, {$geoNear: {near: [0, 0], distanceField: 'd'}}]"));
    }

    @Test
    void pipelineLookupIntoARegisteredCollectionIsConfinedAndRepointed() {
        List<BsonDocument> out = scope("[{$lookup: {from: 'invoices', let: {c: '$_id'}, pipeline: "
                + "[{$match: {$expr: {$eq: ['$customer', '$$c']}}}], as: 'inv'}}]");
        assertEquals(doc("{$lookup: {from: 'invoices__a', let: {c: '$_id'}, pipeline: [{$match: {tenantId: 'a'}}, "
                + "{$match: {$expr: {$eq: ['$customer', '$$c']}}}], as: 'inv'}}"), out.get(1));
    }

    @Test
    void localForeignLookupGetsAPipelineWhereTheServerTakesBoth() {
        List<BsonDocument> out = scope("[{$lookup: {from: 'orders', localField: 'o', foreignField: '_id', "
                + "as: 'os'}}]");
        assertEquals(doc("{$lookup: {from: 'orders', localField: 'o', foreignField: '_id', as: 'os', "
                + "pipeline: [{$match: {tenantId: 'a'}}]}}"), out.get(1));
        assertEquals(2, out.size());
    }

    @Test
    void localForeignLookupIsFilteredAfterOnOlderServers() {
        List<BsonDocument> out = scoper(false, false).scope(stages("[{$lookup: {from: 'orders', localField: 'o', "
                + "foreignField: '_id', as: 'os'}}]"));
        assertEquals(doc("{$lookup: {from: 'orders', localField: 'o', foreignField: '_id', as: 'os'}}"), out.get(1));
        assertEquals(doc("{$addFields: {os: {$filter: {input: '$os', as: 'tenantryJoined', "
                + "cond: {$eq: ['$$tenantryJoined.tenantId', 'a']}}}}}"), out.get(2));
    }

    @Test
    void graphLookupIsRestrictedToTheTenant() {
        List<BsonDocument> out = scope("[{$graphLookup: {from: 'orders', startWith: '$p', connectFromField: 'p', "
                + "connectToField: '_id', as: 'chain', restrictSearchWithMatch: {open: true}}}]");
        assertEquals(doc("{$and: [{tenantId: 'a'}, {open: true}]}"),
                out.get(1).getDocument("$graphLookup").getDocument("restrictSearchWithMatch"));
        List<BsonDocument> plain = scope("[{$graphLookup: {from: 'invoices', startWith: '$p', "
                + "connectFromField: 'p', connectToField: '_id', as: 'chain'}}]");
        assertEquals(doc("{$graphLookup: {from: 'invoices__a', startWith: '$p', connectFromField: 'p', "
                + "connectToField: '_id', as: 'chain', restrictSearchWithMatch: {tenantId: 'a'}}}"), plain.get(1));
    }

    @Test
    void unionWithInBothFormsIsConfined() {
        assertEquals(doc("{$unionWith: {coll: 'invoices__a', pipeline: [{$match: {tenantId: 'a'}}]}}"),
                scope("[{$unionWith: 'invoices'}]").get(1));
        assertEquals(doc("{$unionWith: {coll: 'orders', pipeline: [{$match: {tenantId: 'a'}}, {$match: {x: 1}}]}}"),
                scope("[{$unionWith: {coll: 'orders', pipeline: [{$match: {x: 1}}]}}]").get(1));
    }

    @Test
    void facetNestingJoinsIsScopedRecursively() {
        List<BsonDocument> out = scope("[{$facet: {a: [{$count: 'n'}], b: [{$lookup: {from: 'orders', as: 'o', "
                + "pipeline: [{$unionWith: {coll: 'invoices', pipeline: [{$lookup: {from: 'orders', localField: "
                + "'x', foreignField: 'y', as: 'z'}}]}}]}}]}}]");
        BsonDocument lookup = out.get(1).getDocument("$facet").getArray("b").get(0).asDocument()
                .getDocument("$lookup");
        BsonArray inner = lookup.getArray("pipeline");
        assertEquals(doc("{$match: {tenantId: 'a'}}"), inner.get(0));
        BsonDocument union = inner.get(1).asDocument().getDocument("$unionWith");
        assertEquals("invoices__a", union.getString("coll").getValue());
        assertEquals(doc("{$match: {tenantId: 'a'}}"), union.getArray("pipeline").get(0));
        assertEquals(doc("{$lookup: {from: 'orders', localField: 'x', foreignField: 'y', as: 'z', "
                + "pipeline: [{$match: {tenantId: 'a'}}]}}"), union.getArray("pipeline").get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[{$out: 'x'}]",
        "[{$merge: {into: 'orders'}}]",
        "[{$facet: {a: [{$out: 'x'}]}}]",
        "[{$lookup: {from: 'orders', as: 'o', pipeline: [{$merge: 'x'}]}}]",
        "[{$lookup: {from: 'users', localField: 'u', foreignField: '_id', as: 'u'}}]",
        "[{$lookup: {from: 'orders__b', localField: 'u', foreignField: '_id', as: 'u'}}]",
        "[{$lookup: {from: {db: 'app', coll: 'orders'}, localField: 'u', foreignField: '_id', as: 'u'}}]",
        "[{$lookup: {localField: 'u', foreignField: '_id', as: 'u'}}]",
        "[{$lookup: {from: 'ledger', localField: 'u', foreignField: '_id', as: 'u'}}]",
        "[{$graphLookup: {from: 'users', startWith: '$p', connectFromField: 'p', connectToField: '_id', as: 'c'}}]",
        "[{$unionWith: 'users'}]",
        "[{$unionWith: {coll: 'invoices__b'}}]",
        "[{$facet: {a: [{$unionWith: 'users'}]}}]",
        "[{$collStats: {count: {}}}]",
        "[{$indexStats: {}}]",
        "[{$currentOp: {}}]",
        "[{$documents: [{tenantId: 'b'}]}]",
        "[{$search: {text: {query: 'x', path: 'y'}}}]",
        "[{$changeStream: {}}]",
        "[{$madeUpStage: {}}]",
        "[{$match: {}, $limit: 1}]",
    })
    void refusesWhatCannotBeKeptInsideTheTenant(String pipeline) {
        ForbiddenStageException e = assertThrows(ForbiddenStageException.class, () -> scope(pipeline));
        assertTrue(e.getMessage().contains(e.stage()), e.getMessage());
    }

    @Test
    void refusalNamesTheStageAndTheCollection() {
        ForbiddenStageException e = assertThrows(ForbiddenStageException.class,
                () -> scope("[{$lookup: {from: 'users', localField: 'u', foreignField: '_id', as: 'u'}}]"));
        assertEquals("$lookup", e.stage());
        assertTrue(e.getMessage().contains("'users'"), e.getMessage());
        ForbiddenStageException cross = assertThrows(ForbiddenStageException.class,
                () -> scope("[{$unionWith: 'ledger'}]"));
        assertTrue(cross.getMessage().contains("app_a"), cross.getMessage());
    }

    @Test
    void exactModeAddsCollationImmuneMatchesEverywhere() {
        PipelineScoper exact = scoper(false, true);
        List<BsonDocument> out = exact.scope(stages("[{$lookup: {from: 'orders', localField: 'o', "
                + "foreignField: '_id', as: 'os'}}, {$unionWith: 'invoices'}]"));
        BsonDocument match = doc("{$and: [{tenantId: 'a'}, {tenantId: {$regularExpression: {pattern: '^a$', "
                + "options: ''}}}]}");
        assertEquals(match, out.get(0).getDocument("$match"));
        String cond = out.get(2).toJson();
        assertTrue(cond.contains("$regexMatch") && cond.contains("^a$"), cond);
        assertEquals(match, out.get(3).getDocument("$unionWith").getArray("pipeline").get(0).asDocument()
                .getDocument("$match"));
    }

    @Test
    void changeStreamStagesAreCheckedAgainstTheirOwnList() {
        PipelineScoper.checkChangeStreamStages(stages("[{$match: {operationType: 'insert'}}, {$project: {a: 1}}]"));
        assertThrows(ForbiddenStageException.class,
                () -> PipelineScoper.checkChangeStreamStages(stages("[{$lookup: {from: 'orders', as: 'x', "
                        + "pipeline: []}}]")));
    }
}
