package dev.tenantry.spring.app;

import org.springframework.data.mongodb.repository.MongoRepository;

/** The repository of {@link Person}s. */
public interface PersonRepository extends MongoRepository<Person, String> {
}
