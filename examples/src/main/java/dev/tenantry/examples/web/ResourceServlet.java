package dev.tenantry.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.servlet.ProblemDetails;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * A {@link Resource} as a JSON API below {@code /api/<collection>}, for signed-in users of the request's tenant:
 * <ul>
 *   <li>{@code GET} lists the newest ({@code ?limit=1..100}, default 50; {@code ?deleted=true} lists the deleted
 *       ones instead);</li>
 *   <li>{@code POST} creates one from a JSON object: 201 with {@code Location}; 400 problem details naming every bad
 *       field, and nothing stored; 409 when the unique field is taken in the tenant;</li>
 *   <li>{@code GET /<id>} shows one; {@code DELETE /<id>} soft-deletes it (204; restorable for 30 days); {@code POST
 *       /<id>/restore} brings it back.</li>
 * </ul>
 * Every read and write goes through the tenant-scoped {@link TenantCollection}, so the tenant filter's scope is the
 * only thing that decides whose data this is: no query here names a tenant.
 */
final class ResourceServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private static final Pattern ID = Pattern.compile("[0-9a-f]{24}");
    private static final int MAX_LIMIT = 100;

    private final transient TenantDatabase database;
    private final transient Resource resource;
    private final transient Clock clock;

    ResourceServlet(TenantDatabase database, Resource resource, Clock clock) {
        this.database = database;
        this.resource = resource;
        this.clock = clock;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String user = DemoAuthentication.userOf(request).orElseThrow(() -> HttpJson.unauthorized(
                    "sign in: send X-Demo-User, or Authorization: Bearer <token from POST /api/login>")).id();
            String rest = request.getPathInfo() == null || request.getPathInfo().equals("/") ? ""
                    : request.getPathInfo().substring(1);
            String[] parts = rest.isEmpty() ? new String[0] : rest.split("/", -1);
            String method = request.getMethod();
            if (parts.length == 0) {
                switch (method) {
                    case "GET", "HEAD" -> list(request, response);
                    case "POST" -> create(user, request, response);
                    default -> throw notAllowed(response, "GET, POST");
                }
            } else if (parts.length == 1) {
                switch (method) {
                    case "GET", "HEAD" -> HttpJson.write(response, 200, show(find(collection(), parts[0])));
                    case "DELETE" -> delete(parts[0], response);
                    default -> throw notAllowed(response, "GET, DELETE");
                }
            } else if (parts.length == 2 && parts[1].equals("restore")) {
                if (!method.equals("POST")) {
                    throw notAllowed(response, "POST");
                }
                restore(parts[0], response);
            } else {
                throw HttpJson.notFound("no such endpoint");
            }
        } catch (HttpJson.Problem problem) {
            HttpJson.send(request, response, problem);
        }
    }

    private TenantCollection<Document> collection() {
        return database.getCollection(resource.collection());
    }

    private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, String> params = params(request, Set.of("limit", "deleted"));
        int limit = 50;
        if (params.containsKey("limit")) {
            try {
                limit = Integer.parseInt(params.get("limit"));
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw HttpJson.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        boolean deleted = "true".equals(params.get("deleted"));
        TenantCollection<Document> view = deleted ? collection().onlyDeleted() : collection();
        List<Map<String, Object>> items = new ArrayList<>();
        for (Document document : view.find().sort(Sorts.descending("_id")).limit(limit)) {
            items.add(show(document));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", Tenants.current().value());
        body.put(resource.collection(), items);
        HttpJson.write(response, 200, body);
    }

    private void create(String user, HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = HttpJson.readObject(request);
        Document document = resource.toDocument(body, database::getCollection);
        ObjectId id = new ObjectId();
        document.put("_id", id);
        document.append("createdBy", user).append("createdAt", Date.from(clock.instant()));
        try {
            collection().insertOne(document); // stamped with the tenant; audited as CREATE by the write listener
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY
                    && resource.uniqueField() != null) {
                throw new HttpJson.Problem(ProblemDetails.of(409, "conflict", "Conflict", "this organization has a "
                        + resource.singular() + " with this " + resource.uniqueField() + " already"));
            }
            throw e;
        }
        response.setHeader("Location", request.getContextPath() + "/api/" + resource.collection() + "/"
                + id.toHexString());
        HttpJson.write(response, 201, show(find(collection(), id.toHexString())));
    }

    private void delete(String id, HttpServletResponse response) {
        if (collection().deleteOne(byId(id)).getDeletedCount() == 0) {
            throw HttpJson.notFound("no " + resource.singular() + " " + id);
        }
        response.setStatus(204);
    }

    private void restore(String id, HttpServletResponse response) throws IOException {
        if (collection().restore(byId(id)).getModifiedCount() == 0) {
            throw HttpJson.notFound("no deleted " + resource.singular() + " " + id);
        }
        HttpJson.write(response, 200, show(find(collection(), id)));
    }

    private Document find(TenantCollection<Document> view, String id) {
        Document document = view.find(byId(id)).first();
        if (document == null) {
            throw HttpJson.notFound("no " + resource.singular() + " " + id);
        }
        return document;
    }

    private Bson byId(String id) {
        if (!ID.matcher(id).matches()) {
            throw HttpJson.notFound("no " + resource.singular() + " " + (id.length() > 40 ? id.substring(0, 40)
                    : id).replaceAll("[^\\x20-\\x7e]", "?"));
        }
        return Filters.eq("_id", new ObjectId(id));
    }

    private Map<String, Object> show(Document document) {
        return resource.toJson(document, database.getTenantField());
    }

    private static HttpJson.Problem notAllowed(HttpServletResponse response, String allowed) {
        response.setHeader("Allow", allowed);
        return new HttpJson.Problem(ProblemDetails.of(405, "method-not-allowed", "Method not allowed",
                "allowed here: " + allowed));
    }

    /** The query parameters, each at most once and all of them known. */
    static Map<String, String> params(HttpServletRequest request, Set<String> known) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> p : request.getParameterMap().entrySet()) {
            if (!known.contains(p.getKey())) {
                throw HttpJson.badRequest("unknown query parameter; known: " + new java.util.TreeSet<>(known));
            }
            if (p.getValue().length != 1) {
                throw HttpJson.badRequest("query parameter '" + p.getKey() + "' is given more than once");
            }
            params.put(p.getKey(), p.getValue()[0]);
        }
        return params;
    }
}
