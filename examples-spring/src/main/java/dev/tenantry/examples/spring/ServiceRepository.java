package dev.tenantry.examples.spring;

import org.springframework.data.mongodb.repository.MongoRepository;

/** The services of the current organization. */
public interface ServiceRepository extends MongoRepository<Service, String> {
}
