package dev.tenantry.migration.cli;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.tenantry.migration.Migration;
import dev.tenantry.migration.MigrationContext;
import dev.tenantry.migration.MigrationReport;
import dev.tenantry.migration.Plan;
import dev.tenantry.migration.Progress;
import org.bson.Document;

/** Small migrations the command-line tests name with {@code --migration}; public, with no-argument constructors. */
public final class CliTestMigrations {

    static final String CREATE_USERS = CreateUsers.class.getName();
    static final String TAG_USERS = TagUsers.class.getName();
    static final String FAILING = Failing.class.getName();
    static final int USERS = 3;

    private CliTestMigrations() {
    }

    /** Version 1: inserts three users, reporting progress; verifies there are three. */
    public static final class CreateUsers implements Migration {
        @Override
        public String id() {
            return "create-users";
        }

        @Override
        public long version() {
            return 1;
        }

        @Override
        public String description() {
            return "creates the users";
        }

        @Override
        public void execute(MigrationContext ctx) {
            MongoCollection<Document> users = ctx.database().getCollection("users");
            Progress progress = ctx.progress("insert users", USERS);
            for (int i = 1; i <= USERS; i++) {
                ctx.checkLease();
                users.insertOne(new Document("_id", i).append("name", "user" + i));
                ctx.count("users inserted", 1);
                progress.advance(1);
            }
        }

        @Override
        public Plan plan(MigrationContext ctx) {
            return Plan.of("users to insert", USERS - ctx.database().getCollection("users").countDocuments());
        }

        @Override
        public MigrationReport verify(MigrationContext ctx) {
            long n = ctx.database().getCollection("users").countDocuments();
            return n == USERS ? MigrationReport.ok() : MigrationReport.failed("expected " + USERS + " users, found "
                    + n);
        }
    }

    /** Version 2: tags every user; verifies none is left untagged. */
    public static final class TagUsers implements Migration {
        @Override
        public String id() {
            return "tag-users";
        }

        @Override
        public long version() {
            return 2;
        }

        @Override
        public String description() {
            return "tags the users";
        }

        @Override
        public java.util.Set<String> reads() {
            return java.util.Set.of("users");
        }

        @Override
        public void execute(MigrationContext ctx) {
            ctx.checkLease();
            long n = ctx.database().getCollection("users").updateMany(Filters.exists("tag", false),
                    Updates.set("tag", "migrated")).getModifiedCount();
            ctx.count("users tagged", n);
        }

        @Override
        public Plan plan(MigrationContext ctx) {
            // Before version 1 runs there are no users yet: it will insert them, and this step tags them all.
            long untagged = ctx.database().getCollection("users").countDocuments(Filters.exists("tag", false));
            return Plan.of("users to tag", Math.max(untagged, USERS));
        }

        @Override
        public MigrationReport verify(MigrationContext ctx) {
            long untagged = ctx.database().getCollection("users").countDocuments(Filters.exists("tag", false));
            return untagged == 0 ? MigrationReport.ok() : MigrationReport.failed(untagged + " users lack a tag");
        }
    }

    /** Version 3: fails on purpose. */
    public static final class Failing implements Migration {
        @Override
        public String id() {
            return "failing";
        }

        @Override
        public long version() {
            return 3;
        }

        @Override
        public String description() {
            return "fails on purpose";
        }

        @Override
        public void execute(MigrationContext ctx) {
            throw new IllegalStateException("boom: this migration fails on purpose");
        }
    }

    /** Another migration with version 1, which a runner refuses beside {@link CreateUsers}. */
    public static final class CreateUsersAgain implements Migration {
        @Override
        public String id() {
            return "create-users-again";
        }

        @Override
        public long version() {
            return 1;
        }

        @Override
        public String description() {
            return "clashes with create-users";
        }

        @Override
        public void execute(MigrationContext ctx) {
        }
    }

    /** Not a migration at all. */
    public static final class NotAMigration {
    }

    /** A migration without a no-argument constructor. */
    public static final class NeedsArgument implements Migration {
        private final String id;

        public NeedsArgument(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long version() {
            return 9;
        }

        @Override
        public String description() {
            return "needs an argument";
        }

        @Override
        public void execute(MigrationContext ctx) {
        }
    }
}
