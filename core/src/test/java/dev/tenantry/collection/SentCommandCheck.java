package dev.tenantry.collection;

import com.mongodb.MongoNamespace;
import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.collection.internal.UpdateGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A strict judge of the commands a client sent, for tests: each must stay inside one tenant, exactly. It captures every
 * command (a {@link CommandListener}) and judges a captured command against the tenant it must belong to and the
 * physical namespaces that tenant owns: filters carry the equality on that tenant's id (not any id), inserted and
 * replacement documents name it, updates do not touch the tenant field, pipelines start with the tenant match and join
 * only the tenant's own collections, index keys lead with the tenant, and nothing names another namespace.
 */
final class SentCommandCheck implements CommandListener {

    /** Commands that touch no collection. */
    private static final Set<String> HARMLESS = Set.of("ping", "hello", "isMaster", "ismaster", "buildInfo",
            "buildinfo", "endSessions", "getLastError");

    /** One captured command. */
    record Sent(String name, String database, BsonDocument command) {
        @Override
        public String toString() {
            String json = command.toJson();
            return name + " on " + database + ": " + (json.length() > 600 ? json.substring(0, 600) + "..." : json);
        }
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final String field;

    SentCommandCheck(String field) {
        this.field = field;
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        sent.add(new Sent(event.getCommandName(), event.getDatabaseName(), event.getCommand().clone()));
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
    }

    /** The commands captured since the last call, which forgets them. */
    List<Sent> drain() {
        List<Sent> out = new ArrayList<>(sent);
        sent.removeAll(out);
        return out;
    }

    /**
     * What is wrong with {@code command} for {@code tenant}, who owns {@code own} (physical namespaces); empty if
     * nothing.
     */
    List<String> problems(Sent command, TenantId tenant, Set<MongoNamespace> own) {
        List<String> problems = new ArrayList<>();
        String name = command.name();
        BsonDocument cmd = command.command();
        if (HARMLESS.contains(name)) {
            return problems;
        }
        BsonValue target = "getMore".equals(name) ? cmd.get("collection") : cmd.get(name);
        if (target == null || !target.isString()) {
            problems.add(name + " names no collection (database-level command)");
            return problems;
        }
        MongoNamespace ns = new MongoNamespace(command.database(), target.asString().getValue());
        if (!own.contains(ns)) {
            problems.add(name + " on " + ns + ", which is not one of " + tenant + "'s namespaces " + own);
        }
        String t = tenant.value();
        switch (name) {
            case "find":
                scoped(problems, "filter", cmd.get("filter"), t);
                break;
            case "count":
            case "distinct":
            case "findAndModify":
                scoped(problems, "query", cmd.get("query"), t);
                if (cmd.containsKey("update")) {
                    update(problems, cmd.get("update"), t);
                }
                break;
            case "insert":
                for (BsonValue doc : array(cmd, "documents")) {
                    named(problems, "inserted document", doc.asDocument(), t);
                }
                break;
            case "update":
                for (BsonValue statement : array(cmd, "updates")) {
                    scoped(problems, "update filter", statement.asDocument().get("q"), t);
                    update(problems, statement.asDocument().get("u"), t);
                }
                break;
            case "delete":
                for (BsonValue statement : array(cmd, "deletes")) {
                    scoped(problems, "delete filter", statement.asDocument().get("q"), t);
                }
                break;
            case "aggregate":
                pipeline(problems, array(cmd, "pipeline"), t, ns, own, true);
                break;
            case "createIndexes":
                for (BsonValue index : array(cmd, "indexes")) {
                    BsonDocument spec = index.asDocument();
                    BsonDocument key = spec.getDocument("key", new BsonDocument());
                    boolean ttl = spec.containsKey("expireAfterSeconds") && key.size() == 1;
                    if (!ttl && (key.isEmpty() || !key.getFirstKey().equals(field))) {
                        problems.add("index " + spec.get("name") + " does not lead with " + field);
                    }
                }
                break;
            case "listIndexes":
            case "dropIndexes":
            case "getMore":
            case "killCursors":
                break;
            default:
                problems.add("command " + name + " is not one this check knows");
        }
        return problems;
    }

    private static BsonArray array(BsonDocument cmd, String key) {
        BsonValue value = cmd.get(key);
        return value != null && value.isArray() ? value.asArray() : new BsonArray();
    }

