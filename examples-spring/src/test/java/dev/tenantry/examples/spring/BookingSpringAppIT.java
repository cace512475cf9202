package dev.tenantry.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.tenantry.MissingTenantException;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.MongoTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Spring Boot booking example over real HTTP on a random port, on the test fixture's MongoDB: each user sees
 * their own organization's data only, may not act for another one, a request without a tenant fails closed, and
 * repository queries written to widen the tenant's filter still answer the organization's own data.
 */
@MongoTest
class BookingSpringAppIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A database of this run's own: a real server may keep an earlier run's. */
    private static final String DATABASE = "booking_spring_it_" + ProcessHandle.current().pid();

    private static ConfigurableApplicationContext context;
    private static MongoClient raw;

    @BeforeAll
    static void start(MongoBackend backend) {
        raw = backend.newClient();
        context = BookingSpringApp.start(backend.connectionString().toString(), "--server.port=0",
                "--spring.mongodb.database=" + DATABASE);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        if (raw != null) {
            raw.getDatabase(DATABASE).drop();
            raw.close();
        }
    }

    private static MongoCollection<Document> collection(String name) {
        return raw.getDatabase(DATABASE).getCollection(name);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, null, headers);
    }

    private static String[] as(String user, String tenant) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":demo")
                .getBytes(StandardCharsets.UTF_8));
        return tenant == null ? new String[] {"Authorization", basic}
                : new String[] {"Authorization", basic, "X-Tenant-ID", tenant};
    }

    private static Set<String> field(HttpResponse<String> response, String name) {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode array = JSON.readTree(response.body());
        assertTrue(array.isArray(), response.body());
        return array.valueStream().map(node -> node.get(name).asString()).collect(Collectors.toSet());
    }

    /** The ids of a collection's documents of one tenant, read directly from MongoDB (not through the app). */
    private static Set<String> idsInDatabase(String collection, String tenant) {
        return collection(collection).find(new Document("tenantId", tenant)).map(document -> document.getObjectId("_id").toHexString())
                .into(new HashSet<>());
    }

    @Test
    void eachUserSeesTheirOwnOrganizationsDataOnly() throws Exception {
        for (String collection : List.of("customers", "services", "bookings")) {
            Set<String> acme = idsInDatabase(collection, "acme");
            Set<String> globex = idsInDatabase(collection, "globex");
            assertFalse(acme.isEmpty(), collection);
            assertFalse(globex.isEmpty(), collection);
            assertEquals(acme, field(get("/api/" + collection, as("alice", "acme")), "id"), collection);
            assertEquals(globex, field(get("/api/" + collection, as("bob", "globex")), "id"), collection);
        }
        // One e-mail in both organizations (a derived query): each finds its own customer only.
        assertEquals(Set.of("Ada Lovelace"), field(get("/api/customers?name=ada", as("alice", "acme")), "name"));
        assertEquals(Set.of("Ada Globex"), field(get("/api/customers?name=ada", as("bob", "globex")), "name"));
    }

    @Test
    void aUserNamingAnotherOrganizationIsRefusedAsIfItDidNotExist() throws Exception {
        for (String path : List.of("/api/customers", "/api/bookings", "/api/me")) {
            HttpResponse<String> response = get(path, as("alice", "globex"));
            assertEquals(404, response.statusCode(), response.body());
            assertFalse(response.body().contains("Hank"), response.body());
            assertEquals(404, get(path, as("bob", "acme")).statusCode());
            assertEquals(404, get(path, as("alice", "initech")).statusCode());
        }
        // A write for another organization is refused too, and changes nothing.
        String customer = idsInDatabase("customers", "globex").iterator().next();
        String service = idsInDatabase("services", "globex").iterator().next();
        long before = collection("bookings").countDocuments();
        HttpResponse<String> write = send("POST", "/api/bookings", "{\"customerId\":\"" + customer
                + "\",\"serviceId\":\"" + service + "\",\"start\":\"2026-12-27T10:00:00Z\"}", as("alice", "globex"));
        assertEquals(404, write.statusCode(), write.body());
        assertEquals(before, collection("bookings").countDocuments());
    }

    @Test
    void aRequestWithoutATenantFailsClosed() throws Exception {
        HttpResponse<String> response = get("/api/customers", as("alice", null));
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "" + response.headers().map());
        assertFalse(response.body().contains("Ada"), response.body());
        // Without a user, Spring Security refuses before any tenant is looked at.
        assertEquals(401, get("/api/customers", "X-Tenant-ID", "acme").statusCode());
        // The repositories themselves refuse to run with no tenant in scope.
        CustomerRepository customers = context.getBean(CustomerRepository.class);
        assertThrows(MissingTenantException.class, customers::findAll);
    }

    @Test
    void aQueryThatTriesToWidenTheFilterReturnsTheOrganizationsOwnData() throws Exception {
        Set<String> acme = idsInDatabase("customers", "acme");
        assertEquals(acme, field(get("/api/customers/of-every-tenant", as("alice", "acme")), "id"));
        assertEquals(idsInDatabase("customers", "globex"),
                field(get("/api/customers/of-every-tenant", as("bob", "globex")), "id"));
        // An $or branch naming the other organization adds nothing from it.
        CustomerRepository customers = context.getBean(CustomerRepository.class);
        List<Customer> found = Tenants.call(TenantId.of("acme"),
                () -> customers.byEmailOrOfTenant("alan@example.com", "globex"));
        assertEquals(List.of("Alan Turing"), found.stream().map(Customer::name).toList());
        // MongoTemplate built by hand is scoped the same way.
        MongoTemplate template = context.getBean(MongoTemplate.class);
        assertEquals(acme.size(), Tenants.call(TenantId.of("acme"), () -> template.findAll(Customer.class)).size());
    }

    @Test
    void aBookingIsWrittenForTheRequestsOrganizationOnly() throws Exception {
        String customer = idsInDatabase("customers", "acme").iterator().next();
        String service = idsInDatabase("services", "acme").iterator().next();
        HttpResponse<String> created = send("POST", "/api/bookings", "{\"customerId\":\"" + customer
                + "\",\"serviceId\":\"" + service + "\",\"start\":\"2026-12-28T10:00:00Z\"}", as("alice", "acme"));
        assertEquals(201, created.statusCode(), created.body());
        String id = JSON.readTree(created.body()).get("id").asString();
        assertTrue(idsInDatabase("bookings", "acme").contains(id));
        assertEquals(404, get("/api/bookings/" + id, as("bob", "globex")).statusCode());
        // Booking globex's customer from acme: the customer is not acme's.
        String theirs = idsInDatabase("customers", "globex").iterator().next();
        HttpResponse<String> refused = send("POST", "/api/bookings", "{\"customerId\":\"" + theirs
                + "\",\"serviceId\":\"" + service + "\",\"start\":\"2026-12-28T11:00:00Z\"}", as("alice", "acme"));
        assertEquals(404, refused.statusCode(), refused.body());
    }
}
