package dev.tenantry;

/**
 * An aggregation stage that cannot be kept inside the tenant ({@code $out}, {@code $merge}, a join into an
 * unregistered collection, an unknown stage, ...) was refused before the pipeline ran.
 *
 * <p>Thread-safe: its state is fixed when it is created.
 *
 * @since 0.1
 */
public class ForbiddenStageException extends TenantViolationException {
    private static final long serialVersionUID = 1L;

    private final String stage;

    /** Creates the exception for {@code stage} (e.g. {@code "$out"}); {@code message} says why. */
    public ForbiddenStageException(String stage, String message) {
        super(message);
        this.stage = stage;
    }

    /** The refused stage's name, e.g. {@code "$merge"}. */
    public String stage() {
        return stage;
    }
}
