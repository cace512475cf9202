package dev.tenantry.examples.spring;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A booking of a service by a customer, in the SHARED collection {@code bookings}.
 *
 * @param id the id, set by MongoDB
 * @param customerId the customer's id (a customer of the same organization)
 * @param serviceId the service's id (a service of the same organization)
 * @param start when it starts
 */
@Document("bookings")
public record Booking(@Id String id, String customerId, String serviceId, Instant start) {
}
