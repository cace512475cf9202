package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Splits a shared collection into a tenant-scoped one, one copy per (shared document, tenant) pair that a grouping
 * relation shows: seed 2's customer split, where every user who booked at a business gets a customer of that
 * business, made from the user's fields.
 *
 * <pre>{@code
 * Split.by(bookings, "userId").from(users).into(customers)
 *         .tenantField("businessId").tenantVia(Relation.of(services, "serviceId"))
 *         .copy("name", "email", "phone", "company", "country", "address", "city", "state", "zipCode", "createdAt")
 *         .defaultValue("name", "Unknown Customer")
 *         .in(ctx).run();
 * }</pre>
 *
 * <p>The step pages through the grouping collection (bookings), takes each page's distinct (key, tenant) pairs,
 * reads the page's shared documents (users) with {@code $in} queries on {@code _id}, and upserts one copy per pair.
 * A copy's {@code _id} is {@link IdScheme#id ids.id(key, tenant)}, and its fields are written with
 * {@code $setOnInsert}, so a pair seen on several pages, a resumed batch and a whole rerun all leave exactly one
 * unchanged copy. The copy
 * carries the tenant field, the shared document's {@code _id} under the {@link #provenance provenance} field
 * (default: the key's name), the copied fields present on the source and the defaults.
 *
 * <p>Every pair is split, whatever the shared document (seed 2's script took only users without a password; the
 * bookings of an owner or staff member at another business then lose their customer when {@code userId} is unset).
 * A grouping document whose key is missing, whose tenant cannot be resolved, or whose shared document does not exist
 * is reported in the {@link StepReport}, and no copy is made for it.
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class Split extends BatchedStep<Split> {

    /**
     * How many copies a run remembers having written, so that a later page's grouping documents of the same pair do
     * not upsert the copy again (about 20 MB at most). Past it, repeats are upserted again, which changes nothing.
     */
    private static final int REMEMBERED = 250_000;

    /** The tenant field unless set: {@link TenantDatabase#DEFAULT_TENANT_FIELD}, as in tenant-scoped collections. */
    public static final String DEFAULT_TENANT_FIELD = TenantDatabase.DEFAULT_TENANT_FIELD;

    /** Where a copy lists the shared documents {@link OnConflict#MERGE merged} into it, unless set. */
    public static final String DEFAULT_MERGED_FIELD = "mergedFrom";

    /** Where copies {@link OnConflict#KEEP_BOTH kept beside each other} are marked, unless set. */
    public static final String DEFAULT_CONFLICT_FIELD = "splitConflict";

    private final String key;
    private @Nullable MongoCollection<BsonDocument> source;
    private @Nullable MongoCollection<BsonDocument> target;
    private String tenantField = DEFAULT_TENANT_FIELD;
    private @Nullable Relation tenantVia;
    private final Set<String> copy = new LinkedHashSet<>();
    private final Map<String, BsonValue> defaults = new LinkedHashMap<>();
    private @Nullable String provenance;
    private boolean keepProvenance = true;
    private IdScheme ids = IdScheme.sha256();
    private final List<String> unique = new ArrayList<>();
    private OnConflict onConflict = OnConflict.STOP;
    private String mergedField = DEFAULT_MERGED_FIELD;
    private String conflictField = DEFAULT_CONFLICT_FIELD;

    private Split(MongoCollection<BsonDocument> grouping, String key) {
        super(grouping);
        this.key = Fields.check("key", key);
    }

    /**
     * A split by the documents of {@code grouping}, whose {@code key} names the shared document to copy.
     *
     * @param grouping the collection paged through, e.g. bookings
     * @param key its field holding the shared document's {@code _id}, e.g. {@code "userId"}
     * @return the step, to configure
     * @throws IllegalArgumentException if {@code key} is not a usable field path
     */
    public static Split by(MongoCollection<BsonDocument> grouping, String key) {
        return new Split(grouping, key);
    }

    /**
     * The shared collection whose documents are copied, e.g. users.
     *
     * @param source the shared collection
     * @return this step
     */
    public Split from(MongoCollection<BsonDocument> source) {
        this.source = Objects.requireNonNull(source, "source");
        return this;
    }

    /**
     * The tenant-scoped collection the copies go to, e.g. customers.
     *
     * @param target the target collection
     * @return this step
     */
    public Split into(MongoCollection<BsonDocument> target) {
        this.target = Objects.requireNonNull(target, "target");
        return this;
    }

    /**
     * The tenant field, read on the grouping documents and written on the copies (default
     * {@value #DEFAULT_TENANT_FIELD}).
     *
     * @param field e.g. {@code "businessId"}
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path or is {@code _id}
     */
    public Split tenantField(String field) {
        Fields.check("tenantField", field);
        if (field.equals("_id")) {
            throw new IllegalArgumentException("the tenant field cannot be _id");
        }
        this.tenantField = field;
        return this;
    }

    /**
     * Where a grouping document lacks the tenant field, takes the tenant from the same-named field of the document
     * {@code relation} leads to (a booking's service's {@code businessId}); so the split, and its plan, need no
     * backfill first.
     *
     * @param relation e.g. {@code Relation.of(services, "serviceId")}
     * @return this step
     */
    public Split tenantVia(Relation relation) {
        this.tenantVia = Objects.requireNonNull(relation, "relation");
        return this;
    }

    /**
     * Copies these fields of the shared document (those it has; a missing field is not written).
     *
     * @param fields field paths, e.g. {@code "name", "email"}
     * @return this step
     * @throws IllegalArgumentException if one is not a usable field path or is {@code _id}
     */
    public Split copy(String... fields) {
        for (String field : fields) {
            Fields.check("copied field", field);
            if (field.equals("_id")) {
                throw new IllegalArgumentException("_id cannot be copied: the copy's _id comes from the id scheme");
            }
            copy.add(field);
        }
        return this;
    }

    /**
     * Writes {@code value} to {@code field} of every copy whose source lacks the field or has it null or empty
     * (seed 2's {@code user.name || 'Unknown Customer'}), or of every copy if the field is not copied.
     *
     * @param field a field path
     * @param value a value the driver's default codecs encode
     * @return this step
     * @throws IllegalArgumentException if the field is not a usable path or the value cannot be encoded
     */
    public Split defaultValue(String field, @Nullable Object value) {
        Fields.check("default field", field);
        defaults.put(field, Fields.bson("default value of " + field, value));
        return this;
    }

    /**
     * Keeps the shared document's {@code _id} on each copy under {@code field} (default: the key's name, e.g.
     * {@code userId}), to trace a copy to its source, reconcile, or re-point by look-up.
     *
     * @param field a field path
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path or is {@code _id}
     */
    public Split provenance(String field) {
        Fields.check("provenance field", field);
        if (field.equals("_id")) {
            throw new IllegalArgumentException("the provenance field cannot be _id");
        }
        this.provenance = field;
        this.keepProvenance = true;
        return this;
    }

    /**
     * Writes no provenance field: nothing on a copy then names the shared document.
     *
     * @return this step
     */
    public Split noProvenance() {
        this.keepProvenance = false;
        return this;
    }

    /**
     * How copies' {@code _id}s are made (default {@link IdScheme#sha256()}); {@link Repoint} must use the same.
     *
     * @param ids the scheme
     * @return this step
     */
    public Split ids(IdScheme ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
        return this;
    }

    /**
     * Declares fields whose values the copies must not share within a tenant, e.g. {@code "email"} where customers
     * have a unique index on {@code {businessId: 1, email: 1}}. Before a copy is written, the split looks for another
     * copy of the tenant with the same values (values that more than one shared document holds are found with one
     * {@code $group} over the source when the run starts, and only those are looked up) and settles a clash by its
     * {@link #onConflict policy}. A copy in which one of the fields is missing or null is not compared.
     *
     * @param fields field paths of the copies
     * @return this step
     * @throws IllegalArgumentException if one is not a usable field path, or none is given
     */
    public Split uniquePerTenant(String... fields) {
        if (fields.length == 0) {
            throw new IllegalArgumentException("uniquePerTenant needs at least one field");
        }
        for (String field : fields) {
            unique.add(Fields.check("unique field", field));
        }
        return this;
    }

    /**
     * What to do when two copies of one tenant would share the {@link #uniquePerTenant unique} values (default
     * {@link OnConflict#STOP}: the later copy is not made and the step fails at its end, naming every conflict).
     *
     * @param policy the policy
     * @return this step
     */
    public Split onConflict(OnConflict policy) {
        this.onConflict = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * The field of a copy that lists the shared documents {@link OnConflict#MERGE merged} into it (default
     * {@value #DEFAULT_MERGED_FIELD}); {@link Repoint#mergedFrom} must name the same.
     *
     * @param field a field path
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path
     */
    public Split mergedFrom(String field) {
        this.mergedField = Fields.check("mergedFrom", field);
        return this;
    }

    /**
     * The field that marks copies {@link OnConflict#KEEP_BOTH kept beside each other} (default
     * {@value #DEFAULT_CONFLICT_FIELD}): {@code {with: [<other copies>], values: {<the clashing values>}}}, the values
     * on the later copy only.
     *
     * @param field a field path
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path
     */
    public Split conflictMark(String field) {
        this.conflictField = Fields.check("conflictMark", field);
        return this;
    }

    @Override
    Split self() {
        return this;
    }

    @Override
    String defaultName() {
        return "split " + (source == null ? "?" : source.getNamespace().getCollectionName()) + " into "
                + (target == null ? "?" : target.getNamespace().getCollectionName()) + " by " + collectionName()
                + "." + key;
    }

    @Override
    public Set<String> reads() {
        Set<String> out = new LinkedHashSet<>(List.of(collectionName(), sourceName(), targetName()));
        if (tenantVia != null) {
            out.add(tenantVia.name());
        }
        return out;
    }

    @Override
    public Set<String> writes() {
        Set<String> out = new LinkedHashSet<>(List.of(targetName()));
        if (onUnresolved() == OnUnresolved.QUARANTINE) {
            out.addAll(written());
        }
        return out;
    }

    /**
     * Counts the copies that do not exist yet, {@code "<target> to create"}; the grouping documents that cannot be
     * split, as the step's {@link #onUnresolved policy} treats them (a predicted failure by default); and the
     * conflicts over {@link #uniquePerTenant unique} values, as its {@link #onConflict policy} treats them (a predicted
     * failure by default, else {@code "<target> merged into another"} or {@code "<target> kept beside another"}).
     * Reads only: one {@code $group} over the grouping collection (and one over the source for shared unique values),
     * then {@code $in} look-ups per chunk of its results.
     *
     * @throws IllegalStateException if the source or the target is not set, or the settings conflict
     */
    @Override
    public Plan.Line plan() {
        return plan(Planning.alone());
    }

    @Override
    Plan.Line plan(Planning planning) {
        validate();
        SplitPlan.Counts counts = new SplitPlan(collection, planScope(new BsonDocument(), planning), key, tenantField,
                tenantVia, Objects.requireNonNull(source), Objects.requireNonNull(target), ids, batchSize(), unique,
                sharedValues(), provenance()).count();
        long conflicts = dependent(planning) ? 0 : counts.conflicts();
        long created = counts.toCreate() - (onConflict == OnConflict.KEEP_BOTH ? 0 : conflicts);
        Plan.Line line = Plan.Line.of(name()).with(targetName() + " to create", created);
        if (conflicts > 0) {
            String what = "copies sharing " + String.join(", ", unique) + " with another copy of their "
                    + tenantField;
            line = switch (onConflict) {
                case MERGE -> line.with(targetName() + " merged into another (" + what + ")", conflicts);
                case KEEP_BOTH -> line.with(targetName() + " kept beside another and marked (" + what + ")",
                        conflicts);
                case STOP -> line.with(new Plan.Failure(what + ": the split stops at them", conflicts,
                        counts.conflictExamples()));
            };
        }
        return unresolvable(line, planning, counts.unresolvedIds(), counts.unresolvedCounts());
    }

    /**
     * Upserts one copy per (key, tenant) pair of the grouping documents, settling clashes over unique values by the
     * {@link #onConflict policy} and grouping documents that cannot be split by the {@link #onUnresolved policy}.
     *
     * @return what was written (new copies are {@link dev.tenantry.migration.batch.BatchReport#upserted() upserted}),
     *     the conflicts met and the grouping documents left alone or quarantined
     * @throws IllegalStateException if the source or the target is not set, or the settings conflict
     * @throws StepFailedException once everything else is done, if grouping documents could not be split (and the
     *     policy is to fail), conflicts were met (and the policy is to stop) or writes were refused; its report names
     *     them and the source documents involved
     * @throws RuntimeException what the server throws, other than refused items; the checkpoint then holds the
     *     last acknowledged batch
     */
    public StepReport run() {
        validate();
        MongoCollection<BsonDocument> from = Objects.requireNonNull(source);
        String sourceName = sourceName();
        Set<String> wanted = new LinkedHashSet<>(copy);
        wanted.addAll(unique);
        Bson sourceProjection = wanted.isEmpty() ? Projections.include("_id") : Projections.include(List.copyOf(wanted));
        List<String> read = new ArrayList<>(List.of(key, tenantField));
        if (tenantVia != null) {
            read.add(tenantVia.localKey());
        }
        Set<BsonValue> written = new HashSet<>();
        Holders holders = new Holders(sharedValues());
        MongoCollection<BsonDocument> to = Objects.requireNonNull(target);
        // The target is read only for holders of shared unique values, which this run remembers once it wrote them:
        // a page prepared while the one before is written cannot miss them, so the step may read ahead.
        List<@Nullable MongoCollection<BsonDocument>> lookedUp = Arrays.asList(from,
                tenantVia == null ? null : tenantVia.collection());
        var report = batches(scope(new BsonDocument()), to, lookedUp).into(to).origins(this::origin)
                .projection(Projections.include(read)).runPages(page -> {
                    BsonValue[] tenants = Lookups.tenants(page, tenantField, tenantVia, state);
                    @Nullable BsonValue[] cids = new BsonValue[page.size()];
                    Set<BsonValue> keys = new LinkedHashSet<>();
                    for (int i = 0; i < page.size(); i++) {
                        BsonValue k = BsonValues.get(page.get(i), key);
                        if (BsonValues.isNull(k)) {
                            state.miss(BsonValues.id(page.get(i)), "no " + key);
                        } else if (tenants[i] != null) {
                            BsonValue cid = ids.id(k, Objects.requireNonNull(tenants[i]));
                            if (!written.contains(cid)) { // else an earlier page wrote (or settled) it
                                cids[i] = cid;
                                keys.add(k);
                            }
                        }
                    }
                    Map<BsonValue, BsonDocument> sources = IdLookup.byId(from, keys, sourceProjection);
                    Map<BsonValue, Copy> copies = new LinkedHashMap<>();
                    for (int i = 0; i < page.size(); i++) {
                        BsonValue cid = cids[i];
                        if (cid == null || copies.containsKey(cid)) {
                            continue;
                        }
                        BsonValue k = Objects.requireNonNull(BsonValues.get(page.get(i), key)); // it has a copy id
                        BsonValue tenant = Objects.requireNonNull(tenants[i]);
                        BsonDocument shared = sources.get(BsonValues.normal(k));
                        if (shared == null) {
                            state.miss(BsonValues.id(page.get(i)), new StepState.Miss("no " + sourceName
                                    + " document (" + key + ")", "no " + sourceName + " document with _id "
                                    + BsonValues.show(k) + " (" + key + ")"));
                        } else {
                            copies.put(cid, new Copy(cid, Objects.requireNonNull(k), tenant,
                                    BsonValues.id(page.get(i)), copyOf(shared, k, tenant)));
                        }
                    }
                    holders.lookUp(copies.values(), to);
                    List<WriteModel<BsonDocument>> writes = new ArrayList<>(copies.size());
                    Map<BsonValue, Copy> pageWrites = new LinkedHashMap<>();
                    for (Copy c : copies.values()) {
                        Holders.Holder holder = holders.claim(c);
                        if (holder == null) {
                            pageWrites.put(c.cid, c);
                        } else {
                            settleConflict(c, holder, pageWrites, writes);
                        }
                        if (written.size() < REMEMBERED) {
                            written.add(c.cid);
                        }
                    }
                    // the copies in the grouping documents' order (the server applies an unordered batch in order
                    // too, so the first copy holds unique values), then the updates of copies written before
                    List<WriteModel<BsonDocument>> batch = new ArrayList<>(pageWrites.size() + writes.size());
                    UpdateOptions upsert = new UpdateOptions().upsert(true);
                    pageWrites.forEach((cid, c) -> {
                        List<Bson> update = new ArrayList<>(List.of(Updates.setOnInsert(c.fields)));
                        update.addAll(c.extra);
                        batch.add(new UpdateOneModel<>(Filters.eq("_id", cid),
                                update.size() == 1 ? update.get(0) : Updates.combine(update), upsert));
                    });
                    batch.addAll(writes);
                    settle(false); // the batch writes the target: unresolved grouping documents are settled at once
                    return batch;
                });
        return report(report);
    }

    /** A copy to write: its {@code _id}, key, tenant, the grouping document that asked for it, its fields. */
    private static final class Copy {
        final BsonValue cid;
        final BsonValue key;
        final BsonValue tenant;
        final BsonValue grouping;
        final BsonDocument fields;
        /** Updates to apply with its upsert (merges into it, marks). */
        final List<Bson> extra = new ArrayList<>();

        Copy(BsonValue cid, BsonValue key, BsonValue tenant, BsonValue grouping, BsonDocument fields) {
            this.cid = cid;
            this.key = key;
            this.tenant = tenant;
            this.grouping = grouping;
            this.fields = fields;
        }
    }

    /** Settles copy {@code c}, whose unique values {@code holder} holds, by the policy. */
    private void settleConflict(Copy c, Holders.Holder holder, Map<BsonValue, Copy> pageWrites,
            List<WriteModel<BsonDocument>> writes) {
        BsonDocument values = new BsonDocument();
        for (String field : unique) {
            values.append(field, Objects.requireNonNull(BsonValues.get(c.fields, field)));
        }
        state.conflict(new Conflict(c.tenant, values, c.key, c.grouping, holder.cid(), holder.source(),
                onConflict));
        Copy holderCopy = pageWrites.get(holder.cid());
        switch (onConflict) {
            case MERGE -> {
                Bson merge = Updates.addToSet(mergedField, c.key);
                if (holderCopy != null) {
                    holderCopy.extra.add(merge);
                } else {
                    writes.add(new UpdateOneModel<>(Filters.eq("_id", holder.cid()), merge));
                }
            }
            case KEEP_BOTH -> {
                BsonDocument fields = c.fields.clone();
                unique.forEach(fields::remove);
                fields.put(conflictField, new BsonDocument("with", new BsonArray(List.of(holder.cid())))
                        .append("values", values));
                pageWrites.put(c.cid, new Copy(c.cid, c.key, c.tenant, c.grouping, fields));
                Bson mark = Updates.addToSet(conflictField + ".with", c.cid);
                if (holderCopy != null) {
                    holderCopy.extra.add(mark);
                } else {
                    writes.add(new UpdateOneModel<>(Filters.eq("_id", holder.cid()), mark));
                }
            }
            case STOP -> state.count(StepReport.CONFLICTS_STOPPED, 1);
        }
    }

    @Override
    List<String> failures(StepReport report) {
        long stopped = report.count(StepReport.CONFLICTS_STOPPED);
        return stopped == 0 ? List.of() : List.of(stopped + " copies would share " + String.join(", ", unique)
                + " with another copy of their " + tenantField + " and were not made (onConflict(MERGE) or"
                + " KEEP_BOTH settles them); first: " + report.conflicts().get(0));
    }

    /** How a refused copy is named: by the source document and tenant it was made for. */
    private String origin(WriteModel<BsonDocument> write) {
        if (write instanceof UpdateOneModel<BsonDocument> update) {
            BsonDocument filter = update.getFilter().toBsonDocument();
            BsonDocument u = update.getUpdate() == null ? new BsonDocument() : update.getUpdate().toBsonDocument();
            BsonDocument inserted = u.getDocument("$setOnInsert", new BsonDocument());
            BsonValue src = keepProvenance ? inserted.get(provenance()) : null;
            return targetName() + " " + BsonValues.show(filter.get("_id")) + " for " + sourceName() + " "
                    + BsonValues.show(src) + " in " + tenantField + " " + BsonValues.show(inserted.get(tenantField));
        }
        return String.valueOf(write);
    }

    /**
     * The unique values (normal form, in field order) that more than one source document holds: only copies with
     * those can clash. One {@code $group} over the source; empty when no field is declared unique.
     */
    private Set<List<BsonValue>> sharedValues() {
        Set<List<BsonValue>> shared = new HashSet<>();
        if (unique.isEmpty()) {
            return shared;
        }
        BsonDocument groupKey = new BsonDocument();
        List<Bson> present = new ArrayList<>();
        for (int i = 0; i < unique.size(); i++) {
            groupKey.append("f" + i, new BsonString("$" + unique.get(i)));
            present.add(Filters.ne(unique.get(i), null));
        }
        for (BsonDocument row : Objects.requireNonNull(source).aggregate(List.of(Aggregates.match(Filters.and(present)),
                Aggregates.group(groupKey, Accumulators.sum("n", 1)), Aggregates.match(Filters.gt("n", 1))))
                .allowDiskUse(true)) {
            List<BsonValue> values = new ArrayList<>();
            for (int i = 0; i < unique.size(); i++) {
                // every grouped field was matched $ne null, so each group key has it
                values.add(BsonValues.normal(Objects.requireNonNull(row.getDocument("_id").get("f" + i))));
            }
            shared.add(values);
        }
        return shared;
    }

    /**
     * The copies that hold shared unique values, per tenant: those this run made, and those found in the target (one
     * query per page, for the values the page's copies share).
     */
    private final class Holders {
        record Holder(BsonValue cid, @Nullable BsonValue source) {
        }

        private final Set<List<BsonValue>> shared;
        private final Map<List<BsonValue>, Holder> known = new HashMap<>();

        Holders(Set<List<BsonValue>> shared) {
            this.shared = shared;
        }

        /** The tenant and unique values of {@code c}, or null if it has no values to compare. */
        @Nullable List<BsonValue> keyOf(Copy c) {
            List<BsonValue> values = new ArrayList<>();
            for (String field : unique) {
                BsonValue v = BsonValues.get(c.fields, field);
                if (BsonValues.isNull(v)) {
                    return null;
                }
                values.add(BsonValues.normal(v));
            }
            if (!shared.contains(values)) {
                return null;
            }
            values.add(0, BsonValues.normal(c.tenant));
            return values;
        }

        /** Reads the target's holders of the shared values of {@code copies} not known yet. */
        void lookUp(Collection<Copy> copies, MongoCollection<BsonDocument> to) {
            Set<BsonValue> tenants = new LinkedHashSet<>();
            List<Set<BsonValue>> values = new ArrayList<>();
            unique.forEach(f -> values.add(new LinkedHashSet<>()));
            for (Copy c : copies) {
                List<BsonValue> k = keyOf(c);
                if (k != null && !known.containsKey(k)) {
                    tenants.add(c.tenant);
                    for (int i = 0; i < unique.size(); i++) {
                        values.get(i).add(Objects.requireNonNull(BsonValues.get(c.fields, unique.get(i))));
                    }
                }
            }
            if (tenants.isEmpty()) {
                return;
            }
            List<Bson> query = new ArrayList<>(List.of(Filters.in(tenantField, tenants)));
            for (int i = 0; i < unique.size(); i++) {
                query.add(Filters.in(unique.get(i), values.get(i)));
            }
            List<String> fields = new ArrayList<>(List.of(tenantField));
            fields.addAll(unique);
            if (keepProvenance) {
                fields.add(provenance());
            }
            for (BsonDocument doc : to.find(Filters.and(query)).projection(Projections.include(fields))
                    .sort(Sorts.ascending("_id"))) {
                List<BsonValue> k = new ArrayList<>();
                k.add(BsonValues.normal(Objects.requireNonNull(BsonValues.get(doc, tenantField))));
                boolean complete = true;
                for (String field : unique) {
                    BsonValue v = BsonValues.get(doc, field);
                    complete &= !BsonValues.isNull(v);
                    k.add(v == null ? new BsonString("") : BsonValues.normal(v));
                }
                if (complete) {
                    known.putIfAbsent(k, new Holder(BsonValues.id(doc),
                            keepProvenance ? BsonValues.get(doc, provenance()) : null));
                }
            }
        }

        /** The holder {@code c} clashes with, or null if it is the holder (now or from before). */
        @Nullable Holder claim(Copy c) {
            List<BsonValue> k = keyOf(c);
            if (k == null) {
                return null;
            }
            Holder holder = known.putIfAbsent(k, new Holder(c.cid, c.key));
            return holder == null || BsonValues.normal(holder.cid()).equals(BsonValues.normal(c.cid)) ? null : holder;
        }
    }

    /** The fields of the copy of {@code shared} for {@code tenant}, all but {@code _id}. */
    private BsonDocument copyOf(BsonDocument shared, BsonValue k, BsonValue tenant) {
        BsonDocument out = new BsonDocument(tenantField, tenant);
        if (keepProvenance) {
            out.put(provenance(), k);
        }
        for (String field : copy) {
            BsonValue value = BsonValues.get(shared, field);
            BsonValue fallback = defaults.get(field);
            boolean empty = BsonValues.isNull(value) || value.isString() && value.asString().getValue().isEmpty();
            if (fallback != null && empty) {
                out.put(field, fallback);
            } else if (value != null) {
                out.put(field, value);
            }
        }
        defaults.forEach((field, value) -> {
            if (!copy.contains(field)) {
                out.put(field, value);
            }
        });
        return out;
    }

    private String provenance() {
        return provenance != null ? provenance : key;
    }

    private String sourceName() {
        return source == null ? "?" : source.getNamespace().getCollectionName();
    }

    private String targetName() {
        return target == null ? "?" : target.getNamespace().getCollectionName();
    }

    private void validate() {
        if (source == null || target == null) {
            throw new IllegalStateException("split " + name() + " needs from(source) and into(target)");
        }
        Set<String> written = new LinkedHashSet<>(copy);
        written.addAll(defaults.keySet());
        for (String fixed : keepProvenance ? List.of(tenantField, provenance()) : List.of(tenantField)) {
            if (written.contains(fixed)) {
                throw new IllegalStateException("split " + name() + " both copies or defaults '" + fixed
                        + "' and writes it as the " + (fixed.equals(tenantField) ? "tenant" : "provenance")
                        + " field; drop one");
            }
        }
        if (keepProvenance && provenance().equals(tenantField)) {
            throw new IllegalStateException("split " + name() + ": the provenance and tenant fields are both '"
                    + tenantField + "'");
        }
        for (String field : unique) {
            if (!written.contains(field)) {
                throw new IllegalStateException("split " + name() + " declares '" + field + "' unique per tenant but"
                        + " does not copy it; copy it or drop it from uniquePerTenant");
            }
        }
        if (keepProvenance && (mergedField.equals(provenance()) || conflictField.equals(provenance()))) {
            throw new IllegalStateException("split " + name() + ": the provenance field '" + provenance()
                    + "' is also the merged-from or conflict field");
        }
        for (String field : written) {
            for (String other : written) {
                if (!field.equals(other) && other.startsWith(field + ".")) {
                    throw new IllegalStateException("split " + name() + " writes both '" + field + "' and '" + other
                            + "', which overlap");
                }
            }
        }
    }
}
