package dev.tenantry.collection;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.internal.CommandJudge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A driver {@link CommandListener} for tests that judges every command touching a registered tenant-scoped collection
 * against the tenant current on the thread that sends it, and reports each command that is not confined to that
 * tenant.
 *
 * <p>Attach it to the client your tests use, run the code under test, then call {@link #assertNoViolations()}:
 * <pre>{@code
 * IsolationProbe probe = tenantDatabase.newIsolationProbe();
 * MongoClient client = MongoClients.create(MongoClientSettings.builder()
 *         .applyConnectionString(uri).addCommandListener(probe).build());
 * ... exercise the application ...
 * probe.assertNoViolations();
 * }</pre>
 *
 * <p><b>Which tenant a command is judged against.</b> The synchronous driver ({@code mongodb-driver-sync}) calls
 * {@code commandStarted} on the thread that runs the operation, just before the command is written to the connection
 * ({@code InternalStreamConnection.sendAndReceive}); the probe reads {@link Tenants#currentIfPresent()} and
 * {@link Tenants#inSystemScope()} there. So:
 * <ul>
 *   <li>with a tenant current (also one opened inside system scope), every command on a registered namespace must
 *       stay inside that tenant: filters, queries and update/delete statements carry the equality on the tenant field
 *       with <em>that</em> tenant's id (a query for {@code globex} sent while {@code acme} is current is a violation)
 *       and, where a collation is set, the collation-immune {@code /^id$/} match; inserted and replacement documents
 *       carry that id; updates do not change the tenant field; aggregations lead with the tenant match, and every
 *       {@code $lookup}, {@code $graphLookup} and {@code $unionWith} into tenant data, from any collection (a
 *       registered one, an unregistered one, or {@code aggregate: 1}), is confined to the tenant; {@code $out} and
 *       {@code $merge} neither write into tenant data nor copy it out; a change stream confines its events;
 *       {@code explain} is judged as the command it explains; a per-tenant collection or database is the current
 *       tenant's; a cursor is read by the tenant it was opened for; collection-wide DDL on a {@code SHARED}
 *       collection ({@code createIndexes}, TTL ones included, {@code dropIndexes}, {@code listIndexes},
 *       {@code drop}, ...), {@code dropDatabase} and {@code renameCollection} of tenant data are violations;
 *   <li>in system scope with no tenant open, commands are declared cross-tenant work and are not judged (they are
 *       counted); collection-wide DDL, including the indexes a {@link TenantDatabase} declares and ensures, is
 *       accepted in system scope whether or not a tenant is open inside it;
 *   <li>with no tenant current outside system scope, every command touching tenant data is a violation: nothing
 *       confines it.
 * </ul>
 * The asynchronous and reactive drivers call listeners on their own threads, where the caller's scope is not current;
 * the probe is meant for the synchronous driver, which Tenantry uses. Commands the driver sends on its own (a
 * background {@code killCursors}, monitoring) carry no tenant data and are not judged. Commands it does not know on a
 * tenant-scoped namespace are reported too: an unchecked command is not a safe one. The driver swallows exceptions
 * thrown by listeners, so the probe records violations and reports them when asked.
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class IsolationProbe implements CommandListener {

    /** Commands that open a cursor whose later batches ({@code getMore}) belong to the caller. */
    private static final Set<String> CURSOR_COMMANDS = Set.of("find", "aggregate");

    private final CommandJudge judge;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicLong checked = new AtomicLong();
    /** Cursor-opening commands in flight, by request id: the tenant they were sent for (empty: system scope). */
    private final Map<Integer, Optional<TenantId>> opening = new ConcurrentHashMap<>();
    /** Open cursors on tenant data, by server and cursor id: the tenant they were opened for (empty: system). */
    private final Map<String, Optional<TenantId>> cursors = new ConcurrentHashMap<>();
    /** {@code getMore}s in flight on known cursors, by request id: the cursor's key. */
    private final Map<Integer, String> continuing = new ConcurrentHashMap<>();

    private IsolationProbe(TenantDatabase database) {
        this.judge = new CommandJudge(database);
    }

    /**
     * A probe for the tenant-scoped collections registered in {@code database}.
     *
     * @throws NullPointerException if {@code database} is null
     */
    public static IsolationProbe forDatabase(TenantDatabase database) {
        return new IsolationProbe(Objects.requireNonNull(database, "database"));
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        CommandJudge.Caller caller = new CommandJudge.Caller(Tenants.currentIfPresent().orElse(null),
                Tenants.inSystemScope());
        String name = event.getCommandName();
        BsonDocument command = event.getCommand();
        try {
            if ("getMore".equals(name)) {
                getMore(event, caller);
                return;
            }
            if ("killCursors".equals(name)) {
                forget(event, command.get("cursors"));
                return;
            }
            CommandJudge.Verdict verdict = judge.judge(event.getDatabaseName(), name, command, caller);
            if (!verdict.touched()) {
                return;
            }
            checked.incrementAndGet();
            for (String problem : verdict.problems()) {
                report(event, problem);
            }
            if (CURSOR_COMMANDS.contains(name) && (caller.tenant() != null || caller.system())) {
                opening.put(event.getRequestId(), Optional.ofNullable(caller.tenant()));
            }
        } catch (RuntimeException e) {
            // The driver swallows listener exceptions; a command the probe cannot read must not pass unchecked.
            checked.incrementAndGet();
            report(event, "the probe could not read the command (" + e + ")");
        }
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        Optional<TenantId> owner = opening.remove(event.getRequestId());
        String continued = continuing.remove(event.getRequestId());
        BsonValue cursor = event.getResponse().get("cursor");
        BsonValue id = cursor != null && cursor.isDocument() ? cursor.asDocument().get("id") : null;
        if (id == null || !id.isNumber()) {
            return;
        }
        if (continued != null && id.asNumber().longValue() == 0) {
            cursors.remove(continued); // exhausted: the server may hand out its id again
        } else if (owner != null && id.asNumber().longValue() != 0) {
            cursors.put(key(event.getConnectionDescription().getServerAddress(), id.asNumber().longValue()), owner);
        }
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        opening.remove(event.getRequestId());
        continuing.remove(event.getRequestId());
    }

    /** A later batch of a cursor: read by the tenant it was opened for (the judge checks the namespace too). */
    private void getMore(CommandStartedEvent event, CommandJudge.Caller caller) {
        CommandJudge.Verdict verdict = judge.judge(event.getDatabaseName(), "getMore", event.getCommand(), caller);
        List<String> problems = new ArrayList<>(verdict.problems());
        BsonValue id = event.getCommand().get("getMore");
        Optional<TenantId> owner = null;
        if (id != null && id.isNumber()) {
            String key = key(event.getConnectionDescription().getServerAddress(), id.asNumber().longValue());
            owner = cursors.get(key);
            if (owner != null) {
                continuing.put(event.getRequestId(), key);
                String problem = judge.getMore(owner.orElse(null), caller);
                if (problem != null && problems.isEmpty()) {
                    problems.add(problem);
                }
            }
        }
        if (verdict.touched() || owner != null) {
            checked.incrementAndGet();
        }
        problems.forEach(problem -> report(event, problem));
    }

    private void forget(CommandStartedEvent event, @Nullable BsonValue ids) {
        if (ids == null || !ids.isArray()) {
            return;
        }
        for (BsonValue id : ids.asArray()) {
            if (id.isNumber()) {
                cursors.remove(key(event.getConnectionDescription().getServerAddress(), id.asNumber().longValue()));
            }
        }
    }

    private static String key(Object server, long cursorId) {
        return server + "/" + cursorId;
    }

    private void report(CommandStartedEvent event, String problem) {
        BsonDocument command = event.getCommand();
        BsonValue subject = command.get("getMore".equals(event.getCommandName()) ? "collection"
                : event.getCommandName());
        String where = subject != null && subject.isString() ? " on " + event.getDatabaseName() + "."
                + subject.asString().getValue() : " on " + event.getDatabaseName();
        violations.add(event.getCommandName() + where + ": " + problem + "; command " + abbreviate(command));
    }

    private static String abbreviate(BsonDocument command) {
        String json = command.toJson();
        return json.length() > 400 ? json.substring(0, 400) + "..." : json;
    }

    /** The violations seen so far, one message per problem of an offending command. */
    public List<String> violations() {
        return new ArrayList<>(violations);
    }

    /** How many commands touching tenant data the probe has judged (also those run in system scope). */
    public long commandsChecked() {
        return checked.get();
    }

    /** Forgets the violations and the count seen so far (not the cursors it knows to be open). */
    public void reset() {
        violations.clear();
        checked.set(0);
    }

    /**
     * Fails if any command touching tenant data was not confined to the tenant current where it was sent.
     *
     * @throws AssertionError listing every violation
     */
    public void assertNoViolations() {
        List<String> seen = violations();
        if (!seen.isEmpty()) {
            throw new AssertionError(seen.size() + " violation(s) of tenant isolation:\n  "
                    + String.join("\n  ", seen));
        }
    }
}
