package dev.tenantry.audit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something to record: the action, its target and outcome, and optionally the actor and request metadata (taken from
 * the {@link AuditContext} when left out). The tenant and the time are added when it is recorded.
 *
 * <p>Immutable and thread-safe.
 *
 * @param action what was done
 * @param targetType the kind of thing acted on (e.g. {@code customers}), or null
 * @param targetId the id of the thing acted on, or null
 * @param summary a short summary of the change, or null
 * @param outcome how it ended
 * @param reason why it failed or was denied, or null
 * @param actorId who acted, or null to take it from the context
 * @param actorType the kind of actor, or null to take it from the context
 * @param ip the client's address, or null to take it from the context
 * @param userAgent the client's user agent, or null to take it from the context
 * @param requestId the request id the server assigned, or null to take it from the context
 * @param clientRequestId the correlation id the client sent, kept apart from {@code requestId} and marked as the
 *     client's; null to take it from the context
 * @since 0.1
 */
public record AuditEvent(AuditAction action, @Nullable String targetType, @Nullable String targetId,
                         @Nullable String summary, AuditOutcome outcome, @Nullable String reason,
                         @Nullable String actorId, @Nullable String actorType, @Nullable String ip,
                         @Nullable String userAgent, @Nullable String requestId, @Nullable String clientRequestId) {

    /** The longest summary kept; audit entries stay small so the log stays fast. */
    public static final int MAX_SUMMARY = 2048;
    /** The longest value kept for any other text field. */
    public static final int MAX_FIELD = 512;

    /**
     * Validates the event.
     *
     * @throws NullPointerException if the action or outcome is null
     * @throws IllegalArgumentException if a text field is too long, or a FAILURE or DENIED outcome has no reason
     */
    public AuditEvent {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        check("summary", summary, MAX_SUMMARY);
        check("targetType", targetType, MAX_FIELD);
        check("targetId", targetId, MAX_FIELD);
        check("reason", reason, MAX_FIELD);
        check("actorId", actorId, MAX_FIELD);
        check("actorType", actorType, MAX_FIELD);
        check("ip", ip, MAX_FIELD);
        check("userAgent", userAgent, MAX_FIELD);
        check("requestId", requestId, MAX_FIELD);
        check("clientRequestId", clientRequestId, MAX_FIELD);
        if (outcome != AuditOutcome.SUCCESS && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a " + outcome + " audit event needs a reason");
        }
    }

    /**
     * An event without a client correlation id.
     *
     * @throws NullPointerException if the action or outcome is null
     * @throws IllegalArgumentException as the canonical constructor does
     */
    public AuditEvent(AuditAction action, @Nullable String targetType, @Nullable String targetId,
                      @Nullable String summary, AuditOutcome outcome, @Nullable String reason,
                      @Nullable String actorId, @Nullable String actorType, @Nullable String ip,
                      @Nullable String userAgent, @Nullable String requestId) {
        this(action, targetType, targetId, summary, outcome, reason, actorId, actorType, ip, userAgent, requestId,
                null);
    }

    private static void check(String field, @Nullable String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException("audit " + field + " must be at most " + max + " characters, was "
                    + value.length());
        }
    }

    /** Starts an event for {@code action} on a target; the outcome defaults to {@link AuditOutcome#SUCCESS}. */
    public static Builder of(AuditAction action) {
        return new Builder(action);
    }

    /** Builds an {@link AuditEvent}; not thread-safe. */
    public static final class Builder {
        private final AuditAction action;
        private @Nullable String targetType;
        private @Nullable String targetId;
        private @Nullable String summary;
        private AuditOutcome outcome = AuditOutcome.SUCCESS;
        private @Nullable String reason;
        private @Nullable String actorId;
        private @Nullable String actorType;
        private @Nullable String ip;
        private @Nullable String userAgent;
        private @Nullable String requestId;
        private @Nullable String clientRequestId;

        private Builder(AuditAction action) {
            this.action = Objects.requireNonNull(action, "action");
        }

        /** The kind and id of what was acted on. */
        public Builder target(@Nullable String type, @Nullable String id) {
            this.targetType = type;
            this.targetId = id;
            return this;
        }

        /** A short summary of the change. */
        public Builder summary(@Nullable String summary) {
            this.summary = summary;
            return this;
        }

        /** The action failed, for {@code reason}. */
        public Builder failed(String reason) {
            this.outcome = AuditOutcome.FAILURE;
            this.reason = reason;
            return this;
        }

        /** The action was refused, for {@code reason}. */
        public Builder denied(String reason) {
            this.outcome = AuditOutcome.DENIED;
            this.reason = reason;
            return this;
        }

        /** The actor, overriding the context's. */
        public Builder actor(@Nullable String id, @Nullable String type) {
            this.actorId = id;
            this.actorType = type;
            return this;
        }

        /** Request metadata, overriding the context's. */
        public Builder request(@Nullable String ip, @Nullable String userAgent, @Nullable String requestId) {
            this.ip = ip;
            this.userAgent = userAgent;
            this.requestId = requestId;
            return this;
        }

        /** The client's correlation id, overriding the context's. */
        public Builder clientRequestId(@Nullable String id) {
            this.clientRequestId = id;
            return this;
        }

        /**
         * The event.
         *
         * @throws IllegalArgumentException as {@link AuditEvent#AuditEvent} does
         */
        public AuditEvent build() {
            return new AuditEvent(action, targetType, targetId, summary, outcome, reason, actorId, actorType, ip,
                    userAgent, requestId, clientRequestId);
        }
    }
}
