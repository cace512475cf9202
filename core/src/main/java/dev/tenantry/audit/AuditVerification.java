package dev.tenantry.audit;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of checking a tenant's hash chain: intact, or the first broken link and what is wrong with it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param intact whether every link holds
 * @param entriesChecked how many entries were read
 * @param firstBrokenSequence the sequence where the chain first breaks, or -1 when intact
 * @param problem what is wrong there (modified, missing, inserted or reordered entries), or null when intact
 * @since 0.1
 */
public record AuditVerification(boolean intact, long entriesChecked, long firstBrokenSequence,
                                @Nullable String problem) {

    /** An intact chain of {@code entries} entries. */
    public static AuditVerification intact(long entries) {
        return new AuditVerification(true, entries, -1, null);
    }

    /** A chain broken at {@code sequence}. */
    public static AuditVerification broken(long entries, long sequence, String problem) {
        return new AuditVerification(false, entries, sequence, problem);
    }

    /** What is wrong, empty when intact. */
    public Optional<String> describeProblem() {
        return Optional.ofNullable(problem);
    }
}