    /** Whether {@code filter} requires {@code field} to equal {@code tenant} exactly, at its top or in an $and. */
    boolean confines(BsonValue filter, String tenant) {
        if (filter == null || !filter.isDocument()) {
            return false;
        }
        BsonDocument doc = filter.asDocument();
        BsonValue equality = doc.get(field);
        if (equality != null && equality.isString() && equality.asString().getValue().equals(tenant)) {
            return true;
        }
        BsonValue and = doc.get("$and");
        if (and != null && and.isArray()) {
            for (BsonValue clause : and.asArray()) {
                if (confines(clause, tenant)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void scoped(List<String> problems, String what, BsonValue filter, String tenant) {
        if (!confines(filter, tenant)) {
            problems.add(what + " does not confine " + field + " to '" + tenant + "': " + filter);
        }
    }

    private void named(List<String> problems, String what, BsonDocument doc, String tenant) {
        BsonValue named = doc.get(field);
        if (named == null || !named.isString() || !named.asString().getValue().equals(tenant)) {
            problems.add(what + " names " + named + " in " + field + ", not '" + tenant + "'");
        }
    }

    private void update(List<String> problems, BsonValue u, String tenant) {
        UpdateGuard guard = new UpdateGuard(field);
        try {
            if (u.isArray()) {
                List<BsonDocument> stages = new ArrayList<>();
                u.asArray().forEach(stage -> stages.add(stage.asDocument()));
                guard.checkPipeline(stages);
            } else if (!u.asDocument().isEmpty() && u.asDocument().getFirstKey().startsWith("$")) {
                guard.checkUpdate(u.asDocument());
            } else {
                named(problems, "replacement", u.asDocument(), tenant);
            }
        } catch (TenantViolationException | IllegalArgumentException e) {
            problems.add("update " + u + " was sent although: " + e.getMessage());
        }
    }

    private void pipeline(List<String> problems, BsonArray stages, String tenant, MongoNamespace ns,
                          Set<MongoNamespace> own, boolean mustLead) {
        int start = 0;
        if (mustLead) {
            BsonDocument first = stages.isEmpty() ? new BsonDocument() : stages.get(0).asDocument();
            if (first.containsKey("$changeStream")) {
                BsonDocument match = stages.size() > 1 ? stages.get(1).asDocument().getDocument("$match",
                        new BsonDocument()) : new BsonDocument();
                BsonValue or = match.get("$or");
                boolean events = or != null && or.isArray() && !or.asArray().isEmpty();
                if (events) {
                    for (BsonValue clause : or.asArray()) {
                        BsonValue value = clause.asDocument().values().iterator().next();
                        events &= value.isNull() || value.isString() && value.asString().getValue().equals(tenant);
                    }
                }
                if (!events) {
                    problems.add("change stream does not match events to '" + tenant + "' first: " + stages);
                }
                start = 2;
            } else if (first.containsKey("$geoNear")) {
                scoped(problems, "$geoNear query", first.getDocument("$geoNear").get("query"), tenant);
                start = 1;
            } else {
                scoped(problems, "leading $match", first.get("$match"), tenant);
                start = 1;
            }
        }
        for (int i = start; i < stages.size(); i++) {
            BsonDocument stage = stages.get(i).asDocument();
            String name = stage.isEmpty() ? "(empty)" : stage.getFirstKey();
            BsonValue spec = stage.get(name);
            switch (name) {
                case "$out":
                case "$merge":
                case "$collStats":
                case "$indexStats":
                case "$currentOp":
                case "$listSessions":
                case "$documents":
                case "$changeStream":
                    problems.add("stage " + name + " was sent");
                    break;
                case "$facet":
                    for (BsonValue facet : spec.asDocument().values()) {
                        pipeline(problems, facet.asArray(), tenant, ns, own, false);
                    }
                    break;
                case "$lookup": {
                    BsonDocument lookup = spec.asDocument();
                    joined(problems, name, lookup.get("from"), ns, own);
                    if (lookup.containsKey("pipeline")) {
                        pipeline(problems, lookup.getArray("pipeline"), tenant, ns, own, true);
                    } else if (i + 1 >= stages.size() || !stages.get(i + 1).asDocument().containsKey("$addFields")) {
                        problems.add("$lookup without a pipeline is not filtered after: " + stage);
                    }
                    break;
                }
                case "$unionWith": {
                    BsonDocument union = spec.isDocument() ? spec.asDocument() : new BsonDocument("coll", spec);
                    joined(problems, name, union.get("coll"), ns, own);
                    pipeline(problems, union.getArray("pipeline", new BsonArray()), tenant, ns, own, true);
                    break;
                }
                case "$graphLookup":
                    joined(problems, name, spec.asDocument().get("from"), ns, own);
                    scoped(problems, "$graphLookup restrictSearchWithMatch",
                            spec.asDocument().get("restrictSearchWithMatch"), tenant);
                    break;
                default:
                    break;
            }
        }
    }

    private static void joined(List<String> problems, String stage, BsonValue from, MongoNamespace ns,
                               Set<MongoNamespace> own) {
        if (from == null || !from.isString() || !own.contains(new MongoNamespace(ns.getDatabaseName(),
                from.asString().getValue()))) {
            problems.add(stage + " joins " + from + ", not one of the tenant's collections");
        }
    }
}
