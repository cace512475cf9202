package dev.tenantry.spring.app;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.DBRef;
import org.springframework.data.mongodb.core.mapping.Document;

/** A booking (SHARED) that references a person by {@code @DBRef}. */
@Document("bookings")
public class Booking {
    @Id
    private String id;
    @DBRef
    private Person person;

    public Booking() {
    }

    public Booking(Person person) {
        this.person = person;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Person getPerson() {
        return person;
    }

    public void setPerson(Person person) {
        this.person = person;
    }
}
