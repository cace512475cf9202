package dev.tenantry.audit;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who is acting and from where, for the audit entries recorded while it is in force: the actor, and the request's
 * ip, user agent and id. Adapters (a servlet filter, a job runner) open it around a unit of work with {@link #run};
 * entries recorded inside take their actor and request metadata from it unless the event names its own.
 *
 * <p>Immutable and thread-safe.
 *
 * @param actorId who acts (a user id, a service name), or null if unknown
 * @param actorType what kind of actor ({@code user}, {@code service}, {@code system}), or null
 * @param ip the client's address, or null
 * @param userAgent the client's user agent, or null
 * @param requestId the request's id, assigned by the server, or null
 * @param clientRequestId a correlation id the client sent with the request, kept apart from {@code requestId} because
 *     the client chose it; null when the client sent none (or none the adapter accepted)
 * @since 0.1
 */
public record AuditContext(@Nullable String actorId, @Nullable String actorType, @Nullable String ip,
                           @Nullable String userAgent, @Nullable String requestId,
                           @Nullable String clientRequestId) {

    /** A context without a client correlation id. */
    public AuditContext(@Nullable String actorId, @Nullable String actorType, @Nullable String ip,
                        @Nullable String userAgent, @Nullable String requestId) {
        this(actorId, actorType, ip, userAgent, requestId, null);
    }

    private static final ThreadLocal<@Nullable AuditContext> CURRENT = new ThreadLocal<>();

    /** A context naming only the actor. */
    public static AuditContext actor(String actorId, String actorType) {
        return new AuditContext(Objects.requireNonNull(actorId, "actorId"), Objects.requireNonNull(actorType,
                "actorType"), null, null, null);
    }

    /** This context with request metadata added. */
    public AuditContext withRequest(@Nullable String ip, @Nullable String userAgent, @Nullable String requestId) {
        return new AuditContext(actorId, actorType, ip, userAgent, requestId, clientRequestId);
    }

    /** The context in force on this thread, if any. */
    public static Optional<AuditContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Runs {@code task} with this context in force, then restores the previous one (also when it throws).
     *
     * @param task the work
     */
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        AuditContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            task.run();
        } finally {
            CURRENT.set(previous); // null when there was none; the entry is kept, so the next run allocates nothing
        }
    }
}
