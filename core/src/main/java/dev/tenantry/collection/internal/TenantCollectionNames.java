package dev.tenantry.collection.internal;

import com.mongodb.Function;
import com.mongodb.MongoNamespace;
import com.mongodb.ServerAddress;
import com.mongodb.ServerCursor;
import com.mongodb.client.ClientSession;
import com.mongodb.client.ListCollectionNamesIterable;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.model.Filters;
import dev.tenantry.TenantId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's view of the names of its database (the driver view's {@code listCollectionNames} in a tenant's scope):
 * the logical names of the registered collections that exist for the tenant, in registration order, then the global
 * collections that exist. A shared or global collection exists for every tenant once it exists; a per-tenant one when
 * the tenant's own collection or database holds it. Each run asks the server for exactly those physical names ({@code listCollections} with {@code nameOnly}
 * and a {@code name} filter, on the main database and on the tenant's own, where it has one), so no other tenant's
 * name is read, and maps them back. Bound to the tenant it was built for, as every scoped iterable is.
 */
final class TenantCollectionNames extends CheckedIterable<String> implements ListCollectionNamesIterable {

    private final TenantDatabaseImpl db;
    private final MongoDatabase main;
    private final @Nullable ClientSession session;
    private long maxTimeMs;
    private @Nullable BsonValue comment;
    private @Nullable Boolean authorizedCollections;

    TenantCollectionNames(TenantId bound, TenantDatabaseImpl db, MongoDatabase main, @Nullable ClientSession session) {
        super(bound, db::admit);
        this.db = db;
        this.main = main;
        this.session = session;
    }

    @Override
    MongoIterable<String> delegate() {
        return new Listed<>(this::list);
    }

    /** Runs the listing for the bound tenant (the caller has checked the scope). */
    private Rows<String> list() {
        TenantId tenant = Objects.requireNonNull(bound());
        Map<String, Map<String, String>> logicalByPhysical = new LinkedHashMap<>();
        for (String logical : db.getCollectionNames()) {
            MongoNamespace ns = db.namespaceFor(logical, tenant);
            logicalByPhysical.computeIfAbsent(ns.getDatabaseName(), d -> new LinkedHashMap<>())
                    .put(ns.getCollectionName(), logical);
        }
        for (String global : db.getGlobalCollectionNames()) {
            logicalByPhysical.computeIfAbsent(main.getName(), d -> new LinkedHashMap<>()).put(global, global);
        }
        Set<String> present = new HashSet<>();
        @Nullable ServerAddress address = null;
        for (Map.Entry<String, Map<String, String>> database : logicalByPhysical.entrySet()) {
            MongoDatabase physical = database.getKey().equals(main.getName()) ? main
                    : db.database(database.getKey()).withReadPreference(main.getReadPreference())
                            .withReadConcern(main.getReadConcern());
            ListCollectionNamesIterable names = session == null ? physical.listCollectionNames()
                    : physical.listCollectionNames(session);
            names.filter(Filters.in("name", database.getValue().keySet()));
            if (maxTimeMs > 0) {
                names.maxTime(maxTimeMs, TimeUnit.MILLISECONDS);
            }
            if (comment != null) {
                names.comment(comment);
            }
            if (authorizedCollections != null) {
                names.authorizedCollections(authorizedCollections);
            }
            try (MongoCursor<String> cursor = names.cursor()) {
                while (cursor.hasNext()) {
                    String logical = database.getValue().get(cursor.next());
                    if (logical != null) {
                        present.add(logical);
                    }
                }
                address = cursor.getServerAddress();
            }
        }
        List<String> out = new ArrayList<>();
        for (String logical : db.getCollectionNames()) {
            if (present.contains(logical)) {
                out.add(logical);
            }
        }
        for (String global : db.getGlobalCollectionNames()) {
            if (present.contains(global)) {
                out.add(global);
            }
        }
        return new Rows<>(out, address);
    }

    /**
     * Not supported in a tenant's scope: the listing answers logical names, which a server-side filter on physical
     * names and collection options cannot match; filter the names it returns.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public ListCollectionNamesIterable filter(@Nullable Bson filter) {
        throw new UnsupportedOperationException("listCollectionNames in a tenant's scope takes no filter: it answers "
                + "the logical names of the registered collections that exist for the tenant; filter those names");
    }

    @Override
    public ListCollectionNamesIterable maxTime(long maxTime, TimeUnit timeUnit) {
        this.maxTimeMs = TimeUnit.MILLISECONDS.convert(maxTime, Objects.requireNonNull(timeUnit, "timeUnit"));
        return this;
    }

    /** Accepted and ignored: the answer is at most one name per registered collection. */
    @Override
    public ListCollectionNamesIterable batchSize(int batchSize) {
        return this;
    }

    @Override
    public ListCollectionNamesIterable comment(@Nullable String comment) {
        this.comment = comment == null ? null : new BsonString(comment);
        return this;
    }

    @Override
    public ListCollectionNamesIterable comment(@Nullable BsonValue comment) {
        this.comment = PlainBson.copyOrNull(comment);
        return this;
    }

    @Override
    public ListCollectionNamesIterable authorizedCollections(boolean authorizedCollections) {
        this.authorizedCollections = authorizedCollections;
        return this;
    }

    /** What one run found: the rows, and the server that answered (null when no database was asked). */
    record Rows<T>(List<T> rows, @Nullable ServerAddress address) {
    }

    /** An iterable whose rows are produced when it runs, each time it runs. */
    static final class Listed<T> implements MongoIterable<T> {
        private final Supplier<Rows<T>> run;

        Listed(Supplier<Rows<T>> run) {
            this.run = run;
        }

        @Override
        public MongoCursor<T> iterator() {
            return new RowCursor<>(run.get());
        }

        @Override
        public MongoCursor<T> cursor() {
            return iterator();
        }

        @Override
        public @Nullable T first() {
            List<T> rows = run.get().rows();
            return rows.isEmpty() ? null : rows.get(0);
        }

        @Override
        public <U> MongoIterable<U> map(Function<T, U> mapper) {
            Objects.requireNonNull(mapper, "mapper");
            return new Listed<>(() -> {
                Rows<T> rows = run.get();
                List<U> mapped = new ArrayList<>(rows.rows().size());
                rows.rows().forEach(row -> mapped.add(mapper.apply(row)));
                return new Rows<>(mapped, rows.address());
            });
        }

        @Override
        public <A extends Collection<? super T>> A into(A target) {
            target.addAll(run.get().rows());
            return target;
        }

        @Override
        public MongoIterable<T> batchSize(int batchSize) {
            return this;
        }
    }

    /** A cursor over rows already read; the server cursors behind them are closed. */
    static final class RowCursor<T> implements MongoCursor<T> {
        private final Rows<T> rows;
        private int next;

        RowCursor(Rows<T> rows) {
            this.rows = rows;
        }

        @Override
        public void close() {
            next = rows.rows().size();
        }

        @Override
        public boolean hasNext() {
            return next < rows.rows().size();
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return rows.rows().get(next++);
        }

        @Override
        public int available() {
            return rows.rows().size() - next;
        }

        @Override
        public @Nullable T tryNext() {
            return hasNext() ? next() : null;
        }

        @Override
        public @Nullable ServerCursor getServerCursor() {
            return null;
        }

        /**
         * The server that answered the listing.
         *
         * @throws IllegalStateException if no server was asked (no collection is registered)
         */
        @Override
        public ServerAddress getServerAddress() {
            if (rows.address() == null) {
                throw new IllegalStateException("no server was asked");
            }
            return rows.address();
        }
    }
}
