package dev.tenantry.examples.spring;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A service an organization offers, in the SHARED collection {@code services}.
 *
 * @param id the id, set by MongoDB
 * @param name the name
 * @param minutes how long it takes
 */
@Document("services")
public record Service(@Id String id, String name, int minutes) {
}
