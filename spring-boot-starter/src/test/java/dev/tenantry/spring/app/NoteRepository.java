package dev.tenantry.spring.app;

import java.util.List;
import org.bson.Document;
import org.springframework.data.mongodb.core.aggregation.AggregationResults;
import org.springframework.data.mongodb.repository.Aggregation;
import org.springframework.data.mongodb.repository.MongoRepository;
import org.springframework.data.mongodb.repository.Query;
import org.springframework.data.mongodb.repository.Update;
import org.springframework.data.repository.NoRepositoryBean;

/**
 * What every note repository declares: derived queries, {@code @Query} and {@code @Aggregation} methods, some of them
 * written as an attacker would, to widen the tenant's filter or write out of it.
 */
@NoRepositoryBean
public interface NoteRepository<N extends Note> extends MongoRepository<N, String> {

    List<N> findByOwner(String owner);

    List<N> findBySizeGreaterThanOrderByTitle(int size);

    long countByOwner(String owner);

    long deleteByOwner(String owner);

    /** A parameter that may be a whole expression: {@code {$ne: null}} tries to match every note. */
    @Query("{ 'owner': ?0 }")
    List<N> byOwner(Object owner);

    /** An {@code $or} branch that names another tenant. */
    @Query("{ $or: [ { 'owner': ?0 }, { 'tenantId': ?1 } ] }")
    List<N> byOwnerOrTenant(String owner, String tenant);

    /** A filter that matches every tenant's notes: {@code tenantId} exists. */
    @Query("{ 'tenantId': { $exists: true } }")
    List<N> everything();

    @Query("{ 'owner': ?0 }")
    @Update("{ $set: { 'tenantId': ?1 } }")
    long moveOwnerTo(String owner, String tenant);

    @Query("{ 'owner': ?0 }")
    @Update("{ $set: { 'title': ?1 } }")
    long retitle(String owner, String title);

    @Aggregation("{ $match: { 'tenantId': ?0 } }")
    List<N> matchTenant(String tenant);

    @Aggregation({"{ $group: { _id: '$owner', total: { $sum: '$size' } } }", "{ $sort: { _id: 1 } }"})
    AggregationResults<Document> totalsByOwner();

    @Aggregation({"{ $lookup: { from: 'people', localField: 'owner', foreignField: 'name', as: 'who' } }",
            "{ $unwind: '$who' }", "{ $project: { _id: 0, title: 1, person: '$who.name', of: '$who.tenantId' } }",
            "{ $sort: { title: 1 } }"})
    AggregationResults<Document> withPeople();

    @Aggregation({"{ $lookup: { from: 'secrets', pipeline: [], as: 'leak' } }"})
    AggregationResults<Document> lookupUnregistered();

    @Aggregation({"{ $match: {} }", "{ $out: 'stolen' }"})
    AggregationResults<Document> outStolen();

    @Aggregation({"{ $match: {} }", "{ $merge: { into: 'stolen' } }"})
    AggregationResults<Document> mergeStolen();
}
