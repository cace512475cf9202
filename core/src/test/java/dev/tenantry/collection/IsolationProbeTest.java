package dev.tenantry.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.connection.ClusterId;
import com.mongodb.connection.ConnectionDescription;
import com.mongodb.connection.ServerId;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The probe's judgement, command by command, as the driver hands commands to it (issue 16 §6). Each case the probe
 * used to miss is here; so are the shapes Tenantry itself sends, which must pass. No server: the events are built
 * here.
 */
class IsolationProbeTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final MongoClient CLIENT = MongoClients.create(MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString("mongodb://localhost:1"))
            .applyToClusterSettings(c -> c.serverSelectionTimeout(1, TimeUnit.MILLISECONDS)).build());
    private static final ConnectionDescription CONNECTION = new ConnectionDescription(
            new ServerId(new ClusterId(), new ServerAddress("db.example", 27017)));

    private final TenantDatabase registry = TenantDatabase.builder(CLIENT, "app").tenantDatabasePrefix("t_")
            .collection("orders").collection("customers")
            .collection("invoices", IsolationStrategy.COLLECTION_PER_TENANT)
            .collection("ledgers", IsolationStrategy.DATABASE_PER_TENANT).build();
    private final IsolationProbe probe = registry.newIsolationProbe();
    private final AtomicInteger requestIds = new AtomicInteger();

    @AfterAll
    static void close() {
        CLIENT.close();
    }

    /** The violations {@code json}, sent to {@code database} with no scope of its own, gives rise to. */
    private List<String> send(String database, String json) {
        probe.reset();
        BsonDocument command = BsonDocument.parse(json);
        probe.commandStarted(new CommandStartedEvent(null, 1, requestIds.incrementAndGet(), CONNECTION, database,
                command.getFirstKey(), command));
        return probe.violations();
    }

    private List<String> asAcme(String json) {
        return Tenants.call(ACME, () -> send("app", json));
    }

    private void passes(List<String> violations) {
        assertEquals(List.of(), violations);
        assertTrue(probe.commandsChecked() > 0, "the command was judged");
    }

    private static void flagged(List<String> violations, String... fragments) {
        assertEquals(1, violations.size(), String.join("\n", violations));
        for (String fragment : fragments) {
            assertTrue(violations.get(0).contains(fragment), violations.get(0));
        }
    }

    @Test
    void aQueryForAnotherTenantIsNotScopedToTheCurrentOne() {
        flagged(asAcme("{find: 'orders', filter: {tenantId: 'globex'}}"), "'acme'", "names tenant 'globex'");
        flagged(asAcme("{find: 'orders', filter: {$and: [{tenantId: 'globex'}, {x: 1}]}}"), "'globex'");
        flagged(asAcme("{count: 'orders', query: {tenantId: {$in: ['acme', 'globex']}}}"), "count's query");
        flagged(asAcme("{distinct: 'orders', key: 'x'}"), "distinct's query is missing");
        flagged(asAcme("{delete: 'orders', deletes: [{q: {tenantId: 'acme'}, limit: 0}, {q: {}, limit: 0}]}"),
                "delete statement");
        flagged(asAcme("{insert: 'orders', documents: [{tenantId: 'acme'}, {tenantId: 'globex'}]}"),
                "inserted document has tenantId \"globex\"");
        passes(asAcme("{find: 'orders', filter: {tenantId: 'acme'}}"));
        passes(asAcme("{find: 'orders', filter: {$and: [{tenantId: {$eq: 'acme'}}, {$or: [{x: 1}, {y: 2}]}]}}"));
        passes(asAcme("{insert: 'orders', documents: [{tenantId: 'acme'}, {tenantId: 'acme', n: 2}]}"));
    }

    @Test
    void aCollationNeedsTheCollationImmuneMatchToo() {
        flagged(asAcme("{find: 'orders', filter: {tenantId: 'acme'}, collation: {locale: 'en', alternate: "
                + "'shifted'}}"), "collation-immune");
        passes(asAcme("{find: 'orders', filter: {$and: [{tenantId: 'acme'}, {tenantId: {$regularExpression: "
                + "{pattern: '^acme$', options: ''}}}]}, collation: {locale: 'en'}}"));
        passes(asAcme("{find: 'orders', filter: {tenantId: 'acme'}, collation: {locale: 'simple'}}"));
    }

    @Test
    void aDatabaseLevelAggregateThatJoinsTenantDataIsJudged() {
        flagged(asAcme("{aggregate: 1, pipeline: [{$documents: [{k: 1}]}, {$lookup: {from: 'orders', localField: "
                + "'k', foreignField: 'k', as: 'o'}}], cursor: {}}"), "$lookup into tenant data");
        passes(asAcme("{aggregate: 1, pipeline: [{$documents: [{k: 1}]}, {$lookup: {from: 'orders', localField: "
                + "'k', foreignField: 'k', as: 'o', pipeline: [{$match: {tenantId: 'acme'}}]}}], cursor: {}}"));
        assertEquals(List.of(), send("app", "{aggregate: 1, pipeline: [{$documents: [{k: 1}]}], cursor: {}}"),
                "touches no tenant data");
        assertEquals(0, probe.commandsChecked());
    }

    @Test
    void aJoinFromAnUnregisteredCollectionIntoTenantDataIsJudged() {
        flagged(asAcme("{aggregate: 'archive', pipeline: [{$lookup: {from: 'orders', localField: 'k', foreignField: "
                + "'k', as: 'o'}}], cursor: {}}"), "$lookup into tenant data");
        flagged(asAcme("{aggregate: 'archive', pipeline: [{$unionWith: 'orders'}], cursor: {}}"), "$unionWith");
        flagged(asAcme("{aggregate: 'archive', pipeline: [{$graphLookup: {from: 'orders', startWith: '$k', "
                + "connectFromField: 'k', connectToField: 'k', as: 'g'}}], cursor: {}}"), "restrictSearchWithMatch");
        flagged(asAcme("{aggregate: 'archive', pipeline: [{$facet: {f: [{$lookup: {from: 'invoices__acme', pipeline:"
                + " [], as: 'i'}}]}}], cursor: {}}"), "$lookup into tenant data");
        flagged(asAcme("{aggregate: 'archive', pipeline: [{$unionWith: {coll: 'invoices__globex', pipeline: "
                + "[{$match: {tenantId: 'acme'}}]}}], cursor: {}}"), "holds the documents of tenant 'globex'");
        passes(asAcme("{aggregate: 'archive', pipeline: [{$unionWith: {coll: 'orders', pipeline: [{$match: "
                + "{tenantId: 'acme'}}]}}], cursor: {}}"));
        passes(asAcme("{aggregate: 'archive', pipeline: [{$graphLookup: {from: 'orders', startWith: '$k', "
                + "connectFromField: 'k', connectToField: 'k', as: 'g', restrictSearchWithMatch: {$and: [{tenantId: "
                + "'acme'}, {x: 1}]}}}], cursor: {}}"));
        flagged(send("app", "{aggregate: 'archive', pipeline: [{$unionWith: {coll: 'orders', pipeline: [{$match: "
                + "{tenantId: 'acme'}}]}}], cursor: {}}"), "no tenant is current");
    }

    @Test
    void updatesThatSetTheTenantFieldAreViolations() {
        String q = "q: {tenantId: 'acme'}";
        flagged(asAcme("{update: 'orders', updates: [{" + q + ", u: {$set: {tenantId: 'globex'}}}]}"), "$set");
        flagged(asAcme("{update: 'orders', updates: [{" + q + ", u: {$rename: {owner: 'tenantId'}}}]}"), "$rename");
        flagged(asAcme("{update: 'orders', updates: [{" + q + ", u: {$unset: {'tenantId.x': ''}}}]}"), "$unset");
        flagged(asAcme("{update: 'orders', updates: [{" + q + ", u: [{$set: {tenantId: {$concat: ['glo', 'bex']}}}]"
                + "}]}"), "$set stage may not touch tenant field");
        flagged(asAcme("{update: 'orders', updates: [{" + q + ", u: [{$replaceWith: {tenantId: 'globex'}}]}]}"),
                "replaces the whole document");
        flagged(asAcme("{update: 'orders', updates: [{" + q + ", u: [{$project: {x: 1}}]}]}"), "$project stage");
        flagged(asAcme("{update: 'orders', updates: [{" + q + ", u: {tenantId: 'globex', x: 1}, upsert: true}]}"),
                "replacement");
        flagged(asAcme("{findAndModify: 'orders', query: {tenantId: 'acme'}, update: {$set: {tenantId: 'globex'}}}"),
                "findAndModify's update");
        flagged(asAcme("{findAndModify: 'orders', query: {tenantId: 'acme'}, update: {x: 1}, upsert: true}"),
                "findAndModify's update (a replacement) has tenantId missing");
        passes(asAcme("{update: 'orders', updates: [{" + q + ", u: {$set: {x: 1}, $setOnInsert: {tenantId: 'acme'}},"
                + " upsert: true}]}"));
        passes(asAcme("{update: 'orders', updates: [{" + q + ", u: {tenantId: 'acme', x: 1}}]}"));
        passes(asAcme("{update: 'orders', updates: [{" + q + ", u: [{$set: {double: {$multiply: ['$n', 2]}}}]}]}"));
        passes(asAcme("{findAndModify: 'orders', query: {tenantId: 'acme'}, remove: true}"));
    }

    @Test
    void outAndMergeNeverWriteIntoTenantDataNorCopyItOut() {
        flagged(asAcme("{aggregate: 'archive', pipeline: [{$merge: {into: 'orders'}}], cursor: {}}"),
                "writes aggregation results into tenant data");
        flagged(asAcme("{aggregate: 'archive', pipeline: [{$out: {db: 'app', coll: 'orders'}}], cursor: {}}"),
                "into tenant data");
        flagged(asAcme("{aggregate: 'orders', pipeline: [{$match: {tenantId: 'acme'}}, {$out: 'archive'}], "
                + "cursor: {}}"), "copies tenant data out");
        flagged(asAcme("{aggregate: 'orders', pipeline: [{$match: {tenantId: 'acme'}}, {$merge: {into: {db: 'other',"
                + " coll: 'x'}}}], cursor: {}}"), "copies tenant data out");
        assertEquals(List.of(), send("app", "{aggregate: 'archive', pipeline: [{$out: 'archive2'}], cursor: {}}"));
        assertEquals(List.of(), Tenants.callAsSystem("archive orders", () -> send("app", "{aggregate: 'orders', "
                + "pipeline: [{$out: 'archive'}], cursor: {}}")));
    }

    @Test
    void explainIsJudgedAsTheCommandItExplains() {
        flagged(asAcme("{explain: {find: 'orders', filter: {}}, verbosity: 'executionStats'}"), "find's filter");
        flagged(asAcme("{explain: {aggregate: 1, pipeline: [{$documents: []}, {$unionWith: 'orders'}], cursor: {}}, "
                + "verbosity: 'queryPlanner'}"), "$unionWith");
        passes(asAcme("{explain: {find: 'orders', filter: {tenantId: 'acme'}}, verbosity: 'executionStats'}"));
    }

    @Test
    void dropAndOtherCollectionWideDdlOnASharedCollectionIsAViolationOutsideSystemScope() {
        flagged(asAcme("{drop: 'orders'}"), "collection-wide drop on SHARED collection 'orders'");
        flagged(asAcme("{dropIndexes: 'orders', index: '*'}"), "collection-wide dropIndexes");
        flagged(asAcme("{listIndexes: 'orders', cursor: {}}"), "collection-wide listIndexes");
        flagged(asAcme("{collMod: 'orders', validator: {}}"), "collection-wide collMod");
        flagged(asAcme("{drop: 'invoices__globex'}"), "holds the documents of tenant 'globex'");
        passes(asAcme("{drop: 'invoices__acme'}"));
        flagged(send("app", "{drop: 'invoices__acme'}"), "no tenant is current");
        passes(Tenants.callAsSystem("schema migration", () -> send("app", "{drop: 'orders'}")));
        flagged(Tenants.call(ACME, () -> send("t_globex", "{dropDatabase: 1}")), "tenant 'globex'");
        passes(Tenants.call(ACME, () -> send("t_acme", "{dropDatabase: 1}")));
        flagged(asAcme("{dropDatabase: 1}"), "drops every tenant's collections");
        flagged(Tenants.call(ACME, () -> send("admin", "{renameCollection: 'app.invoices__acme', to: "
                + "'app.invoices__globex'}")), "renameCollection");
        passes(Tenants.call(ACME, () -> send("admin", "{renameCollection: 'app.invoices__acme', to: "
                + "'app.invoices__acme'}")));
    }

    @Test
    void indexDdlOnASharedCollectionIncludingTtlIsSchemaWorkForSystemScope() {
        String ttl = "{createIndexes: 'orders', indexes: [{key: {expiresAt: 1}, name: 'expiresAt_1', "
                + "expireAfterSeconds: 0}]}";
        flagged(asAcme(ttl), "collection-wide createIndexes on SHARED collection 'orders'");
        flagged(asAcme("{createIndexes: 'orders', indexes: [{key: {tenantId: 1, email: 1}, name: 'e', unique: "
                + "true}]}"), "collection-wide createIndexes");
        flagged(send("app", ttl), "collection-wide");
        // the library ensures declared indexes in system scope, with or without a tenant open inside it
        passes(Tenants.callAsSystem("ensure declared indexes", () -> send("app", ttl)));
        passes(Tenants.callAsSystem("ensure declared indexes", () -> Tenants.call(ACME, () -> send("app", ttl))));
        // a tenant's own collection: its indexes, TTL ones included, touch only its documents
        passes(asAcme("{createIndexes: 'invoices__acme', indexes: [{key: {expiresAt: 1}, name: 'x', "
                + "expireAfterSeconds: 0}]}"));
        flagged(asAcme("{createIndexes: 'invoices__globex', indexes: [{key: {x: 1}, name: 'x'}]}"), "'globex'");
    }

    @Test
    void aPerTenantNameEndingInTheSeparatorCannotHideTenantDataFromTheProbe() {
        assertThrows(IllegalArgumentException.class, () -> TenantDatabase.builder(CLIENT, "app")
                .collection("invoices_", IsolationStrategy.COLLECTION_PER_TENANT));
        flagged(asAcme("{find: 'invoices__globex', filter: {tenantId: 'acme'}}"), "'globex'");
        flagged(asAcme("{find: 'invoices__a__b', filter: {tenantId: 'acme'}}"), "tenant 'a__b'");
        assertEquals(List.of(), asAcme("{find: 'invoices___acme', filter: {}}"), "no tenant's collection");
        flagged(Tenants.call(ACME, () -> send("t_globex", "{find: 'ledgers', filter: {tenantId: 'acme'}}")),
                "'globex'");
    }

    @Test
    void theLibrarysOwnWatchPassesAndAnUnconfinedOneDoesNot() {
        String library = "{aggregate: 'orders', pipeline: [{$changeStream: {fullDocument: 'updateLookup'}}, {$match: "
                + "{$or: [{'fullDocument.tenantId': 'acme'}, {'fullDocumentBeforeChange.tenantId': 'acme'}, "
                + "{'documentKey.tenantId': 'acme'}]}}, {$project: {x: 1}}], cursor: {}}";
        passes(asAcme(library));
        passes(asAcme("{aggregate: 'invoices__acme', pipeline: [{$changeStream: {}}, {$match: {$or: "
                + "[{'fullDocument.tenantId': 'acme'}, {fullDocument: null}]}}], cursor: {}}"));
        flagged(asAcme("{aggregate: 'orders', pipeline: [{$changeStream: {}}, {$match: {$or: "
                + "[{'fullDocument.tenantId': 'acme'}, {fullDocument: null}]}}], cursor: {}}"), "change stream");
        flagged(asAcme("{aggregate: 'orders', pipeline: [{$changeStream: {}}], cursor: {}}"), "change stream");
        flagged(asAcme("{aggregate: 1, pipeline: [{$changeStream: {}}], cursor: {}}"), "database- or cluster-wide");
        flagged(Tenants.call(GLOBEX, () -> send("app", library)), "'globex'");
    }

    @Test
    void theScopeOnTheCallingThreadDecides() {
        String scoped = "{find: 'orders', filter: {tenantId: 'acme'}}";
        flagged(send("app", scoped), "no tenant is current on the calling thread");
        flagged(Tenants.call(GLOBEX, () -> send("app", scoped)), "lacks the equality tenantId == 'globex'");
        assertEquals(List.of(), Tenants.callAsSystem("report", () -> send("app", "{find: 'orders', filter: {}}")),
                "system scope with no tenant: declared cross-tenant work");
        assertEquals(1, probe.commandsChecked(), "and still counted");
        flagged(Tenants.callAsSystem("support", () -> Tenants.call(GLOBEX, () -> send("app", scoped))), "'globex'");
        passes(Tenants.callAsSystem("support", () -> Tenants.call(ACME, () -> send("app", scoped))));
    }

    @Test
    void aCursorIsReadOnlyByTheTenantItWasOpenedFor() {
        BsonDocument find = BsonDocument.parse("{find: 'orders', filter: {tenantId: 'acme'}, batchSize: 1}");
        int opened = requestIds.incrementAndGet();
        Tenants.run(ACME, () -> probe.commandStarted(new CommandStartedEvent(null, 1, opened, CONNECTION, "app",
                "find", find)));
        probe.commandSucceeded(new CommandSucceededEvent(null, 1, opened, CONNECTION, "app", "find",
                BsonDocument.parse("{cursor: {id: {$numberLong: '42'}, ns: 'app.orders', firstBatch: []}, ok: 1}"), 1));
        String getMore = "{getMore: {$numberLong: '42'}, collection: 'orders', batchSize: 1}";
        flagged(Tenants.call(GLOBEX, () -> send("app", getMore)), "opened for tenant 'acme'",
                "tenant 'globex' is current");
        flagged(send("app", getMore), "no tenant is current");
        passes(Tenants.call(ACME, () -> send("app", getMore)));
        passes(Tenants.callAsSystem("x", () -> send("app", getMore)));
        flagged(Tenants.call(GLOBEX, () -> send("app", "{getMore: {$numberLong: '7'}, collection: "
                + "'invoices__acme'}")), "holds the documents of tenant 'acme'");
    }

    @Test
    void aClientLevelBulkWriteIsJudgedOperationByOperation() {
        flagged(asAcme("{bulkWrite: 1, ops: [{insert: 0, document: {tenantId: 'acme'}}, {insert: 1, document: "
                + "{tenantId: 'globex'}}], nsInfo: [{ns: 'app.archive'}, {ns: 'app.orders'}]}"), "\"globex\"");
        flagged(asAcme("{bulkWrite: 1, ops: [{update: 0, filter: {}, updateMods: {$set: {x: 1}}, multi: true}], "
                + "nsInfo: [{ns: 'app.orders'}]}"), "bulkWrite update's filter");
        flagged(asAcme("{bulkWrite: 1, ops: [{delete: 0, filter: {tenantId: 'acme'}}], nsInfo: [{ns: "
                + "'app.invoices__globex'}]}"), "'globex'");
        passes(asAcme("{bulkWrite: 1, ops: [{update: 0, filter: {tenantId: 'acme'}, updateMods: {$inc: {n: 1}}}], "
                + "nsInfo: [{ns: 'app.orders'}]}"));
    }

    @Test
    void tenantrysOwnPipelineShapesPass() {
        passes(asAcme("{aggregate: 'orders', pipeline: [{$match: {$and: [{tenantId: 'acme'}, {deletedAt: null}]}}, "
                + "{$lookup: {from: 'customers', localField: 'c', foreignField: '_id', as: 'cs', pipeline: [{$match: "
                + "{tenantId: 'acme'}}]}}, {$facet: {n: [{$count: 'n'}]}}], cursor: {}}"));
        passes(asAcme("{aggregate: 'orders', pipeline: [{$match: {tenantId: 'acme'}}, {$lookup: {from: "
                + "'customers', localField: 'c', foreignField: '_id', as: 'cs'}}, {$addFields: {cs: {$filter: "
                + "{input: '$cs', as: 'tenantryJoined', cond: {$eq: ['$$tenantryJoined.tenantId', 'acme']}}}}}], "
                + "cursor: {}}"));
        flagged(asAcme("{aggregate: 'orders', pipeline: [{$match: {tenantId: 'acme'}}, {$lookup: {from: "
                + "'customers', localField: 'c', foreignField: '_id', as: 'cs'}}, {$addFields: {cs: {$filter: "
                + "{input: '$cs', as: 'j', cond: {$eq: ['$$j.tenantId', 'globex']}}}}}], cursor: {}}"),
                "$lookup into tenant data");
        passes(asAcme("{aggregate: 'orders', pipeline: [{$geoNear: {near: [0, 0], distanceField: 'd', query: "
                + "{tenantId: 'acme'}}}], cursor: {}}"));
        flagged(asAcme("{aggregate: 'orders', pipeline: [{$group: {_id: null, n: {$sum: 1}}}], cursor: {}}"),
                "does not start with");
        flagged(asAcme("{aggregate: 'orders', pipeline: [{$match: {tenantId: 'acme'}}, {$someFutureStage: {}}], "
                + "cursor: {}}"), "$someFutureStage");
        flagged(asAcme("{mapReduce: 'orders', map: 'f', reduce: 'g', out: {inline: 1}}"), "not one the probe can");
    }
}
