package dev.tenantry.migration.verify;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import dev.tenantry.migration.internal.BsonValues;
import dev.tenantry.migration.internal.IdLookup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Whether every value an {@code Unset} removed still exists: the ledger in its archive collection names, per stripped
 * document, where each kept value lives (a destination document, a field, a digest of the value) and holds the
 * archived values themselves. Read in batches; each batch's destination documents with {@code $in} queries.
 */
final class RemovedValuesCheck {

    private final MongoDatabase database;
    private final String collection;
    private final String ledger;
    private final int batchSize;
    private long kept;
    private long archived;
    private long violations;
    private final List<BsonValue> samples = new ArrayList<>();
    private String detail = "";

    private RemovedValuesCheck(MongoDatabase database, String collection, String ledger, int batchSize) {
        this.database = database;
        this.collection = collection;
        this.ledger = ledger;
        this.batchSize = batchSize;
    }

    static Check run(MongoDatabase database, String collection, String ledger, int batchSize) {
        return new RemovedValuesCheck(database, collection, ledger, batchSize).check();
    }

    /** A kept value: the ledger entry it belongs to, the field, and where it should be. */
    private record Kept(BsonValue entry, String field, String in, BsonValue id, String as, String digest) {
    }

    private Check check() {
        List<BsonDocument> batch = new ArrayList<>(batchSize);
        for (BsonDocument entry : database.getCollection(ledger, BsonDocument.class)
                .find(Filters.eq("from", collection)).batchSize(batchSize)) {
            batch.add(entry);
            if (batch.size() == batchSize) {
                check(batch);
                batch.clear();
            }
        }
        check(batch);
        String summary = String.format(Locale.ROOT, "%,d values kept elsewhere, %,d archived", kept, archived);
        return new Check(collection + ": removed values kept or in " + ledger, violations, samples,
                detail.isEmpty() ? summary : detail + "; " + summary);
    }

    private void check(List<BsonDocument> entries) {
        List<Kept> all = new ArrayList<>();
        for (BsonDocument entry : entries) {
            collect(BsonValues.id(entry), "", entry.getDocument("kept", new BsonDocument()), all);
            archived += count(entry.getDocument("values", new BsonDocument()));
            BsonValue discarded = entry.get("discarded");
            if (discarded != null && discarded.isArray() && !discarded.asArray().isEmpty()) {
                violation(BsonValues.id(entry), "its " + discarded.asArray().getValues().stream()
                        .map(v -> v.isString() ? v.asString().getValue() : v.toString()).toList()
                        + " were discarded: they exist nowhere");
            }
        }
        Map<String, Set<BsonValue>> idsByCollection = new HashMap<>();
        Map<String, Set<String>> fieldsByCollection = new HashMap<>();
        for (Kept k : all) {
            idsByCollection.computeIfAbsent(k.in, c -> new LinkedHashSet<>()).add(k.id);
            fieldsByCollection.computeIfAbsent(k.in, c -> new LinkedHashSet<>()).add(k.as);
        }
        Map<String, Map<BsonValue, BsonDocument>> found = new HashMap<>();
        idsByCollection.forEach((in, ids) -> found.put(in, IdLookup.byId(database.getCollection(in,
                BsonDocument.class), ids, Projections.include(List.copyOf(fieldsByCollection.get(in))))));
        for (Kept k : all) {
            BsonDocument target = found.getOrDefault(k.in, Map.of()).get(BsonValues.normal(k.id));
            if (target == null) {
                violation(k.entry, "its " + k.field + " was kept in " + k.in + " " + BsonValues.show(k.id)
                        + ", which is gone");
            } else if (!holds(BsonValues.get(target, k.as), k.digest)) {
                violation(k.entry, "its " + k.field + " is no longer in " + k.as + " of " + k.in + " "
                        + BsonValues.show(k.id));
            } else {
                kept++;
            }
        }
    }

    private static boolean holds(@Nullable BsonValue value, String digest) {
        if (value == null) {
            return false;
        }
        if (BsonValues.digest(value).equals(digest)) {
            return true;
        }
        return value.isArray() && value.asArray().stream().anyMatch(e -> BsonValues.digest(e).equals(digest));
    }

    /** The kept entries under {@code node}, whose leaves are documents with a digest. */
    private static void collect(BsonValue entry, String path, BsonDocument node, List<Kept> out) {
        if (node.containsKey("digest") && node.containsKey("in") && node.containsKey("id")) {
            out.add(new Kept(entry, path, node.getString("in").getValue(), node.get("id"),
                    node.getString("as").getValue(), node.getString("digest").getValue()));
            return;
        }
        node.forEach((key, value) -> {
            if (value.isDocument()) {
                collect(entry, path.isEmpty() ? key : path + "." + key, value.asDocument(), out);
            }
        });
    }

    private static long count(BsonDocument values) {
        long n = 0;
        for (BsonValue v : values.values()) {
            n += v.isDocument() ? Math.max(1, count(v.asDocument())) : 1;
        }
        return n;
    }

    private void violation(BsonValue entry, String what) {
        violations++;
        if (detail.isEmpty()) {
            detail = "e.g. " + collection + " " + BsonValues.show(entry) + ": " + what;
        }
        if (samples.size() < Verifier.MAX_SAMPLES) {
            samples.add(entry);
        }
    }
}
