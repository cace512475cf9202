package dev.tenantry.spring.app;

/** The repository of {@link DatabaseNote}s (DATABASE_PER_TENANT). */
public interface DatabaseNoteRepository extends NoteRepository<DatabaseNote> {
}
