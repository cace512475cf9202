package dev.tenantry.migration.steps;

/**
 * What a {@link Split} does when the copy of a shared document would have the same values of fields unique per
 * tenant as another copy (two users with one email at one business). The first copy in the grouping collection's
 * {@code _id} order keeps the values; the policy decides the later ones.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum OnConflict {
    /**
     * The default: the later copy is not made, the split does everything else, then fails with a
     * {@link StepFailedException} whose report names every conflict and the source documents involved.
     */
    STOP,
    /**
     * The later shared document shares the first one's copy: no copy of its own is made, and its {@code _id} is
     * added to the copy's {@link Split#DEFAULT_MERGED_FIELD merged-from} array, where {@link Repoint} finds it (its
     * references then point at the shared copy).
     */
    MERGE,
    /**
     * Both copies are kept and marked: the later one without the clashing values, which it keeps under
     * {@code <mark>.values}, and both name each other under {@code <mark>.with} ({@link Split#DEFAULT_CONFLICT_FIELD}).
     * The unique index must accept a document without those fields (only one per tenant, unless the index is
     * sparse or partial).
     */
    KEEP_BOTH
}
