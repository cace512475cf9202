package dev.tenantry.spring.autoconfigure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.model.CollationStrength;
import com.mongodb.client.model.IndexOptions;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.PartialIndexFilter;
import org.springframework.data.mongodb.core.query.Collation;
import org.springframework.data.mongodb.core.query.Criteria;

/** Spring's index options, as Spring renders them for its own index creation, become the driver's. */
class EntityIndexesTest {

    @Test
    void springsOptionsBecomeTheDriversOptions() {
        Index spring = new Index().on("email", Sort.Direction.ASC).named("by_email").unique().sparse()
                .partial(PartialIndexFilter.of(Criteria.where("active").is(true)))
                .collation(Collation.of("fr").strength(Collation.ComparisonLevel.secondary()));
        IndexOptions options = EntityIndexes.options(spring.getIndexOptions());
        assertEquals("by_email", options.getName());
        assertTrue(options.isUnique());
        assertTrue(options.isSparse());
        assertEquals(new Document("active", true), options.getPartialFilterExpression());
        assertEquals("fr", options.getCollation().getLocale());
        assertEquals(CollationStrength.SECONDARY, options.getCollation().getStrength());
        IndexOptions ttl = EntityIndexes.options(new Index().on("at", Sort.Direction.ASC)
                .expire(90, TimeUnit.SECONDS).getIndexOptions());
        assertEquals(90L, ttl.getExpireAfter(TimeUnit.SECONDS));
    }

    @Test
    void anOptionItDoesNotKnowIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EntityIndexes.options(new Document("storageEngine", new Document())));
        assertTrue(e.getMessage().contains("'storageEngine'") && e.getMessage().contains("TenantDatabaseCustomizer"),
                e.getMessage());
    }
}
