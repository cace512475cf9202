package dev.tenantry.migration.steps;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
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

    /** The tenant field unless set, as in Tenantry's tenant-scoped collections. */
    public static final String DEFAULT_TENANT_FIELD = "tenantId";

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

    /**
     * Counts the copies that do not exist yet, {@code "<target> to create"}, and, if any, the grouping documents
     * that cannot be split, {@code "<grouping> that cannot be split"}. Reads only: one {@code $group} aggregation
     * over the grouping collection, then {@code $in} look-ups per chunk of its results.
     *
     * @throws IllegalStateException if the source or the target is not set, or the settings conflict
     */
    @Override
    public Plan plan() {
        validate();
        String targetName = Objects.requireNonNull(target).getNamespace().getCollectionName();
        SplitPlan.Counts counts = new SplitPlan(collection, scope(new BsonDocument()), key, tenantField, tenantVia,
                Objects.requireNonNull(source), target, ids, batchSize()).count();
        Plan plan = Plan.of(targetName + " to create", counts.toCreate());
        return counts.unresolved() == 0 ? plan : plan.with(collectionName() + " that cannot be split",
                counts.unresolved());
    }

    /**
     * Upserts one copy per (key, tenant) pair of the grouping documents.
     *
     * @return what was written (new copies are {@link dev.tenantry.migration.batch.BatchReport#upserted() upserted})
     *     and the grouping documents left alone
     * @throws IllegalStateException if the source or the target is not set, or the settings conflict
     * @throws RuntimeException what the server throws, other than refused items; the checkpoint then holds the
     *     last acknowledged batch
     */
    public StepReport run() {
        validate();
        MongoCollection<BsonDocument> from = Objects.requireNonNull(source);
        String sourceName = from.getNamespace().getCollectionName();
        Bson sourceProjection = copy.isEmpty() ? Projections.include("_id") : Projections.include(List.copyOf(copy));
        List<String> read = new ArrayList<>(List.of(key, tenantField));
        if (tenantVia != null) {
            read.add(tenantVia.localKey());
        }
        Misses misses = new Misses();
        Set<BsonValue> written = new HashSet<>();
        MongoCollection<BsonDocument> to = Objects.requireNonNull(target);
        List<@Nullable MongoCollection<BsonDocument>> lookedUp = Arrays.asList(from,
                tenantVia == null ? null : tenantVia.collection());
        var batch = batches(scope(new BsonDocument()), to, lookedUp).into(to)
                .projection(Projections.include(read)).runPages(page -> {
                    BsonValue[] tenants = Lookups.tenants(page, tenantField, tenantVia, misses);
                    @Nullable BsonValue[] cids = new BsonValue[page.size()];
                    Set<BsonValue> keys = new LinkedHashSet<>();
                    for (int i = 0; i < page.size(); i++) {
                        BsonValue k = BsonValues.get(page.get(i), key);
                        if (BsonValues.isNull(k)) {
                            misses.add(page.get(i).get("_id"), "no " + key);
                        } else if (tenants[i] != null) {
                            BsonValue cid = ids.id(k, Objects.requireNonNull(tenants[i]));
                            if (!written.contains(cid)) { // else an earlier page wrote it
                                cids[i] = cid;
                                keys.add(k);
                            }
                        }
                    }
                    Map<BsonValue, BsonDocument> sources = IdLookup.byId(from, keys, sourceProjection);
                    Map<BsonValue, BsonDocument> copies = new LinkedHashMap<>();
                    for (int i = 0; i < page.size(); i++) {
                        BsonValue cid = cids[i];
                        if (cid == null) {
                            continue;
                        }
                        BsonValue k = BsonValues.get(page.get(i), key);
                        BsonValue tenant = Objects.requireNonNull(tenants[i]);
                        BsonDocument shared = sources.get(BsonValues.normal(k));
                        if (shared == null) {
                            misses.add(page.get(i).get("_id"), "no " + sourceName + " document with _id "
                                    + BsonValues.show(k) + " (" + key + ")");
                        } else {
                            copies.computeIfAbsent(cid, x -> copyOf(shared, k, tenant));
                        }
                    }
                    List<WriteModel<BsonDocument>> writes = new ArrayList<>(copies.size());
                    UpdateOptions upsert = new UpdateOptions().upsert(true);
                    copies.forEach((cid, fields) -> {
                        writes.add(new UpdateOneModel<>(Filters.eq("_id", cid), Updates.setOnInsert(fields), upsert));
                        if (written.size() < REMEMBERED) {
                            written.add(cid);
                        }
                    });
                    return writes;
                });
        return report(batch, misses);
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
