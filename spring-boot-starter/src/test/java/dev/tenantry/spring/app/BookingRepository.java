package dev.tenantry.spring.app;

import org.springframework.data.mongodb.repository.MongoRepository;

/** The repository of {@link Booking}s. */
public interface BookingRepository extends MongoRepository<Booking, String> {
}
