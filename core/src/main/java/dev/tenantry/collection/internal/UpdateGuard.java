package dev.tenantry.collection.internal;

import dev.tenantry.TenantViolationException;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Refuses updates that would touch the tenant field: through any update operator ({@code $set}, {@code $unset},
 * {@code $rename} in either direction, {@code $setOnInsert}, {@code $inc}, {@code $push}, ...) on the field itself,
 * a dotted path under it or a positional path through it; and through any stage of an update pipeline.
 */
public final class UpdateGuard {

    private final String field;

    /** Guards {@code field}, a plain top-level field name. */
    public UpdateGuard(String field) {
        this.field = field;
    }

    /** Whether {@code path} is the tenant field or a path inside it. */
    boolean touches(String path) {
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
                if (touches(target.getKey())) {
                    throw violation(name, target.getKey());
                }
                if ("$rename".equals(name) && target.getValue().isString()
                        && touches(target.getValue().asString().getValue())) {
                    throw violation(name, target.getValue().asString().getValue());
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
            BsonValue spec = stage.get(name);
            switch (name) {
                case "$set":
                case "$addFields":
                    if (spec.isDocument()) {
                        for (String path : spec.asDocument().keySet()) {
                            if (touches(path)) {
                                throw violation(name + " stage", path);
                            }
                        }
                    }
                    break;
                case "$unset":
                    List<BsonValue> unset = spec.isArray() ? spec.asArray().getValues() : List.of(spec);
                    for (BsonValue path : unset) {
                        if (path.isString() && touches(path.asString().getValue())) {
                            throw violation("$unset stage", path.asString().getValue());
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
        boolean keepsField = false;
        for (Map.Entry<String, BsonValue> entry : spec.asDocument().entrySet()) {
            String path = entry.getKey();
            BsonValue value = entry.getValue();
            boolean excluded = value.isBoolean() && !value.asBoolean().getValue()
                    || value.isNumber() && value.asNumber().doubleValue() == 0;
            boolean included = value.isBoolean() && value.asBoolean().getValue()
                    || value.isNumber() && value.asNumber().doubleValue() != 0;
            if (touches(path)) {
                if (path.equals(field) && included) {
                    keepsField = true;
                } else {
                    throw violation("$project stage", path);
                }
            } else if (!excluded && !"_id".equals(path)) {
                inclusion = true;
            }
        }
        if (inclusion && !keepsField) {
            throw new TenantViolationException("$project stage in an update pipeline would drop tenant field '"
                    + field + "'; include it with " + field + ": 1");
        }
    }

    private TenantViolationException violation(String operator, String path) {
        return new TenantViolationException(operator + " may not touch tenant field '" + field + "' (path '" + path
                + "'); the tenant of a document never changes");
    }
}
