package dev.tenantry.spring;

import com.mongodb.ClientSessionOptions;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.TenantViolationException;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantDatabase;
import java.util.Objects;
import java.util.Optional;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.core.MongoDatabaseFactorySupport;
import org.springframework.data.mongodb.core.MongoExceptionTranslator;

/**
 * A Spring Data {@link MongoDatabaseFactory} whose database is a {@link TenantDatabase}'s driver view ({@link
 * TenantDatabase#asMongoDatabase()}): {@code MongoTemplate}, every repository, its {@code @Query} and
 * {@code @Aggregation} methods and bulk operations built on it are scoped by Tenantry core, the same path as
 * {@code TenantCollection}, with the same refusals, and fail closed where no tenant is set.
 *
 * <p>Sessions ({@code @Transactional} with {@code MongoTransactionManager}, {@code MongoTemplate.withSession}) are
 * started on the client and pass through the scoping: Spring binds them to the session overloads of the driver view.
 * Any database other than the registry's is handed out only in system scope, unscoped. The client belongs to the
 * application: {@link #destroy()} does not close it.
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public class TenantMongoDatabaseFactory extends MongoDatabaseFactorySupport<MongoClient> {

    private final TenantDatabase tenants;
    private final MongoDatabase scoped;

    /**
     * Creates the factory for {@code tenants}, which must have been built on {@code client}.
     *
     * @throws UnsupportedOperationException if {@code tenants} has no driver view (it was not built by {@link
     *                                       TenantDatabase#builder})
     */
    public TenantMongoDatabaseFactory(MongoClient client, TenantDatabase tenants) {
        super(Objects.requireNonNull(client, "client"), Objects.requireNonNull(tenants, "tenants").getName(), false,
                new MongoExceptionTranslator());
        this.tenants = tenants;
        this.scoped = tenants.asMongoDatabase();
    }

    /** The registry whose collections this factory scopes. */
    public TenantDatabase getTenantDatabase() {
        return tenants;
    }

    @Override
    public ClientSession getSession(ClientSessionOptions options) {
        return getMongoClient().startSession(options);
    }

    @Override
    protected void closeClient() {
        // The client is the application's (a bean of its own); it outlives this factory.
    }

    /**
     * The registry's database, scoped; another only in system scope.
     *
     * @throws MissingTenantException for another database where no tenant is set
     * @throws TenantViolationException for another database in a tenant's scope
     */
    @Override
    protected MongoDatabase doGetMongoDatabase(String dbName) {
        if (dbName.equals(tenants.getName())) {
            return scoped;
        }
        if (Tenants.inSystemScope()) {
            return getMongoClient().getDatabase(dbName);
        }
        String why = "only database '" + tenants.getName() + "' is tenant-scoped; run cross-tenant work in "
                + "Tenants.runAsSystem(reason, ...)";
        Optional<TenantId> tenant = Tenants.currentIfPresent();
        if (tenant.isEmpty()) {
            throw new MissingTenantException("database '" + dbName + "' is refused: no tenant is set, and " + why);
        }
        throw new TenantViolationException("database '" + dbName + "' is refused in the scope of tenant '"
                + tenant.get() + "': " + why);
    }

    @Override
    public String toString() {
        return "TenantMongoDatabaseFactory{" + tenants + "}";
    }
}
