package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.internal.BsonOrder;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Removes fields from the documents that have them, without destroying values that exist nowhere else: the contract
 * step of seed 2, which strips the customer fields from users once customers hold them, and {@code userId} from
 * bookings once they point at customers.
 *
 * <pre>{@code
 * Unset.of(users).fields("phone", "company", "country", "address", "city", "state", "zipCode")
 *         .keptIn(Destination.of(customers).by("userId", "mergedFrom"))   // a user's values live on in its customers
 *         .archive()                                                      // the rest go to users_archive
 *         .in(ctx).run();
 * }</pre>
 *
 * <p>Before a value is removed, the step looks for it in its {@link #keptIn destination} (per page, with
 * {@code $in} queries). A value found there is <em>kept</em>. A value found nowhere else is, by default, not removed:
 * the step leaves that document alone, strips the others, and then fails with a {@link StepFailedException} naming
 * the documents ({@link #plan()} predicts it). With {@link #archive()} such values are copied first, with the
 * source's {@code _id}, to the archive ({@code <collection>_archive}); with {@link #allowLoss()} they are removed
 * anyway, and counted as discarded.
 *
 * <p>Every stripped document gets a ledger entry in the archive collection (when the step has one: it runs in a
 * migration, or was given {@link #archiveTo}), written before its fields are removed:
 * {@code {_id: <its _id>, from: <collection>, kept: {<field>: {in, id, as, digest}}, values: {<field>: <value>},
 * discarded: [<field>]}}, where a kept value is named by the destination document holding it and a digest of the
 * value (not the value itself). So {@link dev.tenantry.migration.verify.Verifier#removedValues} can check later that
 * every removed value still exists in its destination or the archive.
 *
 * <p>Only documents that have at least one of the fields are read, so a rerun has nothing left to do; each gets one
 * {@code $unset}. Take a backup first ({@link dev.tenantry.migration.backup.Backup}), and run it after verification
 * of the steps it contracts.
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class Unset extends BatchedStep<Unset> {

    /** The suffix of an archive collection's name: {@code users_archive}. */
    public static final String ARCHIVE_SUFFIX = "_archive";

    private final Set<String> fields = new LinkedHashSet<>();
    private @Nullable Destination destination;
    private boolean archive;
    private boolean allowLoss;
    private @Nullable MongoCollection<BsonDocument> archiveCollection;

    private Unset(MongoCollection<BsonDocument> collection) {
        super(collection);
    }

    /**
     * Removes fields from documents of {@code collection}.
     *
     * @param collection e.g. users
     * @return the step, to configure
     */
    public static Unset of(MongoCollection<BsonDocument> collection) {
        return new Unset(collection);
    }

    /**
     * The fields to remove.
     *
     * @param fields field paths
     * @return this step
     * @throws IllegalArgumentException if one is not a usable field path, is {@code _id}, or overlaps another
     */
    public Unset fields(String... fields) {
        for (String field : fields) {
            Fields.check("field", field);
            if (field.equals("_id")) {
                throw new IllegalArgumentException("_id cannot be unset");
            }
            for (String other : this.fields) {
                if (!other.equals(field) && (other.startsWith(field + ".") || field.startsWith(other + "."))) {
                    throw new IllegalArgumentException("fields '" + other + "' and '" + field + "' overlap");
                }
            }
            this.fields.add(field);
        }
        return this;
    }

    /**
     * Where the removed values are kept: a value found there is removed; one found nowhere else is archived,
     * discarded or refused, as configured.
     *
     * @param destination e.g. {@code Destination.of(customers).by("userId")}
     * @return this step
     * @throws IllegalStateException if the destination says neither {@code by} nor {@code via}
     */
    public Unset keptIn(Destination destination) {
        this.destination = Objects.requireNonNull(destination, "destination").validated();
        return this;
    }

    /**
     * Archives values found nowhere else, with the source document's {@code _id}, before removing them.
     *
     * @return this step
     */
    public Unset archive() {
        this.archive = true;
        return this;
    }

    /**
     * The archive (and ledger) collection (default: {@code <collection>_archive} in the database of the migration
     * run the step runs {@link #in}; a step run on its own keeps no ledger unless given one, and cannot
     * {@link #archive()} without one).
     *
     * @param archive the collection
     * @return this step
     */
    public Unset archiveTo(MongoCollection<BsonDocument> archive) {
        this.archiveCollection = Objects.requireNonNull(archive, "archive");
        return this;
    }

    /**
     * Removes values found nowhere else too, counting them as {@value StepReport#VALUES_DISCARDED}: they are lost
     * (but for a backup). Without this or {@link #archive()}, such values are not removed and the step fails.
     *
     * @return this step
     */
    public Unset allowLoss() {
        this.allowLoss = true;
        return this;
    }

    @Override
    Unset self() {
        return this;
    }

    @Override
    String defaultName() {
        return "unset " + collectionName() + "." + String.join(",", fields);
    }

    @Override
    public Set<String> reads() {
        Set<String> out = new LinkedHashSet<>(List.of(collectionName()));
        if (destination != null) {
            out.add(destination.name());
        }
        return out;
    }

    @Override
    public Set<String> writes() {
        return written(archiveName());
    }

    /**
     * Counts the documents that have at least one of the fields, {@code "<collection> to strip"}, and their values:
     * {@code "values kept in <destination>"}, and those found nowhere else as the step treats them:
     * {@code "values to archive"}, {@code "values to discard (lost)"}, or a predicted failure. Reads only: the
     * documents in pages with the destination look-ups a run makes. Where an earlier step of the same plan writes the
     * destination, values are not looked up there (the line depends on that step).
     *
     * @throws IllegalStateException if no field is set
     */
    @Override
    public Plan.Line plan() {
        return plan(Planning.alone());
    }

    @Override
    Plan.Line plan(Planning planning) {
        Bson pending = planScope(anyField(), planning);
        Plan.Line line = Plan.Line.of(name()).with(collectionName() + " to strip", collection.countDocuments(pending));
        boolean look = destination == null || planning.writersOf(destination.name()).isEmpty();
        long kept = 0;
        long atRisk = 0;
        long values = 0;
        List<String> examples = new ArrayList<>();
        List<BsonDocument> page = new ArrayList<>(batchSize());
        List<Assessment> assessed = new ArrayList<>();
        for (BsonDocument doc : collection.find(pending).projection(Projections.include(readFields()))
                .batchSize(batchSize())) {
            page.add(doc);
            if (page.size() == batchSize()) {
                assessed.addAll(look ? assess(page) : List.of());
                values += valuesIn(page);
                page.clear();
            }
        }
        assessed.addAll(look ? assess(page) : List.of());
        values += valuesIn(page);
        for (Assessment a : assessed) {
            kept += a.kept.size();
            atRisk += a.atRisk.size();
            if (!a.atRisk.isEmpty() && examples.size() < 3) {
                examples.add(BsonValues.show(a.id) + ": " + String.join(", ", a.atRisk.keySet()));
            }
        }
        if (!look) {
            return line.with("values to look for in " + Objects.requireNonNull(destination).name(), values);
        }
        if (destination != null) {
            line = line.with("values kept in " + destination.name(), kept);
        }
        if (atRisk == 0) {
            return line;
        }
        if (archive) {
            return line.with("values to archive in " + archiveName(), atRisk);
        }
        if (allowLoss) {
            return line.with("values to discard (lost)", atRisk);
        }
        return line.with(new Plan.Failure("values found nowhere else" + (destination == null ? ""
                : " (not in " + destination.name() + ")") + ": the step keeps them and fails (archive() or"
                + " allowLoss())", atRisk, examples));
    }

    /**
     * Removes the fields from every document that has one, once each value is kept, archived or allowed to go.
     *
     * @return what was written, with the values kept, archived, discarded or refused
     * @throws IllegalStateException if no field is set, or there is no archive collection
     * @throws StepFailedException if values found nowhere else were kept back (neither archived nor allowed to be
     *     lost), or writes were refused, once everything else is done
     * @throws RuntimeException what the server throws, other than refused items; the checkpoint then holds the
     *     last acknowledged batch
     */
    public StepReport run() {
        Bson pending = scope(anyField());
        List<Bson> unsets = new ArrayList<>(fields.size());
        for (String field : fields) {
            unsets.add(Updates.unset(field));
        }
        Bson update = Updates.combine(unsets);
        @Nullable MongoCollection<BsonDocument> ledger = archiveCollection();
        if (ledger == null && archive) {
            throw new IllegalStateException("step '" + name() + "' archives values but has no archive collection:"
                    + " give archiveTo(collection), or run it in a migration (in(ctx))");
        }
        List<@Nullable MongoCollection<BsonDocument>> lookedUp = new ArrayList<>();
        lookedUp.add(destination == null ? null : destination.collection());
        var batch = batches(pending, collection, lookedUp).projection(Projections.include(readFields()))
                .runPages(page -> {
                    List<WriteModel<BsonDocument>> entries = new ArrayList<>(page.size());
                    List<WriteModel<BsonDocument>> writes = new ArrayList<>(page.size());
                    for (Assessment a : assess(page)) {
                        if (!a.atRisk.isEmpty() && !archive && !allowLoss) {
                            state.count(StepReport.VALUES_REFUSED, a.atRisk.size());
                            state.leftAlone(a.id, String.join(", ", a.atRisk.keySet()) + " found nowhere else"
                                    + (destination == null ? "" : " (not in " + destination.name() + ")"));
                            continue;
                        }
                        if (ledger != null) {
                            entries.add(ledgerEntry(a));
                        }
                        if (!a.kept.isEmpty()) {
                            state.count(StepReport.VALUES_KEPT, a.kept.size());
                        }
                        if (!a.atRisk.isEmpty()) {
                            state.count(archive ? StepReport.VALUES_ARCHIVED : StepReport.VALUES_DISCARDED,
                                    a.atRisk.size());
                        }
                        // One update per document, by _id alone ($unset of a field already gone changes nothing),
                        // so a document the server refuses is reported on its own.
                        writes.add(new UpdateOneModel<>(Filters.eq("_id", a.id), update));
                    }
                    if (!entries.isEmpty()) {
                        checkLease();
                        Objects.requireNonNull(ledger).bulkWrite(entries, new BulkWriteOptions().ordered(false));
                    }
                    return writes;
                });
        return report(batch);
    }

    @Override
    List<String> failures(StepReport report) {
        long refused = report.count(StepReport.VALUES_REFUSED);
        return refused == 0 ? List.of() : List.of(refused + " values were not removed because they exist nowhere"
                + " else" + (destination == null ? "" : " (not in " + destination.name() + ")") + ": archive() them,"
                + " or allowLoss()");
    }

    /** What one document would lose: its removed values kept in the destination, and those found nowhere else. */
    private record Assessment(BsonValue id, Map<String, BsonDocument> kept, Map<String, BsonValue> atRisk) {
    }

    /** Looks for each document's values in the destination. */
    private List<Assessment> assess(List<BsonDocument> page) {
        Map<BsonValue, List<BsonDocument>> found = destination == null ? Map.of() : lookUp(page);
        List<Assessment> out = new ArrayList<>(page.size());
        for (BsonDocument doc : page) {
            BsonValue id = BsonValues.id(doc);
            List<BsonDocument> candidates = new ArrayList<>(found.getOrDefault(BsonValues.normal(id), List.of()));
            candidates.sort((a, b) -> BsonOrder.comparator().compare(a.get("_id"), b.get("_id")));
            Map<String, BsonDocument> kept = new LinkedHashMap<>();
            Map<String, BsonValue> atRisk = new LinkedHashMap<>();
            for (String field : fields) {
                BsonValue value = BsonValues.get(doc, field);
                if (value == null || value.isNull()) {
                    continue; // nothing to keep: removing a missing or null value loses nothing
                }
                BsonDocument where = where(value, field, candidates);
                if (where != null) {
                    kept.put(field, where);
                } else {
                    atRisk.put(field, value);
                }
            }
            out.add(new Assessment(id, kept, atRisk));
        }
        return out;
    }

    /** The ledger's note of where {@code value} of {@code field} is kept, or null if no candidate holds it. */
    private @Nullable BsonDocument where(BsonValue value, String field, List<BsonDocument> candidates) {
        if (destination == null) {
            return null;
        }
        Destination d = destination;
        for (BsonDocument candidate : candidates) {
            for (String as : d.fieldsFor(field)) {
                if (Repoint.holds(candidate, as, value)) {
                    return new BsonDocument("in", new BsonString(d.name())).append("id", candidate.get("_id"))
                            .append("as", new BsonString(as)).append("digest", new BsonString(BsonValues.digest(value)));
                }
            }
        }
        return null;
    }

    /** The destination documents of each page document, by its normal {@code _id}. */
    private Map<BsonValue, List<BsonDocument>> lookUp(List<BsonDocument> page) {
        Destination d = Objects.requireNonNull(destination);
        List<String> projected = new ArrayList<>(d.projected(List.copyOf(fields)));
        Map<BsonValue, List<BsonDocument>> out = new HashMap<>();
        if (d.localKey() != null) {
            String localKey = Objects.requireNonNull(d.localKey());
            Set<BsonValue> keys = new LinkedHashSet<>();
            for (BsonDocument doc : page) {
                BsonValue k = BsonValues.get(doc, localKey);
                if (!BsonValues.isNull(k)) {
                    keys.add(k);
                }
            }
            Map<BsonValue, BsonDocument> byId = IdLookup.byId(d.collection(), keys, Projections.include(projected));
            for (BsonDocument doc : page) {
                BsonValue k = BsonValues.get(doc, localKey);
                BsonDocument target = k == null || k.isNull() ? null : byId.get(BsonValues.normal(k));
                if (target != null) {
                    out.put(BsonValues.normal(BsonValues.id(doc)), List.of(target));
                }
            }
            return out;
        }
        Set<BsonValue> wanted = new HashSet<>();
        page.forEach(doc -> wanted.add(BsonValues.normal(BsonValues.id(doc))));
        for (Bson query : backReferenceQueries(d, page)) {
            for (BsonDocument target : d.collection().find(query).projection(Projections.include(projected))) {
                Set<BsonValue> sources = new LinkedHashSet<>();
                for (String r : d.backReferences()) {
                    BsonValue v = BsonValues.get(target, r);
                    if (v != null && v.isArray()) {
                        v.asArray().forEach(e -> sources.add(BsonValues.normal(e)));
                    } else if (v != null) {
                        sources.add(BsonValues.normal(v));
                    }
                }
                for (BsonValue source : sources) {
                    List<BsonDocument> of = out.computeIfAbsent(source, x -> new ArrayList<>());
                    if (wanted.contains(source)
                            && of.stream().noneMatch(t -> BsonValues.id(t).equals(target.get("_id")))) {
                        of.add(target);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The queries for the destination documents that refer back to a page's documents. The page is a run of
     * {@code _id}s in order, so per back-reference and per type bracket one range query finds them ({@code $gte} the
     * first, {@code $lte} the last, or {@code $elemMatch} of that range in an array): a range scan of an index on the
     * back-reference on a real server, one pass on the embedded one. Brackets that do not order alike everywhere
     * (binary data, documents, ...) are read with {@code $in} of their {@code _id}s instead. A range can return a few
     * documents that refer to documents outside the page; they are left out.
     */
    private static List<Bson> backReferenceQueries(Destination d, List<BsonDocument> page) {
        Map<BsonOrder.Bracket, List<BsonValue>> byBracket = new LinkedHashMap<>();
        for (BsonDocument doc : page) {
            BsonValue id = BsonValues.id(doc);
            byBracket.computeIfAbsent(BsonOrder.bracket(id), b -> new ArrayList<>()).add(id);
        }
        List<Bson> queries = new ArrayList<>();
        byBracket.forEach((bracket, ids) -> {
            boolean ranged = switch (bracket) {
                case NUMBER, STRING, OBJECT_ID, DATE, BOOLEAN, TIMESTAMP -> true;
                default -> false;
            };
            for (String r : d.backReferences()) {
                if (ranged) {
                    BsonValue min = ids.stream().min(BsonOrder.comparator()).orElseThrow();
                    BsonValue max = ids.stream().max(BsonOrder.comparator()).orElseThrow();
                    Bson range = Filters.and(Filters.gte(r, min), Filters.lte(r, max));
                    queries.add(Filters.or(range, new BsonDocument(r, new BsonDocument("$elemMatch",
                            new BsonDocument("$gte", min).append("$lte", max)))));
                } else {
                    for (int from = 0; from < ids.size(); from += IdLookup.MAX_IN) {
                        queries.add(Filters.in(r, ids.subList(from, Math.min(ids.size(), from + IdLookup.MAX_IN))));
                    }
                }
            }
        });
        return queries;
    }

    /** The ledger entry of a document about to be stripped: where each value is kept, or the value itself. */
    private WriteModel<BsonDocument> ledgerEntry(Assessment a) {
        List<Bson> sets = new ArrayList<>();
        sets.add(Updates.set("from", collectionName()));
        a.kept.forEach((field, where) -> sets.add(Updates.set("kept." + field, where)));
        if (archive) {
            a.atRisk.forEach((field, value) -> sets.add(Updates.set("values." + field, value)));
        } else if (!a.atRisk.isEmpty()) {
            sets.add(Updates.addEachToSet("discarded", new ArrayList<>(a.atRisk.keySet())));
        }
        return new UpdateOneModel<>(Filters.eq("_id", a.id), Updates.combine(sets), new UpdateOptions().upsert(true));
    }

    private long valuesIn(List<BsonDocument> page) {
        long n = 0;
        for (BsonDocument doc : page) {
            for (String field : fields) {
                BsonValue v = BsonValues.get(doc, field);
                if (v != null && !v.isNull()) {
                    n++;
                }
            }
        }
        return n;
    }

    private List<String> readFields() {
        List<String> read = new ArrayList<>(fields);
        if (destination != null && destination.localKey() != null) {
            read.add(Objects.requireNonNull(destination.localKey()));
        }
        return read;
    }

    private String archiveName() {
        return archiveCollection != null ? archiveCollection.getNamespace().getCollectionName()
                : collectionName() + ARCHIVE_SUFFIX;
    }

    /** The archive and ledger collection: the one given, else the migration run's, else none. */
    private @Nullable MongoCollection<BsonDocument> archiveCollection() {
        if (archiveCollection != null) {
            return archiveCollection;
        }
        if (context() != null && Objects.requireNonNull(context()).database().getName()
                .equals(collection.getNamespace().getDatabaseName())) {
            return Objects.requireNonNull(context()).database().getCollection(archiveName(), BsonDocument.class);
        }
        return null;
    }

    private Bson anyField() {
        if (fields.isEmpty()) {
            throw new IllegalStateException("unset of " + collectionName() + " needs fields(...)");
        }
        List<Bson> any = new ArrayList<>(fields.size());
        for (String field : fields) {
            any.add(Filters.exists(field));
        }
        return any.size() == 1 ? any.get(0) : Filters.or(any);
    }
}
