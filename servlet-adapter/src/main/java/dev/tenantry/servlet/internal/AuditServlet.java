package dev.tenantry.servlet.internal;

import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEntry;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditOutcome;
import dev.tenantry.audit.AuditPage;
import dev.tenantry.audit.AuditQuery;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.audit.AuditVerification;
import dev.tenantry.ExportFormat;
import dev.tenantry.servlet.AuthorizationCheck.Operation;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The tenant's audit log, for administrators: {@code GET <base>} lists a page of entries matching the query
 * parameters, {@code GET <base>/export} downloads every match as JSON, NDJSON or CSV, {@code GET <base>/counts}
 * counts the matches by action and by outcome (the newest {@value #MAX_COUNTED} at most; {@code complete} says whether
 * that was all), and {@code GET <base>/verify} checks the hash chain. Query parameters: {@code actor}, {@code action}, {@code targetType}, {@code targetId},
 * {@code outcome}, {@code from} and {@code to} (ISO-8601 instants), {@code limit}, {@code cursor} (and {@code format}
 * for the export); unknown or repeated ones are refused.
 */
public final class AuditServlet extends EndpointServlet {
    private static final long serialVersionUID = 1L;

    private static final Set<String> FILTERS = Set.of("actor", "action", "targetType", "targetId", "outcome", "from",
            "to", "limit", "cursor");
    private static final Set<String> EXPORT = union(FILTERS, "format");
    private static final Set<String> COUNTS = Set.of("actor", "action", "targetType", "targetId", "outcome", "from",
            "to");
    /** The most entries {@code /counts} reads. */
    static final int MAX_COUNTED = 10_000;

    /** The earliest instant a query may name: stored times are BSON dates, and ISO-8601 years have four digits. */
    static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    /** The latest instant a query may name. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private final transient AuditTrail trail;

    /** Serving {@code trail} as {@code config} says. */
    public AuditServlet(AuditTrail trail, TenantryWebConfig config) {
        super(config.auditPath(), config);
        this.trail = trail;
    }

    @Override
    void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!method.equals("GET")) {
            throw notAllowed(response, method, "GET", "HEAD");
        }
        switch (rest) {
            case "" -> list(request, response);
            case "/export" -> export(request, response);
            case "/verify" -> verify(request, response);
            case "/counts" -> counts(request, response);
            default -> throw noSuchPath();
        }
    }

    private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
        require(request, Operation.READ_AUDIT_LOG);
        AuditQuery query = query(params(request, FILTERS));
        AuditPage page = trail.query(query);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (AuditEntry entry : page.entries()) {
            entries.add(toMap(entry));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", Tenants.current().value());
        body.put("entries", entries);
        body.put("nextCursor", page.nextCursor());
        Json.write(response, 200, body);
    }

    private void export(HttpServletRequest request, HttpServletResponse response) throws IOException {
        require(request, Operation.EXPORT_AUDIT_LOG);
        QueryParams params = params(request, EXPORT);
        ExportFormat format = format(params.get("format"));
        AuditQuery query = query(params);
        response.setStatus(200);
        response.setContentType(format.mediaType());
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Disposition", "attachment; filename=\"audit-" + Tenants.current().value() + "."
                + format.extension() + "\"");
        trail.export(query, format, response.getOutputStream());
    }

    /**
     * Counts the entries matching the filters, newest first, reading at most {@value #MAX_COUNTED} of them a page at a
     * time: a bounded read for a dashboard, not an aggregation (the trail's query is the only way to its entries).
     */
    private void counts(HttpServletRequest request, HttpServletResponse response) throws IOException {
        require(request, Operation.READ_AUDIT_LOG);
        QueryParams params = params(request, COUNTS);
        AuditQuery query = query(params).limit(AuditQuery.MAX_LIMIT).after(null);
        Map<String, Long> byAction = new java.util.TreeMap<>();
        Map<String, Long> byOutcome = new java.util.TreeMap<>();
        long total = 0;
        boolean complete = true;
        while (true) {
            AuditPage page = trail.query(query);
            for (AuditEntry entry : page.entries()) {
                byAction.merge(entry.action().name(), 1L, Long::sum);
                byOutcome.merge(entry.event().outcome().name(), 1L, Long::sum);
                total++;
            }
            if (page.nextCursor() == null) {
                break;
            }
            if (total >= MAX_COUNTED) {
                complete = false;
                break;
            }
            query = query.after(page.nextCursor());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", total);
        body.put("complete", complete);
        body.put("byAction", byAction);
        body.put("byOutcome", byOutcome);
        Json.write(response, 200, body);
    }

    private void verify(HttpServletRequest request, HttpServletResponse response) throws IOException {
        require(request, Operation.READ_AUDIT_LOG);
        params(request, Set.of());
        AuditVerification result = trail.verify();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("intact", result.intact());
        body.put("entriesChecked", result.entriesChecked());
        if (!result.intact()) {
            body.put("firstBrokenSequence", result.firstBrokenSequence());
            body.put("problem", result.problem());
        }
        Json.write(response, 200, body);
    }

    /** The query the parameters describe; bad values answer 400 naming the parameter. */
    static AuditQuery query(QueryParams params) {
        AuditQuery query = AuditQuery.all();
        String actor = params.get("actor");
        if (actor != null) {
            query = query.byActor(actor);
        }
        String action = params.get("action");
        if (action != null) {
            query = query.withAction(AuditAction.of(action));
        }
        String targetType = params.get("targetType");
        String targetId = params.get("targetId");
        if (targetType != null || targetId != null) {
            if (targetType == null) {
                throw new EndpointException(Problems.badRequest("targetId needs targetType too"));
            }
            query = query.onTarget(targetType, targetId);
        }
        String outcome = params.get("outcome");
        if (outcome != null) {
            query = query.withOutcome(outcome(outcome));
        }
        Instant from = instant("from", params.get("from"));
        Instant to = instant("to", params.get("to"));
        if (from != null || to != null) {
            query = query.between(from, to);
        }
        String limit = params.get("limit");
        if (limit != null) {
            query = query.limit(integer("limit", limit));
        }
        String cursor = params.get("cursor");
        if (cursor != null) {
            query = query.after(cursor);
        }
        return query;
    }

    private static AuditOutcome outcome(String value) {
        try {
            return AuditOutcome.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new EndpointException(Problems.badRequest("outcome must be one of " + List.of(AuditOutcome.values())
                    + ", was '" + clip(value) + "'"));
        }
    }

    static ExportFormat format(@Nullable String value) {
        if (value == null) {
            return ExportFormat.JSON;
        }
        try {
            return ExportFormat.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new EndpointException(Problems.badRequest("format must be one of json, ndjson, csv, was '"
                    + clip(value) + "'"));
        }
    }

    private static @Nullable Instant instant(String name, @Nullable String value) {
        if (value == null) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new EndpointException(Problems.badRequest(name + " must be an ISO-8601 instant such as "
                    + "2025-01-31T12:00:00Z, was '" + clip(value) + "'"));
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new EndpointException(Problems.badRequest(name + " must lie in the years 0000 to 9999, was '"
                    + clip(value) + "'"));
        }
        return instant;
    }

    static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new EndpointException(Problems.badRequest(name + " must be a whole number, was '" + clip(value)
                    + "'"));
        }
    }

    private static Map<String, Object> toMap(AuditEntry entry) {
        AuditEvent e = entry.event();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", entry.id().toHexString());
        map.put("sequence", entry.sequence());
        map.put("time", entry.time().toString());
        map.put("action", e.action().name());
        map.put("outcome", e.outcome().name());
        putIfPresent(map, "actorId", e.actorId());
        putIfPresent(map, "actorType", e.actorType());
        putIfPresent(map, "targetType", e.targetType());
        putIfPresent(map, "targetId", e.targetId());
        putIfPresent(map, "summary", e.summary());
        putIfPresent(map, "reason", e.reason());
        putIfPresent(map, "ip", e.ip());
        putIfPresent(map, "userAgent", e.userAgent());
        putIfPresent(map, "requestId", e.requestId());
        putIfPresent(map, "clientRequestId", e.clientRequestId());
        map.put("hash", entry.hash());
        return map;
    }

    static void putIfPresent(Map<String, Object> map, String key, @Nullable Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static Set<String> union(Set<String> set, String extra) {
        java.util.HashSet<String> all = new java.util.HashSet<>(set);
        all.add(extra);
        return Set.copyOf(all);
    }
}
