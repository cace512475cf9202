package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.tenantry.collection.TenantDatabase;
import dev.tenantry.export.DataExports;
import dev.tenantry.testing.MongoTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user cannot pile up data exports: beyond the configured number pending or running, per requester and per tenant,
 * a request is a 429 problem that says which limit it hit and records nothing; once an export ends, a slot frees.
 * (Before the caps, 300 requests in 8 seconds were all accepted and kept for a week.)
 */
@MongoTest
class ExportLimitEndpointIT {

    private static final Queue<Runnable> QUEUED = new ConcurrentLinkedQueue<>();
    private static WebServer web;
    private static MongoDatabase db;

    @BeforeAll
    static void start(MongoClient client, MongoDatabase database) {
        db = database;
        TenantDatabase tenantDatabase = TenantDatabase.builder(client, database.getName()).collection("notes").build();
        DataExports exports = DataExports.builder(client, database.getName(), tenantDatabase)
                .userReference("notes", "owner").maxActivePerRequester(2).maxActivePerTenant(3).build();
        web = WebServer.builder(TenantryWebConfig.builder().tenantResolvers(TenantResolver.header())
                .dataExports(exports).exportExecutor(QUEUED::add)
                .authorization((request, operation) -> request.isUserInRole("admin")).build()).start();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    private static HttpResponse<String> request(String user) {
        return web.send(web.request("/api/exports", "X-Tenant-ID", "acme", WebServer.USER, user)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"format\":\"ndjson\"}")).build());
    }

    private static long recorded() {
        return db.getCollection("DataExport").countDocuments(new Document("tenantId", "acme"));
    }

    @Test
    void requestsBeyondTheCapsAreRefusedWithAProblemAndRecordNothing() {
        assertEquals(202, request("ann").statusCode());
        assertEquals(202, request("ann").statusCode());
        HttpResponse<String> third = request("ann");
        assertEquals(429, third.statusCode(), third::body);
        assertTrue(third.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"));
        JsonNode problem = WebServer.json(third);
        assertTrue(problem.get("type").asText().endsWith("export-limit"), problem::toString);
        assertTrue(problem.get("detail").asText().contains("you already have 2"), problem::toString);
        assertEquals(2, recorded(), "a refused request records nothing");

        assertEquals(202, request("bob").statusCode());
        HttpResponse<String> tenantFull = request("cid");
        assertEquals(429, tenantFull.statusCode(), tenantFull::body);
        assertTrue(WebServer.json(tenantFull).get("detail").asText().contains("this organization already has 3"));
        assertEquals(3, recorded());

        for (Runnable run; (run = QUEUED.poll()) != null; ) {
            run.run(); // every export ends: the slots free
        }
        assertEquals(202, request("ann").statusCode(), "a slot frees once an export has completed");
    }
}
