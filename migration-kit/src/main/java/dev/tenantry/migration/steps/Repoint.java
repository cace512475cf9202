package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Sets a reference to a tenant-scoped document in place of a reference to a shared one: in seed 2, each booking's
 * {@code customerId} becomes the customer of the booking's user in the booking's own business.
 *
 * <pre>{@code
 * Repoint.of(bookings).field("customerId").from("userId").to(customers).tenantField("businessId").in(ctx).run();
 * }</pre>
 *
 * <p>By default the reference is computed: the target made by {@link Split} for (user, business) has
 * {@code _id} {@link IdScheme#id ids.id(userId, businessId)}, so no look-up by user is needed; {@code $in} queries
 * per page on the target's {@code _id} still confirm that each target exists and belongs to the document's tenant, so a
 * reference is never written to a missing or foreign document. {@link #byLookup} instead finds the target whose
 * given field equals the old reference within the same tenant (for targets not made by a split), with
 * {@code $in} queries per page.
 *
 * <p>Only documents whose reference field is missing or null are touched, with {@code $set} (and {@code $unset} of
 * the old reference with {@link #dropOldReference()}, {@code $set} of the tenant with {@link #writeTenant()}), so a
 * rerun has nothing left to do. A document whose old reference or tenant is missing, or whose target is missing,
 * foreign or (by look-up) ambiguous, keeps its references (it may still be given its tenant) and is unresolved: by
 * default the step does the rest, then fails naming them ({@link #onUnresolved} quarantines or skips them instead).
 * A target the split {@link OnConflict#MERGE merged} the old reference into is found through its
 * {@link #mergedFrom merged-from} field. As with {@link Backfill}, run it while nothing else writes the new
 * reference, then rerun it to catch documents created meanwhile.
 *
 * <p>Not thread-safe: configure, then run from one thread. Running again is safe.
 *
 * @since 0.1
 */
public final class Repoint extends BatchedStep<Repoint> {

    private @Nullable String field;
    private @Nullable String from;
    private @Nullable MongoCollection<BsonDocument> target;
    private String tenantField = Split.DEFAULT_TENANT_FIELD;
    private @Nullable Relation tenantVia;
    private IdScheme ids = IdScheme.sha256();
    private @Nullable String lookupField;
    private boolean dropOldReference;
    private boolean writeTenant;
    private String mergedField = Split.DEFAULT_MERGED_FIELD;
    private @Nullable String provenance;

    private Repoint(MongoCollection<BsonDocument> collection) {
        super(collection);
    }

    /**
     * Re-points references held by documents of {@code collection}.
     *
     * @param collection e.g. bookings
     * @return the step, to configure
     */
    public static Repoint of(MongoCollection<BsonDocument> collection) {
        return new Repoint(collection);
    }

    /**
     * The reference field to set, e.g. {@code "customerId"}.
     *
     * @param field a field path
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path or is {@code _id}
     */
    public Repoint field(String field) {
        Fields.check("field", field);
        if (field.equals("_id")) {
            throw new IllegalArgumentException("a repoint cannot set _id");
        }
        this.field = field;
        return this;
    }

    /**
     * The old reference, to the shared document, e.g. {@code "userId"}.
     *
     * @param oldReference a field path
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path
     */
    public Repoint from(String oldReference) {
        this.from = Fields.check("from", oldReference);
        return this;
    }

    /**
     * The tenant-scoped collection the new reference points into, e.g. customers.
     *
     * @param target the referenced collection
     * @return this step
     */
    public Repoint to(MongoCollection<BsonDocument> target) {
        this.target = Objects.requireNonNull(target, "target");
        return this;
    }

    /**
     * The tenant field of the documents and of their targets (default {@value Split#DEFAULT_TENANT_FIELD}).
     *
     * @param field e.g. {@code "businessId"}
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path or is {@code _id}
     */
    public Repoint tenantField(String field) {
        Fields.check("tenantField", field);
        if (field.equals("_id")) {
            throw new IllegalArgumentException("the tenant field cannot be _id");
        }
        this.tenantField = field;
        return this;
    }

    /**
     * Where a document lacks the tenant field, takes its tenant from the same-named field of the document
     * {@code relation} leads to.
     *
     * @param relation e.g. {@code Relation.of(services, "serviceId")}
     * @return this step
     */
    public Repoint tenantVia(Relation relation) {
        this.tenantVia = Objects.requireNonNull(relation, "relation");
        return this;
    }

    /**
     * How the targets' {@code _id}s were made (default {@link IdScheme#sha256()}): the same scheme as the
     * {@link Split} that made them.
     *
     * @param ids the scheme
     * @return this step
     */
    public Repoint ids(IdScheme ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
        return this;
    }

    /**
     * Finds each target by look-up instead of computing its {@code _id}: the target document of the same tenant
     * whose {@code targetField} equals the old reference (e.g. a customer's {@code userId}). The {@link #ids id
     * scheme} is then not used.
     *
     * @param targetField a field path of the target documents
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path
     */
    public Repoint byLookup(String targetField) {
        this.lookupField = Fields.check("targetField", targetField);
        return this;
    }

    /**
     * Removes the old reference in the same write that sets the new one: the expand and contract of one reference in
     * a single pass, for a migration that does not need both references side by side (it is rolled back by restoring
     * a backup, not by reading the old reference). A document left alone keeps its old reference. Without this, drop
     * the old reference afterwards with {@link Unset}, once the new one is verified.
     *
     * @return this step
     */
    public Repoint dropOldReference() {
        this.dropOldReference = true;
        return this;
    }

    /**
     * Also sets the tenant field of each document that lacks it to the tenant found through {@link #tenantVia}, in
     * the step's own write: the {@link Backfill} of the tenant and the re-pointing in one pass. Every document the
     * step reads gets it, also one whose target is missing (reported as usual); a document that already has a tenant
     * keeps it.
     *
     * @return this step
     */
    public Repoint writeTenant() {
        this.writeTenant = true;
        return this;
    }

    /**
     * Where the {@link Split} that made the targets records the shared documents it {@link OnConflict#MERGE merged}
     * into a target (default {@value Split#DEFAULT_MERGED_FIELD}): a document whose computed target is missing is
     * pointed at the target of its tenant that lists its old reference there.
     *
     * @param field a field path of the target documents
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path
     */
    public Repoint mergedFrom(String field) {
        this.mergedField = Fields.check("mergedFrom", field);
        return this;
    }

    /**
     * The field of the targets that records the shared document each was made from (default: the old reference's
     * name, as {@link Split} names its provenance). With {@link #dropOldReference()}, an old reference is dropped only
     * where its target records it there or as merged, so it is kept somewhere.
     *
     * @param field a field path of the target documents
     * @return this step
     * @throws IllegalArgumentException if it is not a usable field path
     */
    public Repoint provenance(String field) {
        this.provenance = Fields.check("provenance", field);
        return this;
    }

    @Override
    Repoint self() {
        return this;
    }

    @Override
    String defaultName() {
        return "repoint " + collectionName() + "." + (field == null ? "?" : field);
    }

    @Override
    public Set<String> reads() {
        Set<String> out = new LinkedHashSet<>(List.of(collectionName(), targetName()));
        if (tenantVia != null) {
            out.add(tenantVia.name());
        }
        return out;
    }

    @Override
    public Set<String> writes() {
        return written();
    }

    /**
     * Counts the documents whose reference is not set yet, {@code "<collection> to re-point"}, and those whose target
     * cannot be found (no old reference, no tenant, no target, a foreign or ambiguous one), as the step's
     * {@link #onUnresolved policy} treats them: a predicted failure (by default), {@code "<collection> to quarantine
     * (...)"} or {@code "<collection> to leave alone (...)"}. Reads only: the documents to re-point in pages, with
     * the look-ups a run makes. Where an earlier step of the same plan writes the target collection, targets are not
     * looked up (they may not exist yet) and the line depends on that step.
     *
     * @throws IllegalStateException if the field, the old reference or the target is not set
     */
    @Override
    public Plan.Line plan() {
        return plan(Planning.alone());
    }

    @Override
    Plan.Line plan(Planning planning) {
        validate();
        Bson pending = planScope(Filters.eq(Objects.requireNonNull(field), null), planning);
        long count = collection.countDocuments(pending);
        boolean checkTargets = planning.writersOf(targetName()).isEmpty();
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, List<BsonValue>> ids = dependent(planning) ? Map.of() : simulate(pending,
                Projections.include(readFields()), (page, trial) -> resolve(page, trial, checkTargets), counts);
        long bad = counts.values().stream().mapToLong(Long::longValue).sum();
        Plan.Line line = Plan.Line.of(name()).with(collectionName() + " to re-point", count - bad);
        return unresolvable(line, planning, ids, counts);
    }

    /**
     * Sets the reference on every document that lacks it and whose target is found; the others are settled by the
     * step's {@link #onUnresolved policy}.
     *
     * @return what was written and what was left alone or quarantined
     * @throws IllegalStateException if the field, the old reference or the target is not set
     * @throws StepFailedException if documents could not be resolved (and the policy is to fail), writes were
     *     refused, or an old reference to drop is recorded nowhere else, once everything else is done
     * @throws RuntimeException what the server throws, other than refused items; the checkpoint then holds the
     *     last acknowledged batch
     */
    public StepReport run() {
        validate();
        String f = Objects.requireNonNull(field);
        String old = Objects.requireNonNull(from);
        List<@Nullable MongoCollection<BsonDocument>> lookedUp = Arrays.asList(target,
                tenantVia == null ? null : tenantVia.collection());
        boolean quarantining = onUnresolved() == OnUnresolved.QUARANTINE;
        var batch = batches(pending(), collection, lookedUp).projection(Projections.include(readFields()))
                .runPages(page -> {
                    Resolution resolved = resolve(page, state, true);
                    List<WriteModel<BsonDocument>> writes = new ArrayList<>(page.size());
                    for (int i = 0; i < page.size(); i++) {
                        BsonValue id = BsonValues.id(page.get(i));
                        if (quarantining && state.missed(id)) {
                            continue; // it moves to quarantine as it is
                        }
                        List<Bson> updates = new ArrayList<>(3);
                        BsonValue ref = resolved.refs[i];
                        if (ref != null) {
                            updates.add(Updates.set(f, ref));
                            if (dropOldReference && resolved.kept[i]) {
                                updates.add(Updates.unset(old));
                            } else if (dropOldReference) {
                                state.count(StepReport.VALUES_REFUSED, 1);
                            }
                        }
                        BsonValue tenant = resolved.tenants[i];
                        if (writeTenant && tenant != null
                                && BsonValues.isNull(BsonValues.get(page.get(i), tenantField))) {
                            updates.add(Updates.set(tenantField, tenant));
                        }
                        if (!updates.isEmpty()) {
                            // By _id alone, as in Backfill: nothing else writes the new reference during the
                            // expand phase.
                            writes.add(new UpdateOneModel<>(Filters.eq("_id", id),
                                    updates.size() == 1 ? updates.get(0) : Updates.combine(updates)));
                        }
                    }
                    writes.addAll(settle(true));
                    return writes;
                });
        return report(batch);
    }

    @Override
    List<String> failures(StepReport report) {
        long refused = report.count(StepReport.VALUES_REFUSED);
        return refused == 0 ? List.of() : List.of(refused + " old references (" + from + ") were kept: their "
                + targetName() + " document records neither " + provenance() + " nor " + mergedField
                + ", so dropping them would lose them (keep a provenance in the split)");
    }

    /** The fields a page reads. */
    private List<String> readFields() {
        List<String> read = new ArrayList<>(List.of(Objects.requireNonNull(from), tenantField));
        if (tenantVia != null) {
            read.add(tenantVia.localKey());
        }
        return read;
    }

    /** Each document's tenant and new reference, and whether its target records the old one. */
    private record Resolution(@Nullable BsonValue[] tenants, @Nullable BsonValue[] refs, boolean[] kept) {
    }

    /**
     * Resolves a page: each document's tenant and target, recording in {@code st} those that have none; with
     * {@code checkTargets} false (a plan whose earlier steps make the targets), targets are not looked up.
     */
    private Resolution resolve(List<BsonDocument> page, StepState st, boolean checkTargets) {
        BsonValue[] tenants = Lookups.tenants(page, tenantField, tenantVia, st);
        boolean[] kept = new boolean[page.size()];
        if (!checkTargets) {
            for (int i = 0; i < page.size(); i++) {
                oldReference(page.get(i), tenants[i], st);
            }
            return new Resolution(tenants, new BsonValue[page.size()], kept);
        }
        BsonValue[] refs = lookupField == null ? computed(page, tenants, st, kept)
                : lookedUp(page, tenants, st, kept);
        return new Resolution(tenants, refs, kept);
    }

    /**
     * The computed references, each confirmed to exist in the document's tenant; a target that is missing is looked
     * for among the targets a {@link Split} merged the old reference into ({@link #mergedFrom}).
     */
    private @Nullable BsonValue[] computed(List<BsonDocument> page, @Nullable BsonValue[] tenants, StepState st,
            boolean[] kept) {
        BsonValue[] refs = new BsonValue[page.size()];
        BsonValue[] olds = new BsonValue[page.size()];
        for (int i = 0; i < page.size(); i++) {
            olds[i] = oldReference(page.get(i), tenants[i], st);
            if (olds[i] != null && tenants[i] != null) {
                refs[i] = ids.id(olds[i], Objects.requireNonNull(tenants[i]));
            }
        }
        Set<BsonValue> wanted = new LinkedHashSet<>();
        for (BsonValue ref : refs) {
            if (ref != null) {
                wanted.add(ref);
            }
        }
        Map<BsonValue, BsonDocument> found = IdLookup.byId(Objects.requireNonNull(target), wanted,
                Projections.include(tenantField, provenance(), mergedField));
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < page.size(); i++) {
            if (refs[i] != null && !found.containsKey(BsonValues.normal(refs[i]))) {
                missing.add(i);
            }
        }
        Map<List<BsonValue>, BsonDocument> merged = merged(missing, olds, tenants);
        for (int i = 0; i < page.size(); i++) {
            BsonValue ref = refs[i];
            if (ref == null) {
                continue;
            }
            BsonDocument doc = found.get(BsonValues.normal(ref));
            if (doc == null) {
                doc = merged.get(List.of(BsonValues.normal(olds[i]), BsonValues.normal(tenants[i])));
                if (doc != null) {
                    refs[i] = ref = doc.get("_id");
                }
            }
            BsonValue tenant = doc == null ? null : BsonValues.get(doc, tenantField);
            if (doc == null) {
                st.miss(BsonValues.id(page.get(i)), new StepState.Miss("no " + targetName() + " document",
                        "no " + targetName() + " document " + BsonValues.show(ref) + " for " + from + " "
                                + BsonValues.show(olds[i]) + " in " + tenantField + " " + BsonValues.show(tenants[i])));
                refs[i] = null;
            } else if (BsonValues.isNull(tenant)
                    || !BsonValues.normal(tenant).equals(BsonValues.normal(Objects.requireNonNull(tenants[i])))) {
                st.miss(BsonValues.id(page.get(i)), new StepState.Miss(targetName() + " of another " + tenantField,
                        targetName() + " " + BsonValues.show(ref) + " belongs to " + tenantField + " "
                                + BsonValues.show(tenant) + ", not " + BsonValues.show(tenants[i])));
                refs[i] = null;
            } else {
                kept[i] = holds(doc, provenance(), olds[i]) || holds(doc, mergedField, olds[i]);
            }
        }
        return refs;
    }

    /** The targets that list one of the missing documents' old references as merged, by (old reference, tenant). */
    private Map<List<BsonValue>, BsonDocument> merged(List<Integer> missing, @Nullable BsonValue[] olds,
            @Nullable BsonValue[] tenants) {
        Map<List<BsonValue>, BsonDocument> out = new HashMap<>();
        if (missing.isEmpty()) {
            return out;
        }
        Set<BsonValue> oldValues = new LinkedHashSet<>();
        Set<BsonValue> tenantValues = new LinkedHashSet<>();
        for (int i : missing) {
            oldValues.add(Objects.requireNonNull(olds[i]));
            tenantValues.add(Objects.requireNonNull(tenants[i]));
        }
        List<BsonValue> all = new ArrayList<>(oldValues);
        for (int start = 0; start < all.size(); start += IdLookup.MAX_IN) {
            Bson query = Filters.and(Filters.in(mergedField, all.subList(start, Math.min(all.size(),
                    start + IdLookup.MAX_IN))), Filters.in(tenantField, tenantValues));
            for (BsonDocument doc : Objects.requireNonNull(target).find(query)
                    .projection(Projections.include(tenantField, provenance(), mergedField))) {
                BsonValue t = BsonValues.get(doc, tenantField);
                BsonValue m = BsonValues.get(doc, mergedField);
                if (t != null && m != null && m.isArray()) {
                    for (BsonValue source : m.asArray()) {
                        out.putIfAbsent(List.of(BsonValues.normal(source), BsonValues.normal(t)), doc);
                    }
                }
            }
        }
        return out;
    }

    /** Whether {@code doc}'s {@code path} is {@code value} or an array holding it. */
    static boolean holds(BsonDocument doc, String path, @Nullable BsonValue value) {
        BsonValue v = BsonValues.get(doc, path);
        if (v == null || value == null) {
            return false;
        }
        BsonValue wanted = BsonValues.normal(value);
        if (BsonValues.normal(v).equals(wanted)) {
            return true;
        }
        return v.isArray() && v.asArray().stream().anyMatch(e -> BsonValues.normal(e).equals(wanted));
    }

    /** The references found by look-up on {@code lookupField} within each document's tenant. */
    private @Nullable BsonValue[] lookedUp(List<BsonDocument> page, @Nullable BsonValue[] tenants, StepState st,
            boolean[] kept) {
        String by = Objects.requireNonNull(lookupField);
        BsonValue[] olds = new BsonValue[page.size()];
        Set<BsonValue> oldValues = new LinkedHashSet<>();
        Set<BsonValue> tenantValues = new LinkedHashSet<>();
        for (int i = 0; i < page.size(); i++) {
            olds[i] = oldReference(page.get(i), tenants[i], st);
            if (olds[i] != null && tenants[i] != null) {
                oldValues.add(olds[i]);
                tenantValues.add(tenants[i]);
            }
        }
        Map<List<BsonValue>, List<BsonValue>> found = new HashMap<>();
        List<BsonValue> all = new ArrayList<>(oldValues);
        for (int start = 0; start < all.size(); start += IdLookup.MAX_IN) {
            List<BsonValue> chunk = all.subList(start, Math.min(all.size(), start + IdLookup.MAX_IN));
            Bson query = Filters.and(Filters.in(by, chunk), Filters.in(tenantField, tenantValues));
            for (BsonDocument doc : Objects.requireNonNull(target).find(query)
                    .projection(Projections.include(by, tenantField))) {
                BsonValue k = BsonValues.get(doc, by);
                BsonValue t = BsonValues.get(doc, tenantField);
                if (k != null && t != null) {
                    found.computeIfAbsent(List.of(BsonValues.normal(k), BsonValues.normal(t)), x -> new ArrayList<>())
                            .add(doc.get("_id"));
                }
            }
        }
        BsonValue[] refs = new BsonValue[page.size()];
        for (int i = 0; i < page.size(); i++) {
            BsonValue old = olds[i];
            BsonValue tenant = tenants[i];
            if (old == null || tenant == null) {
                continue;
            }
            List<BsonValue> matches = found.getOrDefault(List.of(BsonValues.normal(old), BsonValues.normal(tenant)),
                    List.of());
            if (matches.size() == 1) {
                refs[i] = matches.get(0);
                kept[i] = true; // the target holds the old reference under the field it was found by
            } else {
                String category = (matches.isEmpty() ? "no " : "several ") + targetName() + " documents with " + by;
                st.miss(BsonValues.id(page.get(i)), new StepState.Miss(category, (matches.isEmpty() ? "no "
                        : matches.size() + " ") + targetName() + " documents with " + by + " " + BsonValues.show(old)
                        + " in " + tenantField + " " + BsonValues.show(tenant)));
            }
        }
        return refs;
    }

    /** The document's old reference, or null (recorded) if missing; a missing tenant is already recorded. */
    private @Nullable BsonValue oldReference(BsonDocument doc, @Nullable BsonValue tenant, StepState st) {
        BsonValue old = BsonValues.get(doc, Objects.requireNonNull(from));
        if (BsonValues.isNull(old)) {
            if (tenant != null) {
                st.miss(BsonValues.id(doc), "no " + from);
            }
            return null;
        }
        return old;
    }

    private String provenance() {
        return provenance != null ? provenance : Objects.requireNonNull(from);
    }

    private Bson pending() {
        return scope(Filters.eq(Objects.requireNonNull(field), null));
    }

    /** Whether one path is the other or holds it. */
    private static boolean overlap(String a, String b) {
        return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
    }

    private String targetName() {
        return Objects.requireNonNull(target).getNamespace().getCollectionName();
    }

    private void validate() {
        if (field == null || from == null || target == null) {
            throw new IllegalStateException("repoint of " + collectionName() + " needs field(...), from(...) and"
                    + " to(target)");
        }
        if (field.equals(from)) {
            throw new IllegalStateException("repoint " + name() + " would overwrite its old reference '" + from
                    + "'; set a new field");
        }
        if (writeTenant && tenantVia == null) {
            throw new IllegalStateException("repoint " + name() + " can write the tenant only where it finds it:"
                    + " add tenantVia(relation)");
        }
        if (writeTenant && (overlap(tenantField, field) || overlap(tenantField, from))) {
            throw new IllegalStateException("repoint " + name() + " cannot write the tenant field '" + tenantField
                    + "' in the write that sets '" + field + "' from '" + from + "': the paths overlap");
        }
        if (dropOldReference && overlap(field, from)) {
            throw new IllegalStateException("repoint " + name() + " cannot drop its old reference '" + from
                    + "' in the write that sets '" + field + "': one path holds the other");
        }
    }
}
