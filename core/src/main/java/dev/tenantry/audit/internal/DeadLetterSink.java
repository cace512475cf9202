package dev.tenantry.audit.internal;

import java.util.List;

/** Where the asynchronous writer puts entries it cannot write to the log; see {@link DeadLetters}. */
interface DeadLetterSink {

    /**
     * Keeps {@code entries}, which were not written to the log because of {@code reason}. Never throws.
     *
     * @return where they went
     */
    String put(List<AuditStore.Pending> entries, String reason);

    /** Where entries go first. */
    String place();
}
