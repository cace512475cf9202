package dev.tenantry.servlet;

import com.mongodb.client.model.Sorts;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.audit.AuditContext;
import dev.tenantry.collection.TenantCollection;
import dev.tenantry.collection.TenantDatabase;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * A tenant's orders, as an application serves them through a tenant-scoped collection: {@code GET} answers the
 * current tenant, the request id its audit context holds, and the newest orders with their stored tenant field;
 * {@code POST ?label=} inserts one first. {@code ?async=1} does the work in an {@link AsyncContext#start} runnable.
 */
class OrdersServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient TenantDatabase database;

    OrdersServlet(TenantDatabase database) {
        this.database = database;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        String label = request.getMethod().equals("POST") ? request.getParameter("label") : null;
        if (request.getParameter("async") == null) {
            answer(label, response);
            return;
        }
        AsyncContext async = request.startAsync();
        async.start(() -> {
            try {
                answer(label, (HttpServletResponse) async.getResponse());
            } finally {
                async.complete();
            }
        });
    }

    private void answer(String label, HttpServletResponse response) {
        TenantCollection<Document> orders = database.getCollection("orders");
        if (label != null) {
            orders.insertOne(new Document("label", label));
        }
        List<Map<String, Object>> found = new ArrayList<>();
        for (Document order : orders.find().sort(Sorts.descending("_id")).limit(10)) {
            found.add(Map.of("label", order.getString("label"), "tenantId", order.getString("tenantId")));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", Tenants.current().value());
        body.put("requestId", AuditContext.current().map(AuditContext::requestId).orElse(null));
        body.put("clientRequestId", AuditContext.current().map(AuditContext::clientRequestId).orElse(null));
        body.put("orders", found);
        try {
            response.setContentType("application/json");
            WebServer.JSON.writeValue(response.getOutputStream(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The label of the {@code n}-th order inserted for {@code tenant}. */
    static String label(TenantId tenant, int n) {
        return tenant.value() + "-" + n;
    }
}
