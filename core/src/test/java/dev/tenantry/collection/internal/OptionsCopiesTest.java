package dev.tenantry.collection.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.CreateIndexCommitQuorum;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.CreateIndexOptions;
import com.mongodb.client.model.DeleteOptions;
import com.mongodb.client.model.DropIndexOptions;
import com.mongodb.client.model.EstimatedDocumentCountOptions;
import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.InsertOneOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;

/**
 * The driver's options classes are copied whole: every field of every class (found by reflection, so a field a driver
 * upgrade adds fails here until it is copied), each {@code Bson}, {@code BsonValue} and list a private copy, not the
 * caller's instance.
 */
class OptionsCopiesTest {

    private static final Renderer RENDERER = new Renderer(BsonDocument.class,
            MongoClientSettings.getDefaultCodecRegistry());

    private static final Map<Class<?>, UnaryOperator<Object>> COPIERS = Map.ofEntries(
            Map.entry(CountOptions.class, o -> OptionsCopies.count((CountOptions) o, RENDERER)),
            Map.entry(FindOneAndDeleteOptions.class, o -> OptionsCopies.findOneAndDelete((FindOneAndDeleteOptions) o,
                    RENDERER)),
            Map.entry(FindOneAndReplaceOptions.class, o -> OptionsCopies.findOneAndReplace(
                    (FindOneAndReplaceOptions) o, RENDERER)),
            Map.entry(FindOneAndUpdateOptions.class, o -> OptionsCopies.findOneAndUpdate((FindOneAndUpdateOptions) o,
                    RENDERER)),
            Map.entry(UpdateOptions.class, o -> OptionsCopies.update((UpdateOptions) o, RENDERER)),
            Map.entry(ReplaceOptions.class, o -> OptionsCopies.replace((ReplaceOptions) o, RENDERER)),
            Map.entry(DeleteOptions.class, o -> OptionsCopies.delete((DeleteOptions) o, RENDERER)),
            Map.entry(InsertOneOptions.class, o -> OptionsCopies.insertOne((InsertOneOptions) o)),
            Map.entry(InsertManyOptions.class, o -> OptionsCopies.insertMany((InsertManyOptions) o)),
            Map.entry(BulkWriteOptions.class, o -> OptionsCopies.bulkWrite((BulkWriteOptions) o, RENDERER)),
            Map.entry(IndexOptions.class, o -> OptionsCopies.index((IndexOptions) o, RENDERER)),
            Map.entry(CreateIndexOptions.class, o -> OptionsCopies.createIndexes((CreateIndexOptions) o)),
            Map.entry(DropIndexOptions.class, o -> OptionsCopies.dropIndex((DropIndexOptions) o)));

    @Test
    void everyFieldOfEveryOptionsClassIsCopiedIntoAPrivateValue() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Map.Entry<Class<?>, UnaryOperator<Object>> copier : COPIERS.entrySet()) {
            Object original = copier.getKey().getConstructor().newInstance();
            List<Field> fields = fields(copier.getKey());
            for (Field field : fields) {
                field.set(original, sample(field));
            }
            Object copy = copier.getValue().apply(original);
            assertEquals(copier.getKey(), copy.getClass());
            assertNotSame(original, copy);
            for (Field field : fields) {
                Object given = field.get(original);
                Object copied = field.get(copy);
                String where = copier.getKey().getSimpleName() + "." + field.getName();
                assertEquals(normalized(given), normalized(copied), where + " is not copied");
                if (given instanceof Bson || given instanceof BsonValue || given instanceof List) {
                    assertNotSame(given, copied, where + " is the caller's instance, not a private copy");
                }
                checked.add(where);
            }
        }
        assertTrue(checked.size() >= 90, "checked only " + checked);
    }

    @Test
    void anEstimateBecomesACountWithItsTimeLimitAndAPrivateComment() {
        BsonDocument comment = new BsonDocument("c", new BsonString("x"));
        EstimatedDocumentCountOptions estimate = new EstimatedDocumentCountOptions().maxTime(7, TimeUnit.SECONDS)
                .comment(comment);
        CountOptions count = OptionsCopies.count(estimate);
        assertEquals(7000, count.getMaxTime(TimeUnit.MILLISECONDS));
        assertEquals(comment, count.getComment());
        assertNotSame(comment, count.getComment());
        assertEquals(2, fields(EstimatedDocumentCountOptions.class).size(), "a new estimate option is not carried");
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                field.setAccessible(true);
                out.add(field);
            }
        }
        return out;
    }

    /** A value for {@code field} that differs from its default. */
    private static Object sample(Field field) {
        Class<?> type = field.getType();
        String name = field.getName();
        if (type == Bson.class) {
            return new BsonDocument(name, new BsonString("v"));
        }
        if (type == BsonValue.class) {
            return new BsonDocument("comment", new BsonString(name));
        }
        if (type == List.class) {
            return new ArrayList<>(List.of(new BsonDocument(name, new BsonString("v"))));
        }
        if (type == String.class) {
            return name + "-value";
        }
        if (type == boolean.class) {
            return !"ordered".equals(name); // ordered defaults to true, everything else to false
        }
        if (type == Boolean.class) {
            return Boolean.TRUE;
        }
        if (type == int.class || type == Integer.class) {
            return 7;
        }
        if (type == long.class || type == Long.class) {
            return 7L;
        }
        if (type == Double.class) {
            return 7.5;
        }
        if (type == Collation.class) {
            return Collation.builder().locale("fr").build();
        }
        if (type == ReturnDocument.class) {
            return ReturnDocument.AFTER;
        }
        if (type == CreateIndexCommitQuorum.class) {
            return CreateIndexCommitQuorum.MAJORITY;
        }
        throw new AssertionError("no sample for " + field + "; add one, and copy the field in OptionsCopies");
    }

    /** Bson compared by what it renders to; lists element by element. */
    private static Object normalized(Object value) {
        if (value instanceof Bson) {
            return ((Bson) value).toBsonDocument();
        }
        if (value instanceof List) {
            List<Object> out = new ArrayList<>();
            ((List<?>) value).forEach(e -> out.add(normalized(e)));
            return out;
        }
        return value;
    }
}
