package dev.tenantry.spring.app;

import org.springframework.data.mongodb.core.mapping.Document;

/** A note in a SHARED collection. */
@Document("shared_notes")
public class SharedNote extends Note {
    public SharedNote() {
    }

    public SharedNote(String owner, String title, int size) {
        super(owner, title, size);
    }
}
