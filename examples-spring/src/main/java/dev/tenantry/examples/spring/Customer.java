package dev.tenantry.examples.spring;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A customer of an organization, in the SHARED collection {@code customers}. It has no tenant field: the starter
 * stamps {@code tenantId} on every insert and scopes every read, and {@code unique} on the e-mail means unique within
 * the organization (the index leads with the tenant field).
 *
 * @param id the id, set by MongoDB
 * @param name the name
 * @param email the e-mail address, unique per organization
 */
@Document("customers")
public record Customer(@Id String id, String name, @Indexed(unique = true) String email) {
}
