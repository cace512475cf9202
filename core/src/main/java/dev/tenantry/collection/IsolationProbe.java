package dev.tenantry.collection;

import com.mongodb.MongoNamespace;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A driver {@link CommandListener} that checks, command by command, that everything sent for a tenant-scoped
 * collection is scoped: every query carries the tenant equality filter, every inserted document the tenant field,
 * every aggregation a leading tenant match (and every join into tenant data a tenant match of its own), every index
 * the tenant as its first key.
 *
 * <p>Attach it to the client your tests use, run the code under test, then call {@link #assertNoViolations()}:
 * <pre>{@code
 * IsolationProbe probe = tenantDatabase.newIsolationProbe();
 * MongoClient client = MongoClients.create(MongoClientSettings.builder()
 *         .applyConnectionString(uri).addCommandListener(probe).build());
 * ... exercise the application ...
 * probe.assertNoViolations();
 * }</pre>
 * The driver swallows exceptions thrown by listeners, so the probe records violations and reports them when asked.
 * Commands it does not know on a tenant-scoped namespace are reported too: an unchecked command is not a safe one.
 * Thread-safe.
 *
 * @since 0.1
 */
public final class IsolationProbe implements CommandListener {

    /** Commands that carry no documents or filters, so there is nothing to scope. */
    private static final Set<String> UNSCOPED = Set.of("getMore", "killCursors", "listIndexes", "dropIndexes",
            "drop", "create", "explain", "collStats", "validate");

    private final TenantDatabase database;
    private final String field;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicLong checked = new AtomicLong();

    private IsolationProbe(TenantDatabase database) {
        this.database = database;
        this.field = database.getTenantField();
    }

    /** A probe for the tenant-scoped collections registered in {@code database}. */
    public static IsolationProbe forDatabase(TenantDatabase database) {
        return new IsolationProbe(Objects.requireNonNull(database, "database"));
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        BsonDocument command = event.getCommand();
        String name = event.getCommandName();
        BsonValue target = command.get(name);
        if (target == null || !target.isString() || UNSCOPED.contains(name)) {
            return;
        }
        MongoNamespace namespace = new MongoNamespace(event.getDatabaseName(), target.asString().getValue());
        if (database.logicalNameOf(namespace).isEmpty()) {
            return;
        }
        checked.incrementAndGet();
        String problem;
        try {
            problem = problem(name, command);
        } catch (RuntimeException e) {
            // The driver swallows listener exceptions; a command the probe cannot read must not pass unchecked.
            problem = "the probe could not read the command (" + e + ")";
        }
        if (problem != null) {
            violations.add(name + " on " + namespace + ": " + problem + "; command " + abbreviate(command));
        }
    }

    private @Nullable String problem(String name, BsonDocument command) {
        switch (name) {
            case "find":
                return scoped(command.get("filter")) ? null : "filter lacks the tenant equality on '" + field + "'";
            case "count":
            case "distinct":
            case "findAndModify":
                return scoped(command.get("query")) ? null : "query lacks the tenant equality on '" + field + "'";
            case "insert":
                return everyDocument(command.get("documents"));
            case "update":
                return everyStatement(command.get("updates"));
            case "delete":
                return everyStatement(command.get("deletes"));
            case "aggregate":
                return pipeline(command.get("pipeline"));
            case "createIndexes":
                return indexes(command.get("indexes"));
            default:
                return "command '" + name + "' on a tenant-scoped collection is not one the probe can check";
        }
    }

    /** Whether a filter is {@code {<field>: "<id>"}} or an {@code $and} holding that equality. */
    private boolean scoped(@Nullable BsonValue filter) {
        if (filter == null || !filter.isDocument()) {
            return false;
        }
        BsonDocument document = filter.asDocument();
        BsonValue equality = document.get(field);
        if (equality != null && equality.isString()) {
            return true;
        }
        BsonValue and = document.get("$and");
        if (and != null && and.isArray()) {
            for (BsonValue clause : and.asArray()) {
                if (scoped(clause)) {
                    return true;
                }
            }
        }
        return false;
    }

    private @Nullable String everyDocument(BsonValue documents) {
        if (documents == null || !documents.isArray()) {
            return "no documents to check";
        }
        for (BsonValue document : documents.asArray()) {
            BsonValue tenant = document.isDocument() ? document.asDocument().get(field) : null;
            if (tenant == null || !tenant.isString()) {
                return "a document lacks tenant field '" + field + "'";
            }
        }
        return null;
    }

    private @Nullable String everyStatement(BsonValue statements) {
        if (statements == null || !statements.isArray()) {
            return "no statements to check";
        }
        for (BsonValue statement : statements.asArray()) {
            if (!statement.isDocument() || !scoped(statement.asDocument().get("q"))) {
                return "a statement's filter lacks the tenant equality on '" + field + "'";
            }
        }
        return null;
    }

    private @Nullable String pipeline(BsonValue value) {
        if (value == null || !value.isArray() || value.asArray().isEmpty()) {
            return "the pipeline does not start with a tenant match";
        }
        BsonArray stages = value.asArray();
        BsonDocument first = stages.get(0).asDocument();
        boolean leads = first.containsKey("$match") && scoped(first.get("$match"))
                || first.containsKey("$geoNear") && scoped(first.getDocument("$geoNear").get("query"));
        if (!leads) {
            return "the pipeline does not start with a tenant match";
        }
        return joins(stages);
    }

    /** Every join into tenant data must carry a tenant match of its own. */
    private @Nullable String joins(BsonArray stages) {
        for (int i = 0; i < stages.size(); i++) {
            BsonDocument stage = stages.get(i).asDocument();
            String name = stage.getFirstKey();
            BsonValue spec = stage.get(name);
            String problem = null;
            if ("$lookup".equals(name) && spec.isDocument()) {
                BsonDocument lookup = spec.asDocument();
                if (lookup.containsKey("pipeline")) {
                    problem = pipeline(lookup.get("pipeline"));
                } else if (!filteredAfter(stages, i, lookup.get("as"))) {
                    problem = "a $lookup into tenant data is neither confined by a pipeline nor filtered after";
                }
            } else if ("$unionWith".equals(name)) {
                problem = spec.isDocument() ? pipeline(spec.asDocument().get("pipeline"))
                        : "a $unionWith into tenant data has no tenant match";
            } else if ("$graphLookup".equals(name) && spec.isDocument()
                    && !scoped(spec.asDocument().get("restrictSearchWithMatch"))) {
                problem = "a $graphLookup into tenant data lacks a tenant restrictSearchWithMatch";
            } else if ("$facet".equals(name) && spec.isDocument()) {
                for (BsonValue facet : spec.asDocument().values()) {
                    problem = problem != null ? problem : facet.isArray() ? joins(facet.asArray()) : null;
                }
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static boolean filteredAfter(BsonArray stages, int lookup, BsonValue as) {
        if (lookup + 1 >= stages.size() || as == null || !as.isString()) {
            return false;
        }
        BsonValue next = stages.get(lookup + 1).asDocument().get("$addFields");
        return next != null && next.isDocument() && next.asDocument().containsKey(as.asString().getValue());
    }

    private @Nullable String indexes(BsonValue indexes) {
        if (indexes == null || !indexes.isArray()) {
            return "no indexes to check";
        }
        for (BsonValue index : indexes.asArray()) {
            BsonDocument spec = index.asDocument();
            BsonDocument key = spec.getDocument("key", new BsonDocument());
            boolean ttl = spec.containsKey("expireAfterSeconds") && !spec.getBoolean("unique",
                    org.bson.BsonBoolean.FALSE).getValue();
            if (!ttl && (key.isEmpty() || !key.getFirstKey().equals(field))) {
                return "index " + spec.get("name") + " does not lead with tenant field '" + field + "'";
            }
        }
        return null;
    }

    private static String abbreviate(BsonDocument command) {
        String json = command.toJson();
        return json.length() > 400 ? json.substring(0, 400) + "..." : json;
    }

    /** The violations seen so far, one message per offending command. */
    public List<String> violations() {
        return new ArrayList<>(violations);
    }

    /** How many commands on tenant-scoped collections the probe has checked. */
    public long commandsChecked() {
        return checked.get();
    }

    /** Forgets the violations and the count seen so far. */
    public void reset() {
        violations.clear();
        checked.set(0);
    }

    /**
     * Fails if any command on a tenant-scoped collection was not scoped.
     *
     * @throws AssertionError listing every offending command
     */
    public void assertNoViolations() {
        List<String> seen = violations();
        if (!seen.isEmpty()) {
            throw new AssertionError(seen.size() + " command(s) on tenant-scoped collections were not scoped:\n  "
                    + String.join("\n  ", seen));
        }
    }
}
