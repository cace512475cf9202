package dev.tenantry.audit;

/**
 * What closing an audit trail left unwritten: the entries still queued when the close deadline passed, which went to
 * the dead-letter place instead of the log (see {@link AuditTrail.Builder#deadLetterFile}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param unwritten how many accepted entries were not written to the log at close (0 when everything was)
 * @param deadLetterPlace where those entries are kept: the dead-letter collection, the dead-letter file, or {@code
 *     log} when neither could be written (each entry is then logged at ERROR as one line of JSON)
 * @since 0.1
 */
public record AuditCloseReport(long unwritten, String deadLetterPlace) {

    /** Whether every entry the trail accepted was written to the log. */
    public boolean complete() {
        return unwritten == 0;
    }
}
