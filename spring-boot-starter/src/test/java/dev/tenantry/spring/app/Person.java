package dev.tenantry.spring.app;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/** A person (SHARED), the target of the test application's $lookup; a name is unique (per tenant). */
@Document("people")
public class Person {
    @Id
    private String id;
    @Indexed(unique = true)
    private String name;

    public Person() {
    }

    public Person(String name) {
        this.name = name;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
