package dev.tenantry.spring.app;

import org.springframework.data.mongodb.core.mapping.Document;

/** A note in a COLLECTION_PER_TENANT collection. */
@Document("coll_notes")
public class CollectionNote extends Note {
    public CollectionNote() {
    }

    public CollectionNote(String owner, String title, int size) {
        super(owner, title, size);
    }
}
