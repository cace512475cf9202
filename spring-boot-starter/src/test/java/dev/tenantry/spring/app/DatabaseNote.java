package dev.tenantry.spring.app;

import org.springframework.data.mongodb.core.mapping.Document;

/** A note in a DATABASE_PER_TENANT collection. */
@Document("db_notes")
public class DatabaseNote extends Note {
    public DatabaseNote() {
    }

    public DatabaseNote(String owner, String title, int size) {
        super(owner, title, size);
    }
}
