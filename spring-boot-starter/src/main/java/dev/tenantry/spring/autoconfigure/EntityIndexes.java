package dev.tenantry.spring.autoconfigure;

import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CollationAlternate;
import com.mongodb.client.model.CollationCaseFirst;
import com.mongodb.client.model.CollationMaxVariable;
import com.mongodb.client.model.CollationStrength;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import dev.tenantry.collection.TenantDatabase;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.springframework.data.mongodb.core.index.IndexDefinition;
import org.springframework.data.mongodb.core.index.IndexResolver;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;
import org.springframework.data.mongodb.core.mapping.MongoPersistentEntity;

/**
 * Spring Data's index annotations ({@code @Indexed}, {@code @CompoundIndex}, {@code @TextIndexed}, ...) as declared
 * indexes of the registered collections: Spring resolves them as it would for its own index creation (same keys, same
 * names), and each is declared with {@link TenantDatabase.Builder#index}, so the library ensures it (tenant-leading on
 * SHARED, in each tenant's own collection or database otherwise) and Spring's automatic index creation, asking for the
 * same index, creates nothing and needs no tenant. Stateless.
 */
final class EntityIndexes {

    private EntityIndexes() {
    }

    /**
     * Declares on {@code builder} the indexes of every persistent entity of {@code context} whose collection is in
     * {@code registered}, except those named as an index {@code declared} already holds for the collection (the
     * application's own declaration, e.g. of an index whose options this translation does not know).
     *
     * @throws IllegalArgumentException if an index has an option this translation does not know (it names the option
     *     and the entity), or the builder refuses the index
     */
    static void declare(TenantDatabase.Builder builder, MongoMappingContext context, Set<String> registered,
                        Map<String, List<IndexModel>> declared) {
        IndexResolver resolver = IndexResolver.create(context);
        for (MongoPersistentEntity<?> entity : context.getPersistentEntities()) {
            String collection = entity.getCollection();
            if (!registered.contains(collection)) {
                continue;
            }
            Set<String> own = new HashSet<>();
            declared.getOrDefault(collection, List.of()).forEach(index -> own.add(index.getOptions().getName()));
            for (IndexDefinition index : resolver.resolveIndexFor(entity.getTypeInformation())) {
                if (own.contains(index.getIndexOptions().getString("name"))) {
                    continue;
                }
                try {
                    builder.index(collection, new Document(index.getIndexKeys()),
                            options(index.getIndexOptions()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("index " + index.getIndexKeys().toJson() + " of entity "
                            + entity.getType().getName() + " (collection '" + collection + "'): " + e.getMessage(), e);
                }
            }
        }
    }

    /** The driver's options for Spring's options document. */
    static IndexOptions options(Document spring) {
        IndexOptions options = new IndexOptions();
        for (Map.Entry<String, Object> option : spring.entrySet()) {
            Object value = option.getValue();
            switch (option.getKey()) {
                case "name" -> options.name((String) value);
                case "unique" -> options.unique((Boolean) value);
                case "sparse" -> options.sparse((Boolean) value);
                case "background" -> options.background((Boolean) value);
                case "hidden" -> options.hidden((Boolean) value);
                case "expireAfterSeconds" -> options.expireAfter(((Number) value).longValue(), TimeUnit.SECONDS);
                case "partialFilterExpression" -> options.partialFilterExpression((Document) value);
                case "wildcardProjection" -> options.wildcardProjection((Document) value);
                case "weights" -> options.weights((Document) value);
                case "default_language" -> options.defaultLanguage((String) value);
                case "language_override" -> options.languageOverride((String) value);
                case "textIndexVersion" -> options.textVersion(((Number) value).intValue());
                case "2dsphereIndexVersion" -> options.sphereVersion(((Number) value).intValue());
                case "bits" -> options.bits(((Number) value).intValue());
                case "min" -> options.min(((Number) value).doubleValue());
                case "max" -> options.max(((Number) value).doubleValue());
                case "collation" -> options.collation(collation((Document) value));
                default -> throw new IllegalArgumentException("index option '" + option.getKey() + "' is not "
                        + "translated to a declared index; declare this index in a TenantDatabaseCustomizer instead");
            }
        }
        return options;
    }

    private static Collation collation(Document spring) {
        Collation.Builder collation = Collation.builder();
        for (Map.Entry<String, Object> field : spring.entrySet()) {
            Object value = field.getValue();
            switch (field.getKey()) {
                case "locale" -> collation.locale((String) value);
                case "caseLevel" -> collation.caseLevel((Boolean) value);
                case "caseFirst" -> collation.collationCaseFirst(CollationCaseFirst.fromString((String) value));
                case "strength" -> collation.collationStrength(CollationStrength.fromInt(((Number) value).intValue()));
                case "numericOrdering" -> collation.numericOrdering((Boolean) value);
                case "alternate" -> collation.collationAlternate(CollationAlternate.fromString((String) value));
                case "maxVariable" -> collation.collationMaxVariable(CollationMaxVariable.fromString((String) value));
                case "normalization" -> collation.normalization((Boolean) value);
                case "backwards" -> collation.backwards((Boolean) value);
                default -> throw new IllegalArgumentException("collation field '" + field.getKey() + "' is not "
                        + "translated to a declared index; declare this index in a TenantDatabaseCustomizer instead");
            }
        }
        return collation.build();
    }
}
