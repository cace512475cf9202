package dev.tenantry.spring.app;

/** The repository of {@link CollectionNote}s (COLLECTION_PER_TENANT). */
public interface CollectionNoteRepository extends NoteRepository<CollectionNote> {
}
