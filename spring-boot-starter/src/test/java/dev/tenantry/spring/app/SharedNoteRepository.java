package dev.tenantry.spring.app;

/** The repository of {@link SharedNote}s (SHARED). */
public interface SharedNoteRepository extends NoteRepository<SharedNote> {
}
