package dev.tenantry.servlet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.directory.TenantRecord;
import dev.tenantry.directory.TenantStatusException;
import dev.tenantry.servlet.AuthorizationCheck.Operation;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The request's organization, for administrators ({@link Operation#MANAGE_ORGANIZATION}): {@code GET <base>} shows its
 * record; {@code POST <base>/deletion} with {@code {"retentionDays": 30, "confirm": "<the organization's name>"}}
 * schedules its deletion after that many days (1 to {@value #MAX_RETENTION_DAYS}), and {@code DELETE
 * <base>/deletion} cancels a scheduled one. Both answer the record as it now is.
 *
 * <p>A change is recorded in the organization's audit log by the {@link TenantDirectory} (give it the trail). A
 * refused attempt never reaches the directory, so this endpoint records it itself, in the configured audit trail: an
 * UPDATE of target {@code tenant} with outcome DENIED (not permitted) or FAILURE (the confirmation does not match, or
 * the organization's state does not allow it), and the refusal's reason. Refusals answer as problem details: 401, 403,
 * 400 ({@code confirmation-mismatch} for a confirmation that is not the name), 409 (already scheduled, none
 * scheduled, purge started).
 *
 * <p>These endpoints are reachable while the organization is not active, by signed-in callers (see {@link
 * TenantFilter}), so that its administrators can cancel its deletion.
 */
public final class OrganizationServlet extends EndpointServlet {
    private static final long serialVersionUID = 1L;

    /** The longest retention the endpoint accepts, in days (ten years). */
    public static final int MAX_RETENTION_DAYS = 3650;

    private final transient TenantDirectory directory;
    private final transient @Nullable AuditTrail audit;
    private final int maxBodyBytes;

    /** Serving {@code directory} as {@code config} says. */
    public OrganizationServlet(TenantDirectory directory, TenantryWebConfig config) {
        super(config.organizationPath(), config);
        this.directory = directory;
        this.audit = config.auditTrail().orElse(null);
        this.maxBodyBytes = config.maxBodyBytes();
    }

    @Override
    void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        switch (rest) {
            case "" -> {
                if (!method.equals("GET")) {
                    throw notAllowed(response, method, "GET", "HEAD");
                }
                actor(request, response);
                require(request, Operation.MANAGE_ORGANIZATION);
                params(request, Set.of());
                Json.write(response, 200, toMap(directory.get(Tenants.current())));
            }
            case "/deletion" -> {
                switch (method) {
                    case "POST" -> schedule(request, response);
                    case "DELETE" -> cancel(request, response);
                    default -> throw notAllowed(response, method, "POST", "DELETE");
                }
            }
            default -> throw noSuchPath();
        }
    }

    private void schedule(HttpServletRequest request, HttpServletResponse response) throws IOException {
        actor(request, response);
        TenantId tenant = Tenants.current();
        String what = "schedule the deletion of organization '" + tenant + "'";
        permitted(request, what);
        params(request, Set.of());
        JsonNode body = Json.read(request, maxBodyBytes);
        if (!body.isObject()) {
            throw new EndpointException(Problems.badRequest("send {\"retentionDays\": <1.." + MAX_RETENTION_DAYS
                    + ">, \"confirm\": \"<the organization's name>\"}"));
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("retentionDays", "confirm").contains(name)) {
                throw new EndpointException(Problems.badRequest("unknown field '" + clip(name)
                        + "'; known: [confirm, retentionDays]"));
            }
        }
        JsonNode days = body.get("retentionDays");
        if (days == null || !days.isIntegralNumber() || !days.canConvertToInt() || days.asInt() < 1
                || days.asInt() > MAX_RETENTION_DAYS) {
            throw new EndpointException(Problems.badRequest("retentionDays must be a whole number of days, 1 to "
                    + MAX_RETENTION_DAYS + ", was " + (days == null ? "missing" : clip(days.toString()))));
        }
        JsonNode confirm = body.get("confirm");
        if (confirm == null || !confirm.isTextual()) {
            throw new EndpointException(Problems.badRequest("confirm must be the organization's name, as a string"));
        }
        what += ", retention " + days.asInt() + " days";
        TenantRecord current = directory.get(tenant);
        if (!confirm.asText().equals(current.name())) {
            refused(AuditEvent.of(AuditAction.UPDATE).target("tenant", tenant.value()).summary(what)
                    .failed("the confirmation did not match the organization's name").build());
            throw new EndpointException(Problems.confirmationMismatch());
        }
        TenantRecord after;
        try {
            after = directory.scheduleDeletion(tenant, Duration.ofDays(days.asInt()));
        } catch (TenantStatusException e) {
            throw conflict(what, "its deletion is already scheduled, for " + current.deleteScheduledAt()
                    + "; cancel it first to schedule it anew", e);
        }
        Json.write(response, 200, toMap(after));
    }

    private void cancel(HttpServletRequest request, HttpServletResponse response) throws IOException {
        actor(request, response);
        TenantId tenant = Tenants.current();
        String what = "cancel the deletion of organization '" + tenant + "'";
        permitted(request, what);
        params(request, Set.of());
        TenantRecord after;
        try {
            after = directory.cancelDeletion(tenant);
        } catch (TenantStatusException e) {
            throw conflict(what, "no deletion is scheduled, or its purge has already started", e);
        }
        Json.write(response, 200, toMap(after));
    }

    /** Refuses, recording the refusal, unless the caller may manage the organization. */
    private void permitted(HttpServletRequest request, String what) {
        if (!permits(request, Operation.MANAGE_ORGANIZATION)) {
            refused(AuditEvent.of(AuditAction.UPDATE).target("tenant", Tenants.current().value()).summary(what)
                    .denied("not permitted to manage the organization").build());
            throw new EndpointException(Problems.forbidden("this operation is not permitted"));
        }
    }

    /** A 409 for a change the organization's state does not allow, recorded as a failure. */
    private EndpointException conflict(String what, String why, TenantStatusException e) {
        refused(AuditEvent.of(AuditAction.UPDATE).target("tenant", Tenants.current().value()).summary(what)
                .failed(clip(String.valueOf(e.getMessage()), 400)).build());
        return new EndpointException(Problems.conflict("cannot " + what.substring(0, what.indexOf(" of ")) + ": "
                + why));
    }

    private void refused(AuditEvent event) {
        if (audit != null) {
            audit.record(event);
        }
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    /** The organization as the endpoints show it, with the server's time for countdowns. */
    static Map<String, Object> toMap(TenantRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", record.id().value());
        map.put("name", record.name());
        map.put("plan", record.plan());
        map.put("status", record.status().name());
        map.put("createdAt", record.createdAt().toString());
        map.put("updatedAt", record.updatedAt().toString());
        AuditServlet.putIfPresent(map, "deleteScheduledAt", record.deleteScheduledAt() == null ? null
                : record.deleteScheduledAt().toString());
        map.put("serverTime", Clock.systemUTC().instant().toString());
        return map;
    }
}
