package dev.tenantry.collection.internal;

import dev.tenantry.TenantViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Refuses updates that would touch the tenant field: through any update operator ({@code $set}, {@code $unset},
 * {@code $rename} in either direction, {@code $setOnInsert}, {@code $inc}, {@code $push}, ...) on the field itself,
 * a dotted path under it or a positional path through it; and through any stage of an update pipeline. The fields a
 * soft-delete policy owns ({@code deletedAt} and the deletion key) may be guarded the same way: only a delete, {@code
 * restore} and {@code purgeDeleted} change whether a document is deleted.
 *
 * <p>Immutable and thread-safe. Checks read the private copies they are given ({@link PlainBson}).
 */
public final class UpdateGuard {

    private final String field;
    private final List<String> softDeleteFields;

    /** Guards {@code field}, a plain top-level field name. */
    public UpdateGuard(String field) {
        this(field, List.of());
    }

    /** Guards {@code field} and the soft-delete fields {@code softDeleteFields}, plain top-level field names. */
    public UpdateGuard(String field, List<String> softDeleteFields) {
        this.field = field;
        this.softDeleteFields = List.copyOf(softDeleteFields);
    }

    /** Whether {@code path} is the tenant field or a path inside it. */
    boolean touches(String path) {
        return guarded(path) != null;
    }

    /** The guarded field {@code path} is or lies inside, or null. */
    private @Nullable String guarded(String path) {
        if (within(path, field)) {
            return field;
        }
        for (String f : softDeleteFields) {
            if (within(path, f)) {
                return f;
            }
        }
        return null;
    }

    private static boolean within(String path, String field) {
        return path.equals(field) || path.startsWith(field) && path.length() > field.length()
                && path.charAt(field.length()) == '.';
    }

    /**
     * Checks an operator update document.
     *
     * @throws TenantViolationException naming the operator and path, if it touches the tenant field
     * @throws IllegalArgumentException if the document holds no update operators
     */
    public void checkUpdate(BsonDocument update) {
        if (update.isEmpty()) {
            throw new IllegalArgumentException("update document must not be empty");
        }
        for (Map.Entry<String, BsonValue> operator : update.entrySet()) {
            String name = operator.getKey();
            if (!name.startsWith("$")) {
                throw new IllegalArgumentException("update documents hold update operators such as $set; '" + name
                        + "' is a field name (use replaceOne to replace a document)");
            }
            BsonValue paths = operator.getValue();
            if (!paths.isDocument()) {
                continue; // the server rejects a malformed operator; nothing here can name the field
            }
            for (Map.Entry<String, BsonValue> target : paths.asDocument().entrySet()) {
                check(name, target.getKey());
                if ("$rename".equals(name) && target.getValue().isString()) {
                    check(name, target.getValue().asString().getValue());
                }
            }
        }
    }

    /**
     * Checks an update pipeline: {@code $set}/{@code $addFields} may not assign the tenant field, {@code $unset} and
     * {@code $project} may not drop or compute it, and {@code $replaceRoot}/{@code $replaceWith} are refused because
     * they replace the whole document, tenant field included.
     *
     * @throws TenantViolationException naming the stage, if a stage could change the tenant field
     */
    public void checkPipeline(List<BsonDocument> stages) {
        for (BsonDocument stage : stages) {
            if (stage.size() != 1) {
                throw new IllegalArgumentException("an update pipeline stage has exactly one field, was " + stage);
            }
            String name = stage.getFirstKey();
            BsonValue spec = PlainBson.firstValue(stage);
            switch (name) {
                case "$set":
                case "$addFields":
                    if (spec.isDocument()) {
                        for (String path : spec.asDocument().keySet()) {
                            check(name + " stage", path);
                        }
                    }
                    break;
                case "$unset":
                    List<BsonValue> unset = spec.isArray() ? spec.asArray().getValues() : List.of(spec);
                    for (BsonValue path : unset) {
                        if (path.isString()) {
                            check("$unset stage", path.asString().getValue());
                        }
                    }
                    break;
                case "$project":
                    checkProject(spec);
                    break;
                case "$replaceRoot":
                case "$replaceWith":
                    throw new TenantViolationException(name + " in an update pipeline replaces the whole document, "
                            + "tenant field '" + field + "' included; use $set/$unset on the fields that change");
                default:
                    throw new TenantViolationException("update pipeline stage " + name + " is not allowed on a "
                            + "tenant-scoped collection; use $set, $addFields, $unset or $project");
            }
        }
    }

    private void checkProject(BsonValue spec) {
        if (!spec.isDocument()) {
            return;
        }
        boolean inclusion = false;
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, BsonValue> entry : spec.asDocument().entrySet()) {
            String path = entry.getKey();
            BsonValue value = entry.getValue();
            boolean excluded = value.isBoolean() && !value.asBoolean().getValue()
                    || value.isNumber() && value.asNumber().doubleValue() == 0;
            boolean included = value.isBoolean() && value.asBoolean().getValue()
                    || value.isNumber() && value.asNumber().doubleValue() != 0;
            String touched = guarded(path);
            if (touched != null) {
                if (path.equals(touched) && included) {
                    kept.add(touched);
                } else {
                    throw violation("$project stage", path);
                }
            } else if (!excluded && !"_id".equals(path)) {
                inclusion = true;
            }
        }
        if (inclusion) {
            List<String> all = new ArrayList<>(softDeleteFields);
            all.add(0, field);
            all.removeAll(kept);
            if (!all.isEmpty()) {
                throw new TenantViolationException("$project stage in an update pipeline would drop "
                        + (all.get(0).equals(field) ? "tenant field '" : "soft-delete field '") + all.get(0)
                        + "'; include it with " + all.get(0) + ": 1");
            }
        }
    }

    /** Refuses {@code path} under {@code operator} if it is or lies inside a guarded field. */
    private void check(String operator, String path) {
        if (guarded(path) != null) {
            throw violation(operator, path);
        }
    }

    private TenantViolationException violation(String operator, String path) {
        String touched = guarded(path);
        if (field.equals(touched)) {
            return new TenantViolationException(operator + " may not touch tenant field '" + field + "' (path '"
                    + path + "'); the tenant of a document never changes");
        }
        return new TenantViolationException(operator + " may not touch soft-delete field '" + touched + "' (path '"
                + path + "'); documents are deleted with deleteOne/deleteMany and brought back with restore");
    }
}
