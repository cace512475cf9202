package dev.tenantry.collection.internal;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A user filter confined to one tenant: {@code {$and: [{<field>: T}, <filter>]}}, composed and never merged, so no
 * operator inside the user's filter can widen it. Rendered lazily, when the driver encodes the command.
 *
 * <p>{@code exact} adds {@code {<field>: /^T$/}}. MongoDB's {@code $regex} ignores collation, while a
 * collation can make distinct ids compare equal ({@code alternate: "shifted"} ignores {@code -} and {@code _};
 * {@code numericOrdering} equates {@code a01} and {@code a1}), so any operation that carries a collation gets it.
 */
public final class TenantFilter implements Bson {

    private final String field;
    private final String tenant;
    private final @Nullable Bson filter;
    private final boolean exact;
    private final @Nullable BsonDocument also;

    /** Confines {@code filter} (null for none) to {@code tenant}. */
    public TenantFilter(String field, String tenant, @Nullable Bson filter, boolean exact) {
        this(field, tenant, filter, exact, null);
    }

    /**
     * Confines {@code filter} (null for none) to {@code tenant} and to what {@code also} matches (e.g. a soft-delete
     * collection's live documents), composed the same way.
     */
    public TenantFilter(String field, String tenant, @Nullable Bson filter, boolean exact,
                        @Nullable BsonDocument also) {
        this.field = field;
        this.tenant = tenant;
        this.filter = filter;
        this.exact = exact;
        this.also = also;
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

    @Override
    public <D> BsonDocument toBsonDocument(Class<D> documentClass, CodecRegistry codecRegistry) {
        BsonDocument user = filter == null ? null : filter.toBsonDocument(documentClass, codecRegistry);
        boolean hasUser = user != null && !user.isEmpty();
        BsonDocument equality = new BsonDocument(field, new BsonString(tenant));
        if (!hasUser && !exact && also == null) {
            return equality;
        }
        if (hasUser && !exact && also == null && user.getClass() == BsonDocument.class && confines(user)) {
            // The filter already holds this very equality at its top level, so it is confined as it stands; adding
            // ours again would make an upsert fail ("path is matched twice") without narrowing anything. Only a
            // plain BsonDocument qualifies: raw BSON can hold a key twice, and its map view shows only one of them.
            return user;
        }
        BsonArray and = new BsonArray();
        and.add(equality);
        if (exact) {
            and.add(exactMatch(field, tenant));
        }
        if (also != null) {
            and.add(also);
        }
        if (hasUser) {
            and.add(user);
        }
        return new BsonDocument("$and", and);
    }

    /** Whether {@code filter} requires, at its top level or in a top-level {@code $and}, the field to be the tenant. */
    private boolean confines(BsonDocument filter) {
        if (new BsonString(tenant).equals(filter.get(field))) {
            return true;
        }
        org.bson.BsonValue and = filter.get("$and");
        if (and != null && and.isArray()) {
            for (org.bson.BsonValue clause : and.asArray()) {
                if (clause.isDocument() && confines(clause.asDocument())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "TenantFilter{" + field + "=" + tenant + (exact ? " (exact)" : "") + (also != null ? ", " + also : "")
                + ", filter=" + filter + "}";
    }
}
