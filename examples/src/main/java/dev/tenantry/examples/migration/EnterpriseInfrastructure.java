package dev.tenantry.examples.migration;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.DataExports;
import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.steps.AddField;
import dev.tenantry.session.UserSessions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;

/**
 * Seed 1 ("enterprise infrastructure") as a migration: the {@code AuditLog}, {@code UserSession} and
 * {@code DataExport} collections with their indexes, and {@code deleteScheduledAt} on every organization.
 *
 * <p>The collections and indexes are made by the core services themselves ({@link AuditTrail}, {@link UserSessions},
 * {@link DataExports} create what they need when built), so the migration and the application can never disagree
 * about them. The new field is added with {@link AddField}, in batches, only where it is missing: a rerun changes
 * nothing. There is no rollback step: as the seed says, roll back by restoring the backup.
 */
public final class EnterpriseInfrastructure implements Migration {

    /** The collections this migration creates. */
    public static final List<String> COLLECTIONS = List.of(AuditTrail.DEFAULT_COLLECTION,
            UserSessions.Builder.DEFAULT_COLLECTION, DataExports.Builder.DEFAULT_COLLECTION);

    private final String organizations;

    /** The migration for organizations kept in {@code organizations}. */
    public EnterpriseInfrastructure() {
        this("organizations");
    }

    /** The migration for organizations kept in the collection {@code organizations}. */
    public EnterpriseInfrastructure(String organizations) {
        this.organizations = organizations;
    }

    @Override
    public String id() {
        return "0001-enterprise-infrastructure";
    }

    @Override
    public long version() {
        return 1;
    }

    @Override
    public String description() {
        return "AuditLog, UserSession and DataExport collections with indexes; deleteScheduledAt on organizations";
    }

    @Override
    public Set<String> reads() {
        return Set.of(organizations);
    }

    @Override
    public void execute(MigrationContext ctx) {
        MongoDatabase db = ctx.database();
        String name = db.getName();
        ctx.checkLease();
        try (AuditTrail audit = AuditTrail.builder(ctx.client(), name).build()) {
            UserSessions.builder(ctx.client(), name).auditTrail(audit).build();
            // Building the export service makes its collection and indexes; the tenant-scoped collections it
            // exports from are the application's business, so one stands in for them here.
            TenantDatabase data = TenantDatabase.builder(ctx.client(), name)
                    .collection(UserSessions.Builder.DEFAULT_COLLECTION).build();
            DataExports.builder(ctx.client(), name, data).auditTrail(audit).build();
        }
        ctx.count("collections ensured", COLLECTIONS.size());
        deleteScheduledAt(ctx).run();
    }

    @Override
    public MigrationReport verify(MigrationContext ctx) {
        MongoDatabase db = ctx.database();
        List<String> problems = new ArrayList<>();
        Set<String> existing = db.listCollectionNames().into(new HashSet<>());
        for (String collection : COLLECTIONS) {
            if (!existing.contains(collection)) {
                problems.add("collection " + collection + " is missing");
            } else if (db.getCollection(collection).listIndexes().into(new ArrayList<>()).size() < 2) {
                problems.add("collection " + collection + " has no index besides _id");
            }
        }
        long without = db.getCollection(organizations).countDocuments(Filters.exists("deleteScheduledAt", false));
        if (without > 0) {
            problems.add(without + " organizations lack deleteScheduledAt");
        }
        return problems.isEmpty() ? MigrationReport.ok() : MigrationReport.failed(problems.toArray(String[]::new));
    }

    @Override
    public Plan plan(MigrationContext ctx) {
        Set<String> existing = ctx.database().listCollectionNames().into(new HashSet<>());
        long missing = COLLECTIONS.stream().filter(c -> !existing.contains(c)).count();
        return Plan.of(Plan.Line.of("create " + String.join(", ", COLLECTIONS)).with("collections to create", missing),
                deleteScheduledAt(ctx).plan());
    }

    private AddField deleteScheduledAt(MigrationContext ctx) {
        MongoCollection<BsonDocument> orgs = ctx.database().getCollection(organizations, BsonDocument.class);
        return AddField.of(orgs).field("deleteScheduledAt", null).name("organizations-deleteScheduledAt").in(ctx);
    }
}
