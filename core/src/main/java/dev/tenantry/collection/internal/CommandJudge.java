package dev.tenantry.collection.internal;

import com.mongodb.MongoNamespace;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * The isolation probe's rules, all in one place: whether one command, sent by a caller in a given scope, stays inside
 * that caller's tenant. It judges the command as sent (what the server will run), independently of how Tenantry
 * built it, so it checks Tenantry's own commands as much as an application's raw driver calls.
 *
 * <p>Who is judged: a caller with a current tenant is judged against that tenant (also inside system scope, except
 * that system scope may run collection-wide DDL); a caller in system scope with no tenant open is doing declared
 * cross-tenant work and is not judged; any other caller touching tenant data is a violation, for no tenant is current.
 *
 * <p>Stateless and thread-safe; the probe keeps the state (cursors) and asks {@link #getMore}.
 */
public final class CommandJudge {

    /** Stages that compute only from the documents flowing through them. */
    private static final Set<String> READS_INPUT = Set.of("$match", "$project", "$addFields", "$set", "$unset",
            "$sort", "$limit", "$skip", "$group", "$count", "$unwind", "$bucket", "$bucketAuto", "$sortByCount",
            "$replaceRoot", "$replaceWith", "$sample", "$redact", "$setWindowFields", "$densify", "$fill",
            "$documents");

    /** Collection-level commands that act on (or report on) the whole collection rather than on documents. */
    private static final Set<String> COLLECTION_DDL = Set.of("createIndexes", "dropIndexes", "listIndexes", "drop",
            "create", "collMod", "validate", "collStats", "compact", "reIndex", "convertToCapped",
            "cloneCollectionAsCapped", "createSearchIndexes", "dropSearchIndex", "updateSearchIndex",
            "shardCollection", "reshardCollection", "refineCollectionShardKey");

    private final TenantDatabase registry;
    private final String field;
    private final UpdateGuard updates;

    /** Judges commands on the collections registered in {@code registry}. */
    public CommandJudge(TenantDatabase registry) {
        this.registry = registry;
        this.field = registry.getTenantField();
        this.updates = new UpdateGuard(field);
    }

    /**
     * Who sent a command: the tenant current on the calling thread, if any, and whether it runs in system scope.
     *
     * @param tenant the current tenant, or null
     * @param system whether the thread is in system scope
     */
    public record Caller(@Nullable TenantId tenant, boolean system) {

        /** Whether this caller may do anything: system scope with no tenant opened inside it. */
        boolean crossTenant() {
            return system && tenant == null;
        }
    }

    /**
     * The verdict on one command.
     *
     * @param touched whether the command reads, writes or describes tenant data (and so was judged)
     * @param problems what makes it unscoped, one message each; empty if it is scoped
     */
    public record Verdict(boolean touched, List<String> problems) {
        static final Verdict UNTOUCHED = new Verdict(false, List.of());
    }

    /** The verdict on {@code command}, sent to {@code database} by {@code caller}. */
    public Verdict judge(String database, String name, BsonDocument command, Caller caller) {
        Judgement j = new Judgement(database, caller);
        j.command(name, command);
        return new Verdict(j.touched, List.copyOf(j.problems));
    }

    /**
     * The problem with reading (on {@code namespace}) a cursor that was opened for {@code owner} (null: in system
     * scope with no tenant), or null if there is none.
     */
    public @Nullable String getMore(@Nullable TenantId owner, Caller caller) {
        if (caller.system) {
            return null;
        }
        if (owner == null) {
            return "a cursor opened in system scope (cross-tenant results) is read outside it"
                    + (caller.tenant == null ? "" : ", where tenant '" + caller.tenant + "' is current");
        }
        if (!owner.equals(caller.tenant)) {
            return "a cursor opened for tenant '" + owner + "' is read where " + (caller.tenant == null
                    ? "no tenant is current" : "tenant '" + caller.tenant + "' is current");
        }
        return null;
    }

    /** Where a namespace sits in the registry. */
    private record Target(MongoNamespace namespace, String logical, IsolationStrategy strategy,
                          @Nullable TenantId owner) {
    }

    private @Nullable Target target(@Nullable MongoNamespace namespace) {
        if (namespace == null) {
            return null;
        }
        Optional<String> logical = registry.logicalNameOf(namespace);
        if (logical.isEmpty()) {
            return null;
        }
        return new Target(namespace, logical.get(), registry.getIsolation(logical.get()),
                registry.tenantOf(namespace).orElse(null));
    }

    private static @Nullable MongoNamespace namespace(String database, @Nullable BsonValue name) {
        if (name == null) {
            return null;
        }
        if (name.isString()) {
            String value = name.asString().getValue();
            return value.isEmpty() ? null : new MongoNamespace(database, value);
        }
        if (name.isDocument()) { // {db: ..., coll: ...}, as $out, $merge and cross-database $lookup take
            BsonDocument spec = name.asDocument();
            BsonValue db = spec.get("db");
            BsonValue coll = spec.get("coll");
            if (coll != null && coll.isString()) {
                return new MongoNamespace(db != null && db.isString() ? db.asString().getValue() : database,
                        coll.asString().getValue());
            }
        }
        return null;
    }

    /** One command's judgement: collects problems as it walks the command. Not thread-safe; used once. */
    private final class Judgement {
        private final String database;
        private final Caller caller;
        private final List<String> problems = new ArrayList<>();
        private boolean touched;

        Judgement(String database, Caller caller) {
            this.database = database;
            this.caller = caller;
        }

        private void problem(String message) {
            if (!problems.contains(message)) {
                problems.add(message);
            }
        }

        /**
         * Notes that {@code target} is touched and returns the tenant the command must stay in, or null when it is
         * not judged further (cross-tenant system work, or a problem already recorded).
         */
        private @Nullable TenantId enter(Target target) {
            touched = true;
            if (caller.crossTenant()) {
                return null;
            }
            TenantId tenant = caller.tenant;
            if (tenant == null) {
                problem("no tenant is current on the calling thread (and it is not in system scope), so nothing "
                        + "confines this command on tenant data in " + target.namespace);
                return null;
            }
            if (target.owner != null && !target.owner.equals(tenant)) {
                problem("namespace " + target.namespace + " holds the documents of tenant '" + target.owner
                        + "', but tenant '" + tenant + "' is current");
                return null;
            }
            return tenant;
        }

        void command(String name, BsonDocument command) {
            BsonValue subject = command.get(name);
            switch (name) {
                case "explain":
                    if (subject != null && subject.isDocument() && !subject.asDocument().isEmpty()) {
                        BsonDocument inner = subject.asDocument();
                        command(inner.getFirstKey(), inner);
                    }
                    return;
                case "getMore":
                    getMore(command.get("collection"));
                    return;
                case "killCursors":
                    return; // ends cursors; reads nothing
                case "bulkWrite":
                    clientBulkWrite(command);
                    return;
                case "dropDatabase":
                    dropDatabase();
                    return;
                case "renameCollection":
                    rename(command);
                    return;
                case "aggregate":
                    if (subject != null && !subject.isString()) {
                        databasePipeline(command);
                        return;
                    }
                    break;
                default:
                    break;
            }
            if (subject == null || !subject.isString()) {
                return; // a database- or server-level command that names no collection
            }
            Target target = target(namespace(database, subject));
            if (target == null) {
                if ("aggregate".equals(name)) { // joins from elsewhere into tenant data
                    pipeline(command.get("pipeline"), false, null, collated(command.get("collation")));
                }
                return;
            }
            if (COLLECTION_DDL.contains(name)) {
                ddl(name, target);
                return;
            }
            TenantId tenant = enter(target);
            if (tenant == null) {
                return;
            }
            boolean exact = collated(command.get("collation"));
            switch (name) {
                case "find":
                    filter("find's filter", command.get("filter"), tenant, exact);
                    break;
                case "count":
                case "distinct":
                    filter(name + "'s query", command.get("query"), tenant, exact);
                    break;
                case "findAndModify":
                    filter("findAndModify's query", command.get("query"), tenant, exact);
                    BsonValue update = command.get("update");
                    if (update != null) {
                        update("findAndModify's update", update, tenant);
                    }
                    break;
                case "insert":
                    documents(command.get("documents"), tenant);
                    break;
                case "update":
                    for (BsonDocument statement : statements(command.get("updates"), "update")) {
                        filter("an update statement's filter (q)", statement.get("q"), tenant,
                                collated(statement.get("collation")));
                        BsonValue u = statement.get("u");
                        if (u != null) {
                            update("an update statement's update (u)", u, tenant);
                        }
                    }
                    break;
                case "delete":
                    for (BsonDocument statement : statements(command.get("deletes"), "delete")) {
                        filter("a delete statement's filter (q)", statement.get("q"), tenant,
                                collated(statement.get("collation")));
                    }
                    break;
                case "aggregate":
                    collectionPipeline(command.get("pipeline"), target, tenant, exact);
                    break;
                default:
                    problem("command '" + name + "' on tenant data is not one the probe can check; an unchecked "
                            + "command is not a scoped one");
            }
        }

        /**
         * A later batch of a cursor on {@code collection}: one on a per-tenant namespace is that tenant's. Whose a
         * cursor on a SHARED one is, only the probe can tell, from the command that opened it (see
         * {@link CommandJudge#getMore(TenantId, Caller)}).
         */
        private void getMore(@Nullable BsonValue collection) {
            Target target = target(namespace(database, collection));
            if (target != null && target.owner != null) {
                enter(target);
            }
        }

        private List<BsonDocument> statements(@Nullable BsonValue value, String kind) {
            List<BsonDocument> out = new ArrayList<>();
            if (value == null || !value.isArray()) {
                problem("the " + kind + " command has no statements the probe can read");
                return out;
            }
            for (BsonValue statement : value.asArray()) {
                if (statement.isDocument()) {
                    out.add(statement.asDocument());
                } else {
                    problem("an " + kind + " statement is not a document");
                }
            }
            return out;
        }

        // ------------------------------------------------------------ collection-wide and database-wide commands

        private void ddl(String name, Target target) {
            touched = true;
            if (caller.system) {
                return; // schema work (e.g. the library ensuring declared indexes) runs in system scope
            }
            if (target.strategy == IsolationStrategy.SHARED) {
                problem("collection-wide " + name + " on SHARED collection '" + target.logical + "' acts for every "
                        + "tenant" + (name.contains("Index") ? "; declare indexes on the TenantDatabase builder, or "
                        + "run index DDL in system scope" : "; run it in system scope"));
                return;
            }
            enter(target); // a tenant's own collection: its DDL is its own, if it is the current tenant's
        }

        private void dropDatabase() {
            boolean shared = false;
            TenantId owner = null;
            for (String logical : registry.getCollectionNames()) {
                IsolationStrategy strategy = registry.getIsolation(logical);
                if (strategy != IsolationStrategy.DATABASE_PER_TENANT) {
                    shared |= database.equals(registry.getName()); // SHARED and per-tenant collections live there
                    continue;
                }
                Target target = target(new MongoNamespace(database, logical));
                if (target != null) {
                    owner = target.owner;
                }
            }
            if (!shared && owner == null) {
                return;
            }
            touched = true;
            if (caller.system) {
                return;
            }
            if (shared) {
                problem("dropDatabase of '" + database + "' drops every tenant's collections; run it in system "
                        + "scope");
            } else {
                enter(new Target(new MongoNamespace(database, "*"), "*", IsolationStrategy.DATABASE_PER_TENANT,
                        owner));
            }
        }

        private void rename(BsonDocument command) {
            MongoNamespace from = fullName(command.get("renameCollection"));
            MongoNamespace to = fullName(command.get("to"));
            Target source = target(from);
            Target destination = target(to);
            if (source == null && destination == null) {
                return;
            }
            touched = true;
            if (caller.system) {
                return;
            }
            if (source == null || destination == null || source.owner == null || destination.owner == null
                    || !source.owner.equals(destination.owner)) {
                problem("renameCollection from " + from + " to " + to + " moves documents into or out of tenant "
                        + "data as a whole; run it in system scope");
                return;
            }
            enter(source);
        }

        private @Nullable MongoNamespace fullName(@Nullable BsonValue value) {
            if (value == null || !value.isString() || value.asString().getValue().indexOf('.') < 1) {
                return null;
            }
            return new MongoNamespace(value.asString().getValue());
        }

        /** The client-level bulkWrite of MongoDB 8.0: operations on any namespaces, named in nsInfo. */
        private void clientBulkWrite(BsonDocument command) {
            BsonValue ops = command.get("ops");
            BsonValue nsInfo = command.get("nsInfo");
            if (ops == null || !ops.isArray() || nsInfo == null || !nsInfo.isArray()) {
                return;
            }
            BsonArray namespaces = nsInfo.asArray();
            for (BsonValue value : ops.asArray()) {
                if (!value.isDocument() || value.asDocument().isEmpty()) {
                    continue;
                }
                BsonDocument op = value.asDocument();
                String kind = op.getFirstKey();
                BsonValue index = op.get(kind);
                if (index == null || !index.isNumber() || index.asNumber().intValue() >= namespaces.size()
                        || !namespaces.get(index.asNumber().intValue()).isDocument()) {
                    problem("a bulkWrite operation names no namespace the probe can read");
                    continue;
                }
                BsonValue ns = namespaces.get(index.asNumber().intValue()).asDocument().get("ns");
                Target target = target(fullName(ns));
                if (target == null) {
                    continue;
                }
                TenantId tenant = enter(target);
                if (tenant == null) {
                    continue;
                }
                switch (kind) {
                    case "insert":
                        document("a bulkWrite insert", op.get("document"), tenant);
                        break;
                    case "update":
                        filter("a bulkWrite update's filter", op.get("filter"), tenant, collated(op.get("collation")));
                        BsonValue mods = op.get("updateMods");
                        if (mods != null) {
                            update("a bulkWrite update's updateMods", mods, tenant);
                        }
                        break;
                    case "delete":
                        filter("a bulkWrite delete's filter", op.get("filter"), tenant, collated(op.get("collation")));
                        break;
                    default:
                        problem("bulkWrite operation '" + kind + "' on tenant data is not one the probe can check");
                }
            }
        }

        // ------------------------------------------------------------ filters and documents

        /** Records a problem unless {@code value} confines to {@code tenant}, collation-immune when {@code exact}. */
        private void filter(String what, @Nullable BsonValue value, TenantId tenant, boolean exact) {
            if (value == null || !value.isDocument()) {
                problem(what + " is missing, so it does not confine to tenant '" + tenant + "'");
                return;
            }
            Pins pins = new Pins();
            pins.collect(value.asDocument(), tenant);
            if (!pins.equality) {
                String other = otherTenant(value.asDocument());
                problem(what + " lacks the equality " + field + " == '" + tenant + "' at its top level (or in a "
                        + "top-level $and)" + (other == null ? "" : "; it names tenant '" + other + "' instead"));
            } else if (exact && !pins.exact) {
                problem(what + " carries a collation but lacks the collation-immune match " + field + ": /^" + tenant
                        + "$/; a collation can make distinct tenant ids compare equal");
            }
        }

        /** Which clauses pin the tenant field in a filter's top level and its top-level {@code $and}s. */
        private final class Pins {
            boolean equality;
            boolean exact;

            void collect(BsonDocument filter, TenantId tenant) {
                BsonValue value = filter.get(field);
                if (value != null) {
                    BsonValue eq = value.isDocument() && value.asDocument().size() == 1
                            ? value.asDocument().get("$eq") : value;
                    equality |= new BsonString(tenant.value()).equals(eq);
                    exact |= anchored(value, tenant);
                }
                BsonValue and = filter.get("$and");
                if (and != null && and.isArray()) {
                    for (BsonValue clause : and.asArray()) {
                        if (clause.isDocument()) {
                            collect(clause.asDocument(), tenant);
                        }
                    }
                }
            }
        }

        private boolean anchored(BsonValue value, TenantId tenant) {
            String pattern = "^" + tenant.value() + "$";
            if (value instanceof BsonRegularExpression) {
                return ((BsonRegularExpression) value).getPattern().equals(pattern);
            }
            if (value.isDocument()) {
                BsonValue regex = value.asDocument().get("$regex");
                return regex != null && (regex.isString() && regex.asString().getValue().equals(pattern)
                        || regex instanceof BsonRegularExpression
                        && ((BsonRegularExpression) regex).getPattern().equals(pattern));
            }
            return false;
        }

        /** A tenant id a filter pins instead, for the message. */
        private @Nullable String otherTenant(BsonDocument filter) {
            BsonValue value = filter.get(field);
            if (value != null && value.isString()) {
                return value.asString().getValue();
            }
            BsonValue and = filter.get("$and");
            if (and != null && and.isArray()) {
                for (BsonValue clause : and.asArray()) {
                    String other = clause.isDocument() ? otherTenant(clause.asDocument()) : null;
                    if (other != null) {
                        return other;
                    }
                }
            }
            return null;
        }

        private void documents(@Nullable BsonValue documents, TenantId tenant) {
            if (documents == null || !documents.isArray()) {
                problem("the insert command has no documents the probe can read");
                return;
            }
            for (BsonValue document : documents.asArray()) {
                document("an inserted document", document, tenant);
            }
        }

        private void document(String what, @Nullable BsonValue document, TenantId tenant) {
            BsonValue value = document != null && document.isDocument() ? document.asDocument().get(field) : null;
            if (!new BsonString(tenant.value()).equals(value)) {
                problem(what + " has " + field + " " + (value == null ? "missing" : value.isString() ? "\""
                        + value.asString().getValue() + "\"" : "of type " + value.getBsonType()) + ", not '" + tenant
                        + "'");
            }
        }

        // ------------------------------------------------------------ updates

        /**
         * An update as sent: a replacement must carry the tenant; operators and pipelines are held to
         * {@link UpdateGuard}'s rule (the tenant field is never touched), except that setting it to the current
         * tenant with {@code $set}/{@code $setOnInsert} changes nothing and passes.
         */
        private void update(String what, BsonValue update, TenantId tenant) {
            try {
                if (update.isArray()) {
                    List<BsonDocument> stages = stages(update);
                    if (stages == null) {
                        problem(what + " is not a pipeline the probe can read");
                    } else {
                        updates.checkPipeline(stages);
                    }
                } else if (update.isDocument() && !update.asDocument().isEmpty()) {
                    BsonDocument doc = update.asDocument();
                    if (doc.getFirstKey().startsWith("$")) {
                        updates.checkUpdate(withoutOwnTenant(doc, tenant));
                    } else {
                        document(what + " (a replacement)", doc, tenant);
                    }
                }
            } catch (TenantViolationException | IllegalArgumentException e) {
                problem(what + ": " + e.getMessage());
            }
        }

        /** {@code update} without {@code $set}/{@code $setOnInsert} of the tenant field to the current tenant. */
        private BsonDocument withoutOwnTenant(BsonDocument update, TenantId tenant) {
            BsonDocument out = new BsonDocument();
            for (Map.Entry<String, BsonValue> operator : update.entrySet()) {
                BsonValue paths = operator.getValue();
                boolean sets = "$set".equals(operator.getKey()) || "$setOnInsert".equals(operator.getKey());
                if (sets && paths.isDocument() && new BsonString(tenant.value()).equals(paths.asDocument()
                        .get(field))) {
                    BsonDocument rest = paths.asDocument().clone();
                    rest.remove(field);
                    if (!rest.isEmpty()) {
                        out.put(operator.getKey(), rest);
                    }
                } else {
                    out.put(operator.getKey(), paths);
                }
            }
            return out.isEmpty() ? new BsonDocument("$set", new BsonDocument()) : out;
        }

        // ------------------------------------------------------------ pipelines

        /** A pipeline on a registered collection: it must lead with the tenant match (or be the tenant's watch). */
        private void collectionPipeline(@Nullable BsonValue value, Target target, TenantId tenant, boolean exact) {
            List<BsonDocument> stages = stages(value);
            if (stages == null) {
                problem("the pipeline is not one the probe can read");
                return;
            }
            if (!stages.isEmpty() && "$changeStream".equals(stages.get(0).getFirstKey())) {
                changeStream(stages, target, tenant);
                return;
            }
            if (!leads(stages, tenant, exact)) {
                problem("the pipeline does not start with a $match (or $geoNear query) confining to tenant '"
                        + tenant + "'" + (exact ? ", collation-immune," : ""));
            }
            walk(stages, true, tenant, exact);
        }

        /** An {@code aggregate: 1} pipeline: it reads no collection of its own, but may join or write tenant data. */
        private void databasePipeline(BsonDocument command) {
            List<BsonDocument> stages = stages(command.get("pipeline"));
            if (stages == null) {
                return;
            }
            if (!stages.isEmpty() && "$changeStream".equals(stages.get(0).getFirstKey()) && holdsTenantData()) {
                touched = true;
                if (!caller.system) {
                    problem("a database- or cluster-wide change stream on '" + database + "' sees every tenant's "
                            + "changes; watch a tenant-scoped collection instead, or run it in system scope");
                }
                return;
            }
            pipeline(command.get("pipeline"), false, null, collated(command.get("collation")));
        }

        private boolean holdsTenantData() {
            if ("admin".equals(database) || database.equals(registry.getName())) {
                return true;
            }
            for (String logical : registry.getCollectionNames()) {
                if (target(new MongoNamespace(database, logical)) != null) {
                    return true;
                }
            }
            return false;
        }

        /** Walks a pipeline whose source is not tenant data (or is judged already) for joins and writes. */
        private void pipeline(@Nullable BsonValue value, boolean tenantData, @Nullable TenantId tenant,
                              boolean exact) {
            List<BsonDocument> stages = stages(value);
            if (stages != null) {
                walk(stages, tenantData, tenant, exact);
            }
        }

        /** Checks a change stream's tenant match: events attributed to the tenant only. */
        private void changeStream(List<BsonDocument> stages, Target target, TenantId tenant) {
            BsonValue match = stages.size() > 1 ? stages.get(1).get("$match") : null;
            if (match == null || !match.isDocument() || !eventsConfined(match.asDocument(), target, tenant)) {
                problem("the change stream does not confine events to tenant '" + tenant + "' with a $match right "
                        + "after $changeStream on fullDocument." + field + ", fullDocumentBeforeChange." + field
                        + " or documentKey." + field);
            }
            walk(stages.subList(1, stages.size()), true, tenant, false);
        }

        private boolean eventsConfined(BsonDocument match, Target target, TenantId tenant) {
            BsonValue or = match.get("$or");
            if (or == null) {
                return eventBranch(match, target, tenant);
            }
            if (match.size() != 1 || !or.isArray() || or.asArray().isEmpty()) {
                return false;
            }
            for (BsonValue branch : or.asArray()) {
                if (!branch.isDocument() || !eventBranch(branch.asDocument(), target, tenant)) {
                    return false;
                }
            }
            return true;
        }

        private boolean eventBranch(BsonDocument branch, Target target, TenantId tenant) {
            BsonString own = new BsonString(tenant.value());
            for (String path : List.of("fullDocument.", "fullDocumentBeforeChange.", "documentKey.")) {
                if (own.equals(branch.get(path + field))) {
                    return true;
                }
            }
            // events with no document (drop, rename) of a collection that only this tenant's documents are in
            return target.owner != null && branch.size() == 1 && branch.containsKey("fullDocument")
                    && branch.get("fullDocument").isNull();
        }

        private boolean leads(List<BsonDocument> stages, TenantId tenant, boolean exact) {
            if (stages.isEmpty()) {
                return false;
            }
            BsonDocument first = stages.get(0);
            String name = first.getFirstKey();
            BsonValue filter = "$match".equals(name) ? first.get(name)
                    : "$geoNear".equals(name) && PlainBson.firstValue(first).isDocument()
                            ? first.getDocument(name).get("query")
                    : null;
            if (filter == null || !filter.isDocument()) {
                return false;
            }
            Pins pins = new Pins();
            pins.collect(filter.asDocument(), tenant);
            return pins.equality && (!exact || pins.exact);
        }

        /**
         * Walks stages: every join into tenant data confined to the tenant, no write into tenant data, no tenant data
         * written out; on tenant data, only stages the probe knows.
         */
        private void walk(List<BsonDocument> stages, boolean tenantData, @Nullable TenantId tenant, boolean exact) {
            for (int i = 0; i < stages.size(); i++) {
                BsonDocument stage = stages.get(i);
                String name = stage.getFirstKey();
                BsonValue spec = PlainBson.firstValue(stage);
                switch (name) {
                    case "$lookup":
                        lookup(spec, i + 1 < stages.size() ? stages.get(i + 1) : null, tenant, exact);
                        break;
                    case "$graphLookup":
                        graphLookup(spec, exact);
                        break;
                    case "$unionWith":
                        unionWith(spec, tenant, exact);
                        break;
                    case "$facet":
                        if (spec.isDocument()) {
                            for (BsonValue facet : spec.asDocument().values()) {
                                pipeline(facet, tenantData, tenant, exact);
                            }
                        }
                        break;
                    case "$out":
                    case "$merge":
                        write(name, "$merge".equals(name) && spec.isDocument() ? spec.asDocument().get("into") : spec,
                                tenantData);
                        break;
                    case "$geoNear":
                    case "$changeStream":
                        break; // must lead, where the caller checks them
                    default:
                        if (tenantData && !READS_INPUT.contains(name)) {
                            problem("stage " + name + " runs on tenant data and is not one the probe knows to stay "
                                    + "inside the tenant");
                        }
                }
            }
        }

        /** Whether {@code name} (a join's or write's target) is tenant data. */
        private boolean tenantData(@Nullable BsonValue name) {
            return target(namespace(database, name)) != null;
        }

        /** Enters a joined collection that holds tenant data: the tenant to confine it to, or null if not judged. */
        private @Nullable TenantId joined(@Nullable BsonValue from) {
            Target target = target(namespace(database, from));
            return target == null ? null : enter(target);
        }

        private void lookup(BsonValue value, @Nullable BsonDocument next, @Nullable TenantId outer,
                            boolean exact) {
            if (!value.isDocument()) {
                return;
            }
            BsonDocument spec = value.asDocument();
            BsonValue from = spec.get("from");
            List<BsonDocument> inner = stages(spec.get("pipeline"));
            boolean intoTenantData = tenantData(from);
            TenantId tenant = intoTenantData ? joined(from) : null;
            if (intoTenantData && tenant != null) {
                boolean confined = inner != null && leads(inner, tenant, exact)
                        || inner == null && filteredAfter(spec.get("as"), next, tenant, exact);
                if (!confined) {
                    problem("a $lookup into tenant data (" + name(from) + ") is confined neither by a pipeline leading "
                            + "with the tenant match nor by filtering the joined array to tenant '" + tenant + "'");
                }
            }
            if (inner != null) {
                walk(inner, intoTenantData, intoTenantData ? tenant : outer, exact);
            }
        }

        /** Whether {@code next} is {@code $addFields: {<as>: {$filter: {input: "$<as>", cond: tenant}}}}. */
        private boolean filteredAfter(@Nullable BsonValue as, @Nullable BsonDocument next, TenantId tenant,
                                      boolean exact) {
            if (as == null || !as.isString() || next == null || !next.containsKey("$addFields")
                    || !next.get("$addFields").isDocument()) {
                return false;
            }
            BsonValue replaced = next.getDocument("$addFields").get(as.asString().getValue());
            BsonValue filter = replaced != null && replaced.isDocument() ? replaced.asDocument().get("$filter") : null;
            if (filter == null || !filter.isDocument()) {
                return false;
            }
            BsonDocument spec = filter.asDocument();
            BsonValue variable = spec.get("as");
            String name = variable != null && variable.isString() ? variable.asString().getValue() : "this";
            if (!new BsonString("$" + as.asString().getValue()).equals(spec.get("input"))) {
                return false;
            }
            ExpressionPins pins = new ExpressionPins("$$" + name + "." + field, tenant);
            pins.collect(spec.get("cond"));
            return pins.equality && (!exact || pins.exact);
        }

        private void graphLookup(BsonValue value, boolean exact) {
            if (!value.isDocument()) {
                return;
            }
            BsonDocument spec = value.asDocument();
            if (!tenantData(spec.get("from"))) {
                return;
            }
            TenantId tenant = joined(spec.get("from"));
            if (tenant != null) {
                filter("$graphLookup's restrictSearchWithMatch into " + name(spec.get("from")),
                        spec.get("restrictSearchWithMatch"), tenant, exact);
            }
        }

        private void unionWith(BsonValue value, @Nullable TenantId outer, boolean exact) {
            BsonValue coll = value.isDocument() ? value.asDocument().get("coll") : value;
            List<BsonDocument> inner = value.isDocument() ? stages(value.asDocument().get("pipeline")) : null;
            boolean intoTenantData = tenantData(coll);
            TenantId tenant = intoTenantData ? joined(coll) : null;
            if (intoTenantData && tenant != null && (inner == null || !leads(inner, tenant, exact))) {
                problem("a $unionWith of tenant data (" + name(coll) + ") has no pipeline leading with the match on "
                        + "tenant '" + tenant + "'");
            }
            if (inner != null) {
                walk(inner, intoTenantData, intoTenantData ? tenant : outer, exact);
            }
        }

        private void write(String stage, @Nullable BsonValue into, boolean tenantData) {
            MongoNamespace ns = namespace(database, into);
            Target target = target(ns);
            if (target == null && !tenantData) {
                return;
            }
            touched = true;
            if (caller.crossTenant()) {
                return;
            }
            problem(target != null ? stage + " writes aggregation results into tenant data (" + ns + "), past every "
                    + "check on documents" : stage + " copies tenant data out of the tenant's scope, into " + ns);
        }

        private String name(@Nullable BsonValue collection) {
            MongoNamespace ns = namespace(database, collection);
            return ns == null ? String.valueOf(collection) : ns.getFullName();
        }

        private @Nullable List<BsonDocument> stages(@Nullable BsonValue value) {
            if (value == null || !value.isArray()) {
                return null;
            }
            List<BsonDocument> out = new ArrayList<>();
            for (BsonValue stage : value.asArray()) {
                if (!stage.isDocument() || stage.asDocument().isEmpty()) {
                    return null;
                }
                out.add(stage.asDocument());
            }
            return out;
        }
    }

    /** Whether a command's collation can make distinct strings compare equal (any but the simple one). */
    private static boolean collated(@Nullable BsonValue collation) {
        if (collation == null || !collation.isDocument() || collation.asDocument().isEmpty()) {
            return false;
        }
        BsonValue locale = collation.asDocument().get("locale");
        return locale == null || !new BsonString("simple").equals(locale);
    }

    /**
     * Which aggregation expressions pin {@code $$var.<field>} to the tenant in a {@code $filter} condition: an
     * {@code $eq} (and, for collation immunity, a {@code $regexMatch} on {@code ^T$}), found through {@code $and}.
     */
    private static final class ExpressionPins {
        private final BsonString variable;
        private final BsonString tenant;
        private final String pattern;
        boolean equality;
        boolean exact;

        ExpressionPins(String variable, TenantId tenant) {
            this.variable = new BsonString(variable);
            this.tenant = new BsonString(tenant.value());
            this.pattern = "^" + tenant.value() + "$";
        }

        void collect(@Nullable BsonValue expression) {
            if (expression == null || !expression.isDocument() || expression.asDocument().size() != 1) {
                return;
            }
            BsonDocument e = expression.asDocument();
            String op = e.getFirstKey();
            BsonValue args = PlainBson.firstValue(e);
            if ("$and".equals(op) && args.isArray()) {
                args.asArray().forEach(this::collect);
            } else if ("$eq".equals(op) && args.isArray() && args.asArray().size() == 2) {
                List<BsonValue> both = args.asArray().getValues();
                equality |= both.contains(variable) && both.contains(tenant);
            } else if ("$regexMatch".equals(op) && args.isDocument()) {
                BsonValue regex = args.asDocument().get("regex");
                exact |= regex != null && regex.isString() && regex.asString().getValue().equals(pattern)
                        && args.asDocument().toJson().contains(variable.getValue());
            }
        }
    }
}
