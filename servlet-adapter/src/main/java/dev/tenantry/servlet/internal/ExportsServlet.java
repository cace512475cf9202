package dev.tenantry.servlet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.audit.AuditContext;
import dev.tenantry.export.DataExport;
import dev.tenantry.export.DataExports;
import dev.tenantry.ExportFormat;
import dev.tenantry.export.ExportLimitExceededException;
import dev.tenantry.export.ExportScope;
import dev.tenantry.export.ExportSink;
import dev.tenantry.export.ExportStatus;
import dev.tenantry.Tenants;
import dev.tenantry.servlet.AuthorizationCheck.Operation;
import dev.tenantry.servlet.TenantryWebConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data exports: {@code POST <base>} requests one (body {@code {"scope": "user"|"tenant", "format":
 * "json"|"ndjson"|"csv"}}, both optional) and runs it in the background into GridFS, answering 202 with the record;
 * {@code GET <base>} lists the caller's exports, {@code GET <base>/<id>} shows one and {@code GET <base>/<id>/download}
 * streams a completed one. A caller sees only the exports they requested, unless permitted {@link
 * Operation#EXPORT_TENANT_DATA}, which is also what exporting the whole tenant needs; anything else is answered as
 * not found.
 */
public final class ExportsServlet extends EndpointServlet {
    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ExportsServlet.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{24}");
    private static final int MAX_HISTORY = 100;

    private final String base;
    private final transient DataExports exports;
    private final transient Executor executor;
    private final transient @Nullable ExecutorService owned;
    private final int maxBodyBytes;

    /** Serving {@code exports} as {@code config} says. */
    public ExportsServlet(DataExports exports, TenantryWebConfig config) {
        super(config.exportsPath(), config);
        this.base = config.exportsPath();
        this.exports = exports;
        this.maxBodyBytes = config.maxBodyBytes();
        Optional<Executor> given = config.exportExecutor();
        if (given.isPresent()) {
            this.owned = null;
            this.executor = given.get();
        } else {
            this.owned = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "tenantry-export");
                t.setDaemon(true);
                return t;
            });
            this.executor = owned;
        }
    }

    @Override
    public void destroy() {
        if (owned != null) {
            owned.shutdown();
        }
    }

    @Override
    void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (rest.isEmpty()) {
            switch (method) {
                case "POST" -> create(request, response);
                case "GET" -> history(request, response);
                default -> throw notAllowed(response, method, "GET", "HEAD", "POST");
            }
            return;
        }
        String[] parts = rest.substring(1).split("/", -1);
        if (parts.length > 2 || parts.length == 2 && !parts[1].equals("download")) {
            throw noSuchPath();
        }
        if (!method.equals("GET")) {
            throw notAllowed(response, method, "GET", "HEAD");
        }
        DataExport export = visible(request, response, parts[0]);
        if (parts.length == 1) {
            Json.write(response, 200, toMap(export));
        } else {
            download(export, response);
        }
    }

    private void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String actor = actor(request, response);
        JsonNode body = Json.read(request, maxBodyBytes);
        String scope = "user";
        String formatName = null;
        if (!body.isNull()) {
            if (!body.isObject()) {
                throw new EndpointException(Problems.badRequest("the request body must be a JSON object"));
            }
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!Set.of("scope", "format").contains(name)) {
                    throw new EndpointException(Problems.badRequest("unknown field '" + clip(name)
                            + "'; known: [format, scope]"));
                }
                if (!body.get(name).isTextual()) {
                    throw new EndpointException(Problems.badRequest("field '" + name + "' must be a string"));
                }
            }
            scope = body.has("scope") ? body.get("scope").asText() : scope;
            formatName = body.has("format") ? body.get("format").asText() : null;
        }
        ExportFormat format = AuditServlet.format(formatName);
        ExportScope exportScope = switch (scope) {
            case "user" -> ExportScope.user(actor);
            case "tenant" -> {
                require(request, Operation.EXPORT_TENANT_DATA);
                yield ExportScope.tenant();
            }
            default -> throw new EndpointException(Problems.badRequest("scope must be 'user' or 'tenant', was '"
                    + clip(scope) + "'"));
        };
        DataExport export;
        try {
            export = exports.request(exportScope, format, actor);
        } catch (ExportLimitExceededException e) {
            throw new EndpointException(Problems.exportLimit(e.limit() == ExportLimitExceededException.Limit
                    .PER_REQUESTER ? "you already have " + e.max() + " data exports pending or running, the most "
                    + "allowed; request another once one has completed"
                    : "this organization already has " + e.max() + " data exports pending or running, the most "
                    + "allowed; request another once one has completed"));
        }
        Runnable run = () -> {
            try {
                exports.run(export.id(), ExportSink.gridFs());
            } catch (RuntimeException e) {
                // The failure is recorded on the export, where its status endpoint shows it.
                LOG.warn("data export {} failed: {}", export.id(), e.toString());
            }
        };
        AuditContext context = AuditContext.current().orElse(null);
        Runnable inContext = context == null ? run : () -> context.run(run);
        executor.execute(Tenants.bind(inContext));
        response.setHeader("Location", request.getContextPath() + base + "/" + export.id());
        Json.write(response, 202, toMap(export));
    }

    private void history(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String actor = actor(request, response);
        QueryParams params = params(request, Set.of("limit"));
        String limitText = params.get("limit");
        int limit = limitText == null ? 20 : AuditServlet.integer("limit", limitText);
        if (limit < 1 || limit > MAX_HISTORY) {
            throw new EndpointException(Problems.badRequest("limit must be 1.." + MAX_HISTORY + ", was " + limit));
        }
        // without the permission, the caller's own requests only
        List<DataExport> history = permits(request, Operation.EXPORT_TENANT_DATA) ? exports.history(limit)
                : exports.history(actor, limit);
        List<Map<String, Object>> items = new ArrayList<>(history.size());
        for (DataExport export : history) {
            items.add(toMap(export));
        }
        Json.write(response, 200, Map.of("exports", items));
    }

    /** The export, if the caller may see it; anything else (malformed, unknown, someone else's) answers 404. */
    private DataExport visible(HttpServletRequest request, HttpServletResponse response, String id) {
        if (!ID.matcher(id).matches()) {
            throw new EndpointException(Problems.badRequest("an export id is 24 lower-case hex digits, was '"
                    + clip(id) + "'"));
        }
        String actor = actor(request, response);
        Optional<DataExport> export = exports.find(id);
        if (export.isEmpty() || !export.get().requestedBy().equals(actor)
                && !permits(request, Operation.EXPORT_TENANT_DATA)) {
            throw new EndpointException(Problems.notFound("no export " + id));
        }
        return export.get();
    }

    private void download(DataExport export, HttpServletResponse response) throws IOException {
        if (export.status() != ExportStatus.COMPLETED) {
            throw new EndpointException(Problems.conflict("export " + export.id() + " is "
                    + export.status().name().toLowerCase(java.util.Locale.ROOT) + ", not completed"));
        }
        if (export.location() == null || !export.location().startsWith("gridfs:")) {
            throw new EndpointException(Problems.conflict("export " + export.id() + " was not stored for download"));
        }
        response.setStatus(200);
        response.setContentType(export.format().mediaType());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Disposition", "attachment; filename=\"export-" + export.id() + "."
                + export.format().extension() + "\"");
        try {
            exports.download(export.id(), response.getOutputStream());
        } catch (IllegalStateException e) {
            // It expired between the look-up and the download.
            throw new EndpointException(Problems.conflict(String.valueOf(e.getMessage())));
        }
    }

    private static Map<String, Object> toMap(DataExport export) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", export.id());
        map.put("requestedBy", export.requestedBy());
        map.put("scope", export.scope().isUser() ? "user" : "tenant");
        map.put("format", export.format().name().toLowerCase(java.util.Locale.ROOT));
        map.put("status", export.status().name());
        map.put("counts", export.counts());
        map.put("bytes", export.bytes());
        map.put("requestedAt", export.requestedAt().toString());
        AuditServlet.putIfPresent(map, "startedAt", export.startedAt() == null ? null : export.startedAt().toString());
        AuditServlet.putIfPresent(map, "completedAt",
                export.completedAt() == null ? null : export.completedAt().toString());
        AuditServlet.putIfPresent(map, "expiresAt", export.expiresAt() == null ? null : export.expiresAt().toString());
        AuditServlet.putIfPresent(map, "error", export.error());
        return map;
    }
}
