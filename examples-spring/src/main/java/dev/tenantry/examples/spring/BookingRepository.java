package dev.tenantry.examples.spring;

import java.util.List;
import org.springframework.data.mongodb.repository.MongoRepository;

/** The bookings of the current organization. */
public interface BookingRepository extends MongoRepository<Booking, String> {

    /** A customer's bookings, earliest first. */
    List<Booking> findByCustomerIdOrderByStart(String customerId);
}
