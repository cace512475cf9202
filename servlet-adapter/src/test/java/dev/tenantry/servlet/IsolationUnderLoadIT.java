package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.directory.TenantDirectory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * 10,000 interleaved requests from 16 client threads released together, across 3 tenants named by header or by path,
 * reading and writing through a shared tenant-scoped collection, half of them async: every response holds only its
 * own tenant's data and its own request id, and every write landed in its own tenant.
 */
@dev.tenantry.testing.MongoTest
class IsolationUnderLoadIT {

    private static final int REQUESTS = 10_000;
    private static final int CLIENTS = 16;
    private static final TenantId[] TENANTS = {TenantId.of("acme"), TenantId.of("globex"), TenantId.of("initech")};
    private static final int SEEDED_ORDERS = 20;

    /** One planned request. */
    private record Plan(int index, int tenant, boolean byPath, boolean async, boolean write) {
    }

    @Test
    void everyResponseHoldsOnlyItsOwnTenantsData(MongoClient client, MongoDatabase database) throws Exception {
        long seed = new Random().nextLong();
        System.out.println("IsolationUnderLoadIT seed: " + seed);
        Random random = new Random(seed);
        TenantDatabase tenantDatabase = TenantDatabase.builder(client, database.getName()).collection("orders").build();
        TenantDirectory directory = TenantDirectory.builder(client, database.getName()).build();
        for (TenantId tenant : TENANTS) {
            directory.create(tenant, tenant.value(), "FREE");
            Tenants.run(tenant, () -> {
                List<Document> seeded = new ArrayList<>();
                for (int i = 0; i < SEEDED_ORDERS; i++) {
                    seeded.add(new Document("label", tenant.value() + "-seed-" + i));
                }
                tenantDatabase.getCollection("orders").insertMany(seeded);
            });
        }
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            plans.add(new Plan(i, random.nextInt(TENANTS.length), random.nextBoolean(), random.nextBoolean(),
                    random.nextInt(4) == 0));
        }
        TenantryWebConfig config = TenantryWebConfig.builder()
                .tenantResolvers(TenantResolver.header(), TenantResolver.pathPrefix("/t/"))
                .tenantDirectory(directory).build();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicIntegerArray writes = new AtomicIntegerArray(TENANTS.length);
        try (WebServer web = WebServer.builder(config).maxThreads(24)
                .servlet("/orders/*", new OrdersServlet(tenantDatabase))
                .servlet("/t/*", new OrdersServlet(tenantDatabase)).start()) {
            AtomicInteger next = new AtomicInteger();
            CountDownLatch ready = new CountDownLatch(CLIENTS);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread thread = new Thread(() -> {
                    ready.countDown();
                    try {
                        go.await();
                        for (int i; (i = next.getAndIncrement()) < REQUESTS; ) {
                            Plan plan = plans.get(i);
                            String problem = check(web, plan);
                            if (problem != null) {
                                failures.add(problem);
                            } else if (plan.write()) {
                                writes.incrementAndGet(plan.tenant());
                            }
                        }
                    } catch (Throwable t) {
                        failures.add("client thread died: " + t);
                    }
                }, "client-" + c);
                thread.start();
                clients.add(thread);
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS));
            go.countDown();
            for (Thread thread : clients) {
                thread.join(TimeUnit.MINUTES.toMillis(5));
                assertTrue(!thread.isAlive(), thread.getName() + " finished");
            }
        }
        assertTrue(failures.isEmpty(), () -> "seed " + seed + ": " + failures.size() + " failures, first: "
                + failures.stream().limit(5).toList());
        for (int t = 0; t < TENANTS.length; t++) {
            TenantId tenant = TENANTS[t];
            long stored = Tenants.call(tenant, () -> tenantDatabase.getCollection("orders")
                    .countDocuments(new Document("label", new Document("$regex", "^" + tenant.value() + "-"))));
            long total = Tenants.call(tenant, () -> tenantDatabase.getCollection("orders").countDocuments());
            assertEquals(SEEDED_ORDERS + writes.get(t), stored, "seed " + seed + ": " + tenant + "'s writes");
            assertEquals(stored, total, "seed " + seed + ": " + tenant + " holds nothing of others");
        }
    }

    /** The server's request ids seen: each is new. */
    private static final java.util.Set<String> SERVER_IDS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Sends one planned request; null if the response is right, else what is wrong with it. */
    private static String check(WebServer web, Plan plan) {
        TenantId tenant = TENANTS[plan.tenant()];
        String requestId = "load-" + plan.index();
        String query = (plan.write() ? "?label=" + OrdersServlet.label(tenant, plan.index()) : "?")
                + (plan.async() ? "&async=1" : "");
        HttpRequest.Builder request = plan.byPath()
                ? web.request("/t/" + tenant.value() + "/orders" + query, "X-Request-ID", requestId)
                : web.request("/orders" + query, "X-Tenant-ID", tenant.value(), "X-Request-ID", requestId);
        HttpResponse<String> response = web.send(plan.write() ? request.POST(HttpRequest.BodyPublishers.noBody())
                .build() : request.GET().build());
        if (response.statusCode() != 200) {
            return plan + ": status " + response.statusCode() + " " + response.body();
        }
        JsonNode body = WebServer.json(response);
        if (!tenant.value().equals(body.get("tenant").asText())) {
            return plan + ": answered for tenant " + body.get("tenant");
        }
        if (!requestId.equals(body.get("clientRequestId").asText())
                || !body.get("requestId").asText().equals(response.headers().firstValue("X-Request-ID").orElse(null))
                || !SERVER_IDS.add(body.get("requestId").asText())) {
            return plan + ": request id " + body.get("requestId") + ", client's " + body.get("clientRequestId");
        }
        if (body.get("orders").size() != 10) {
            return plan + ": " + body.get("orders").size() + " orders";
        }
        for (JsonNode order : body.get("orders")) {
            if (!tenant.value().equals(order.get("tenantId").asText())
                    || !order.get("label").asText().startsWith(tenant.value() + "-")) {
                return plan + ": holds " + order;
            }
        }
        return null;
    }
}
