package dev.tenantry.collection.internal;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A user filter confined to one tenant: {@code {$and: [{<field>: T}, <filter>]}}, composed and never merged, so no
 * operator inside the user's filter can widen it. Built at once from the private copy of the user's filter ({@link
 * PlainBson}), never from the caller's object, so what is sent is what was built.
 *
 * <p>{@code exact} adds {@code {<field>: /^T$/}}. MongoDB's {@code $regex} ignores collation, while a
 * collation can make distinct ids compare equal ({@code alternate: "shifted"} ignores {@code -} and {@code _};
 * {@code numericOrdering} equates {@code a01} and {@code a1}), so any operation that carries a collation gets it.
 *
 * <p>Not API. Thread-safe (stateless).
 */
public final class TenantFilter {

    private TenantFilter() {
    }

    /** The tenant equality {@code {<field>: T}} alone, or with the exact match when {@code exact}. */
    public static BsonDocument tenantMatch(String field, String tenant, boolean exact) {
        return tenantMatch(field, tenant, exact, null);
    }

    /** As {@link #tenantMatch(String, String, boolean)}, and with {@code also} when given. */
    public static BsonDocument tenantMatch(String field, String tenant, boolean exact, @Nullable BsonDocument also) {
        BsonDocument equality = new BsonDocument(field, new BsonString(tenant));
        if (!exact && also == null) {
            return equality;
        }
        BsonArray and = new BsonArray();
        and.add(equality);
        if (exact) {
            and.add(exactMatch(field, tenant));
        }
        if (also != null) {
            and.add(also);
        }
        return new BsonDocument("$and", and);
    }

    private static BsonDocument exactMatch(String field, String tenant) {
        // Tenant ids are [a-z0-9_-]: nothing in them is special to a regular expression outside a class.
        return new BsonDocument(field, new BsonRegularExpression("^" + tenant + "$"));
    }

    /**
     * {@code filter} (a private copy nobody else holds, or null for none) confined to {@code tenant}, and to what
     * {@code also} matches (e.g. a soft-delete collection's live documents), composed the same way. The result may
     * be, or contain, {@code filter} itself.
     */
    public static BsonDocument scope(String field, String tenant, @Nullable BsonDocument filter, boolean exact,
                                     @Nullable BsonDocument also) {
        if (filter == null || filter.isEmpty()) {
            return tenantMatch(field, tenant, exact, also);
        }
        if (!exact && also == null && confines(field, tenant, filter)) {
            // The filter already holds this very equality at its top level, so it is confined as it stands; adding
            // ours again would make an upsert fail ("path is matched twice") without narrowing anything. It is a
            // private plain copy, so it cannot hold a key twice or change after this check.
            return filter;
        }
        BsonArray and = new BsonArray();
        and.add(new BsonDocument(field, new BsonString(tenant)));
        if (exact) {
            and.add(exactMatch(field, tenant));
        }
        if (also != null) {
            and.add(also);
        }
        and.add(filter);
        return new BsonDocument("$and", and);
    }

    /** Whether {@code filter} requires, at its top level or in a top-level {@code $and}, the field to be the tenant. */
    private static boolean confines(String field, String tenant, BsonDocument filter) {
        BsonValue named = filter.get(field);
        if (named != null && named.isString() && named.asString().getValue().equals(tenant)) {
            return true;
        }
        BsonValue and = filter.get("$and");
        if (and != null && and.isArray()) {
            for (BsonValue clause : and.asArray()) {
                if (clause.isDocument() && confines(field, tenant, clause.asDocument())) {
                    return true;
                }
            }
        }
        return false;
    }
}
