package dev.tenantry.migration.steps;

/**
 * What a step does with documents it cannot resolve: a relation names nothing, a derived value cannot be derived.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum OnUnresolved {
    /**
     * The default: such documents are left alone, the step does everything else, then fails with a
     * {@link StepFailedException} that says how many there are and which (so nothing is left unresolved silently,
     * and a rerun after the data is fixed finishes the job).
     */
    FAIL,
    /**
     * Such documents are moved to the quarantine collection ({@code <collection>_quarantine}) with the reason, so
     * the step completes; {@link Quarantine#restore()} brings them back.
     */
    QUARANTINE,
    /** Such documents are left alone and only reported ({@link StepReport#unresolved()}); the step completes. */
    SKIP
}
