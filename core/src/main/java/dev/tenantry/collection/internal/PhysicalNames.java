package dev.tenantry.collection.internal;

import com.mongodb.MongoNamespace;
import dev.tenantry.InvalidTenantIdException;
import dev.tenantry.TenantId;
import dev.tenantry.collection.IsolationStrategy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where a tenant's documents physically live, and the rules that keep every such name valid for MongoDB and
 * reversible: from a physical namespace one can tell, unambiguously, the logical collection and the tenant.
 *
 * <ul>
 *   <li>{@code SHARED}: {@code <database>.<logical>};
 *   <li>{@code COLLECTION_PER_TENANT}: {@code <database>.<logical>__<tenant>}. A logical name holds no {@code __}
 *       and does not end with {@code _}, and a tenant id starts with a letter or digit, so the first {@code __} of
 *       a physical name is the separator;
 *   <li>{@code DATABASE_PER_TENANT}: {@code <prefix><tenant>.<logical>}. A tenant whose database name would be one
 *       MongoDB reserves ({@code admin}, {@code local}, {@code config}, in any case) cannot be placed there; nor may
 *       the main database be one a tenant's would be.
 * </ul>
 * Lengths are counted in UTF-8 bytes against MongoDB's limits, for the longest tenant id ({@value
 * TenantId#MAX_LENGTH} characters): database names of at most {@value #MAX_DATABASE_BYTES} bytes, namespaces of at
 * most {@value #MAX_NAMESPACE_BYTES} bytes (MongoDB allows 255 for an unsharded collection and 235 for a sharded one;
 * the lower bound keeps every collection shardable).
 *
 * <p>Immutable and thread-safe.
 */
public final class PhysicalNames {

    /** Separates the logical name from the tenant in per-tenant collection names. */
    public static final String COLLECTION_SEPARATOR = "__";

    /** MongoDB's limit on database names: fewer than 64 bytes. */
    public static final int MAX_DATABASE_BYTES = 63;

    /** MongoDB's limit on a sharded collection's namespace {@code <database>.<collection>} (255 unsharded). */
    public static final int MAX_NAMESPACE_BYTES = 235;

    /** Databases MongoDB keeps for itself; names differing from them only by case cannot be created either. */
    private static final List<String> RESERVED_DATABASES = List.of("admin", "local", "config");

    private final String database;
    private final String prefix;
    private final Map<String, IsolationStrategy> collections;
    /** The tenants whose per-tenant database would be a reserved one: usually none. */
    private final Set<String> reservedTenants;

    /**
     * Names for a registry that {@link #checkRegistry} has accepted.
     *
     * @param database the main database
     * @param prefix the prefix of per-tenant database names
     * @param collections the registered logical names and their isolation
     */
    public PhysicalNames(String database, String prefix, Map<String, IsolationStrategy> collections) {
        this.database = database;
        this.prefix = prefix;
        this.collections = Collections.unmodifiableMap(new LinkedHashMap<>(collections));
        this.reservedTenants = Set.copyOf(reservedTenants(prefix));
    }

    // ---------------------------------------------------------------- rules, checked when a registry is built

    /**
     * Why {@code database} cannot be a registry's main database, or null if it can.
     */
    public static @Nullable String databaseNameProblem(String database) {
        String reserved = reserved(database);
        return reserved == null ? null : "is '" + reserved + "', a database MongoDB keeps for itself; keep tenant "
                + "data in a database of its own";
    }

    /**
     * Why {@code name} cannot be registered as a logical collection isolated by {@code isolation}, or null if it
     * can. Lengths are checked by {@link #checkRegistry}, once the database names are known.
     */
    public static @Nullable String logicalNameProblem(String name, IsolationStrategy isolation) {
        if (name.isEmpty()) {
            return "must not be empty";
        }
        if (name.indexOf('$') >= 0 || name.indexOf('\0') >= 0) {
            return "must not contain '$' or NUL";
        }
        if (name.contains(COLLECTION_SEPARATOR)) {
            return "must not contain '" + COLLECTION_SEPARATOR + "', which separates the logical name from the "
                    + "tenant in per-tenant collection names";
        }
        if (name.startsWith("system.") || name.startsWith(".")) {
            return "must not start with 'system.' or '.'";
        }
        if (isolation == IsolationStrategy.COLLECTION_PER_TENANT && name.endsWith("_")) {
            return "must not end with '_' when isolated COLLECTION_PER_TENANT: the physical name '" + name
                    + COLLECTION_SEPARATOR + "<tenant>' would not tell where the logical name ends";
        }
        return null;
    }

