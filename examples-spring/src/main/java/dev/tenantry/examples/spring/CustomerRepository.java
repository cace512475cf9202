package dev.tenantry.examples.spring;

import java.util.List;
import org.springframework.data.mongodb.repository.MongoRepository;
import org.springframework.data.mongodb.repository.Query;

/**
 * The customers of the current organization. Plain Spring Data: the starter scopes every method, hand-written
 * {@code @Query} filters included.
 */
public interface CustomerRepository extends MongoRepository<Customer, String> {

    /** The customers whose name contains {@code part}, ignoring case, by name. */
    List<Customer> findByNameContainingIgnoreCaseOrderByName(String part);

    /**
     * A query written as a mistake or an attack would be: it asks for the customers of every tenant. Tenantry composes
     * the tenant's filter with it (never merges), so it answers the current organization's customers only.
     */
    @Query("{ 'tenantId': { $exists: true } }")
    List<Customer> ofEveryTenant();

    /** Another widening attempt: an {@code $or} branch that names another tenant. Still the current one's only. */
    @Query("{ $or: [ { 'email': ?0 }, { 'tenantId': ?1 } ] }")
    List<Customer> byEmailOrOfTenant(String email, String tenant);
}
