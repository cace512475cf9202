package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.DataExports;
import dev.tenantry.testing.MongoTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed input gets a clear 4xx and changes nothing: oversized and odd headers, look-alike and non-ASCII tenant
 * ids, ambiguous paths, bad JSON and bad ids. Every malformed request here is a write that would insert an order or
 * record an export if it got through; none does.
 */
@MongoTest
class MalformedInputIT {

    private static TenantDatabase tenantDatabase;
    private static DataExports exports;
    private static WebServer web;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        tenantDatabase = TenantDatabase.builder(client, database.getName()).collection("orders").build();
        exports = DataExports.builder(client, database.getName(), tenantDatabase).build();
        web = WebServer.builder(TenantryWebConfig.builder()
                        .tenantResolvers(TenantResolver.header(), TenantResolver.pathPrefix("/t/"))
                        .trustedProxies("127.0.0.1").dataExports(exports).exportExecutor(run -> { }).build())
                .servlet("/orders/*", new OrdersServlet(tenantDatabase))
                .servlet("/t/*", new OrdersServlet(tenantDatabase)).start();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @AfterEach
    void nothingChanged() {
        for (String tenant : new String[] {"acme", "globex"}) {
            Tenants.run(TenantId.of(tenant), () -> {
                assertEquals(0, tenantDatabase.getCollection("orders").countDocuments(new Document("label",
                        new Document("$regex", "^bad"))), tenant + " got no order");
                assertEquals(0, exports.history(10).size(), tenant + " got no export");
            });
        }
    }

    /** Sends a raw POST that would insert an order, with {@code headers} (CRLF-terminated lines); returns the status. */
    private static int rawPost(String target, String headers) {
        String response = web.raw("POST " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 "), response);
        return Integer.parseInt(response.substring(9, 12));
    }

    private static void assertClientError(int status, String what) {
        assertTrue(status >= 400 && status < 500, what + " got " + status);
    }

    private static HttpResponse<String> postOrder(String... headers) {
        return web.send(web.request("/orders?label=bad", headers).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void oversizedTenantHeaderIsRefusedByTheContainer() {
        assertEquals(431, rawPost("/orders?label=bad", "X-Tenant-ID: " + "a".repeat(20_000) + "\r\n"));
    }

    @Test
    void tenantIdsBreakingTheRuleAre400() {
        for (String bad : new String[] {"a".repeat(49), "", "Acme", "acme.corp", "acme corp", "_acme", "acme$",
                "acme;globex", "acme,globex", "../acme"}) {
            HttpResponse<String> response = postOrder("X-Tenant-ID", bad);
            assertEquals(400, response.statusCode(), "'" + bad + "': " + response.body());
            assertTrue(response.body().contains("invalid-tenant"), response.body());
        }
    }

    @Test
    void controlAndNonAsciiBytesInTheTenantHeaderAre4xx() {
        String[] odd = {"ac\u0001me", "ac\u0000me", "acm\u00e9", "\u00d0\u00b0cme" /* UTF-8 Cyrillic a, as bytes */,
                "acme\u007f"};
        for (String value : odd) {
            int status = rawPost("/orders?label=bad", "X-Tenant-ID: " + value + "\r\n");
            assertClientError(status, "tenant header " + value.getBytes(StandardCharsets.ISO_8859_1).length
                    + " bytes");
        }
    }

    @Test
    void foldedOrDuplicatedHeadersAre4xx() {
        assertClientError(rawPost("/orders?label=bad", "X-Tenant-ID: acme\r\n globex\r\n"), "obs-fold");
        assertClientError(rawPost("/orders?label=bad", "X-Tenant-ID: acme\r\nX-Tenant-ID: globex\r\n"), "twice");
        assertClientError(rawPost("/orders?label=bad", "X-Tenant-ID acme\r\n"), "no colon");
    }

    @Test
    void ambiguousOrMalformedPathsAre4xx() {
        for (String target : new String[] {"/t/ac%2Fme/orders?label=bad", "/t/%zz/orders?label=bad",
                "/t/ACME/orders?label=bad", "/t/acme%00/orders?label=bad",
                "/t/" + "a".repeat(100) + "/orders?label=bad"}) {
            assertClientError(rawPost(target, ""), target);
        }
        assertClientError(rawPost("/orders?label=bad&" + "x".repeat(20_000), "X-Tenant-ID: acme\r\n"), "long URI");
    }

    @Test
    void hugeForwardedForChainIsHandledCheaply() {
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            chain.append("10.0.").append(i / 250).append('.').append(i % 250).append(", ");
        }
        chain.append("127.0.0.1");
        HttpResponse<String> response = web.get("/orders", "X-Tenant-ID", "acme", "X-Forwarded-For",
                chain.toString());
        assertEquals(200, response.statusCode(), response::body);
    }

    @Test
    void badJsonBadIdsAndWrongMethodsAre4xx() {
        String[] user = {"X-Tenant-ID", "acme", WebServer.USER, "ann"};
        for (String body : new String[] {"{", "{\"format\":\"json\"", "nul", "\"json\"", "{\"format\":null}",
                "{\"format\":\"json\",}", "{\"format\":\"\u0000\"}"}) {
            HttpResponse<String> response = web.send(web.request("/api/exports", user)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build());
            assertEquals(400, response.statusCode(), body + ": " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow()
                    .startsWith("application/problem+json"));
        }
        assertEquals(400, web.get("/api/exports/%20", user).statusCode());
        assertEquals(400, web.get("/api/exports/ZZZZZZZZZZZZZZZZZZZZZZZZ", user).statusCode());
        assertEquals(405, web.send(web.request("/api/exports/0123456789abcdef01234567", user)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode());
    }
}