    /**
     * Checks what can be decided before any tenant is known: every physical name stays within MongoDB's limits for
     * the longest tenant id, and the main database cannot be a tenant's database.
     *
     * @throws IllegalStateException naming the collection, the name it would get, and the limit
     */
    public static void checkRegistry(String database, String prefix, Map<String, IsolationStrategy> collections) {
        List<String> problems = new ArrayList<>();
        String longestTenant = "<tenant>";
        boolean perTenantDatabases = collections.containsValue(IsolationStrategy.DATABASE_PER_TENANT);
        if (perTenantDatabases) {
            int databaseBytes = bytes(prefix) + TenantId.MAX_LENGTH;
            if (databaseBytes > MAX_DATABASE_BYTES) {
                problems.add("per-tenant database names '" + prefix + longestTenant + "' can reach " + databaseBytes
                        + " bytes with a " + TenantId.MAX_LENGTH + "-character tenant id; MongoDB allows "
                        + MAX_DATABASE_BYTES + "; set a shorter tenantDatabasePrefix");
            }
            String rest = database.toLowerCase(Locale.ROOT);
            if (rest.startsWith(prefix.toLowerCase(Locale.ROOT))
                    && TenantId.isValid(rest.substring(prefix.length()))) {
                problems.add("main database '" + database + "' would also be the own database of tenant '"
                        + rest.substring(prefix.length()) + "' under prefix '" + prefix + "'; choose a "
                        + "tenantDatabasePrefix the main database's name does not start with");
            }
        }
        for (Map.Entry<String, IsolationStrategy> e : collections.entrySet()) {
            String logical = e.getKey();
            String namespace;
            int length;
            switch (e.getValue()) {
                case SHARED:
                    namespace = database + "." + logical;
                    length = bytes(database) + 1 + bytes(logical);
                    break;
                case COLLECTION_PER_TENANT:
                    namespace = database + "." + logical + COLLECTION_SEPARATOR + longestTenant;
                    length = bytes(database) + 1 + bytes(logical) + COLLECTION_SEPARATOR.length()
                            + TenantId.MAX_LENGTH;
                    break;
                case DATABASE_PER_TENANT:
                    namespace = prefix + longestTenant + "." + logical;
                    length = bytes(prefix) + TenantId.MAX_LENGTH + 1 + bytes(logical);
                    break;
                default:
                    throw new AssertionError(e.getValue());
            }
            if (length > MAX_NAMESPACE_BYTES) {
                problems.add("collection '" + logical + "' (" + e.getValue() + ") would live in namespace '"
                        + namespace + "', which can reach " + length + " bytes (UTF-8) with a " + TenantId.MAX_LENGTH
                        + "-character tenant id; MongoDB allows " + MAX_NAMESPACE_BYTES + " bytes for a collection "
                        + "that may be sharded; use a shorter name");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }

    /** The tenants whose database under {@code prefix} would be a reserved one (compared ignoring case). */
    static Set<String> reservedTenants(String prefix) {
        Set<String> out = new java.util.TreeSet<>();
        for (String reserved : RESERVED_DATABASES) {
            if (reserved.length() > prefix.length() && reserved.regionMatches(true, 0, prefix, 0, prefix.length())) {
                String tenant = reserved.substring(prefix.length());
                if (TenantId.isValid(tenant)) {
                    out.add(tenant);
                }
            }
        }
        return out;
    }

    private static @Nullable String reserved(String database) {
        for (String reserved : RESERVED_DATABASES) {
            if (reserved.equalsIgnoreCase(database)) {
                return reserved;
            }
        }
        return null;
    }

    private static int bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    // ---------------------------------------------------------------- derivation, both ways

    /**
     * Where {@code tenant}'s documents of {@code logical} live.
     *
     * @throws InvalidTenantIdException if the tenant's own database would be one MongoDB reserves
     */
    public MongoNamespace namespace(String logical, IsolationStrategy strategy, TenantId tenant) {
        switch (strategy) {
            case SHARED:
                return new MongoNamespace(database, logical);
            case COLLECTION_PER_TENANT:
                return new MongoNamespace(database, logical + COLLECTION_SEPARATOR + tenant.value());
            case DATABASE_PER_TENANT:
                return new MongoNamespace(tenantDatabase(tenant), logical);
            default:
                throw new AssertionError(strategy);
        }
    }

    private String tenantDatabase(TenantId tenant) {
        if (!reservedTenants.isEmpty() && reservedTenants.contains(tenant.value())) {
            throw new InvalidTenantIdException("tenant '" + tenant + "' cannot have a database of its own under "
                    + "prefix '" + prefix + "': '" + prefix + tenant + "' is a database MongoDB keeps for itself; "
                    + "choose another tenantDatabasePrefix or tenant id");
        }
        return prefix + tenant.value();
    }

    /** The logical collection and tenant (null for SHARED) a physical namespace holds, or null for none. */
    public @Nullable Located locate(MongoNamespace namespace) {
        String db = namespace.getDatabaseName();
        String coll = namespace.getCollectionName();
        if (db.equals(database)) {
            if (collections.get(coll) == IsolationStrategy.SHARED) {
                return new Located(coll, null);
            }
            // the first "__" is the separator: logical names hold none and do not end with '_'
            int separator = coll.indexOf(COLLECTION_SEPARATOR);
            if (separator > 0) {
                String logical = coll.substring(0, separator);
                String tenant = coll.substring(separator + COLLECTION_SEPARATOR.length());
                if (collections.get(logical) == IsolationStrategy.COLLECTION_PER_TENANT && TenantId.isValid(tenant)) {
                    return new Located(logical, TenantId.of(tenant));
                }
            }
            return null;
        }
        if (db.startsWith(prefix) && collections.get(coll) == IsolationStrategy.DATABASE_PER_TENANT) {
            String tenant = db.substring(prefix.length());
            if (TenantId.isValid(tenant) && !reservedTenants.contains(tenant)) {
                return new Located(coll, TenantId.of(tenant));
            }
        }
        return null;
    }

    /**
     * A physical namespace's logical collection, and the tenant it belongs to (null for a SHARED one).
     *
     * @param logicalName the registered logical name
     * @param tenant the tenant a per-tenant namespace belongs to, or null
     */
    public record Located(String logicalName, @Nullable TenantId tenant) {
    }
}
