package dev.tenantry.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs the quickstart end to end (against {@code MONGODB_URI} if set, else the embedded MongoDB) and checks that it
 * tells the story it promises, so the first program a new user runs never silently rots.
 */
class QuickstartIT {

    @Test
    void quickstartShowsEveryGuarantee() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        boolean allAsDescribed;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            allAsDescribed = Quickstart.run(out, System.getenv("MONGODB_URI"));
        }
        String output = buffer.toString(StandardCharsets.UTF_8);

        assertAll(output,
                () -> assertTrue(allAsDescribed, "the quickstart reported surprises"),
                () -> assertFalse(output.contains("UNEXPECTED"), "no section reported a surprise"),
                // Writes and the record round trip.
                () -> assertTrue(output.contains("\"tenantId\": \"acme\""), "Ada is stored with her tenant"),
                () -> assertTrue(output.contains("Ada read back as a record: Customer[id="), "record round trip"),
                // Each tenant sees only its own data, even through an escaping filter.
                () -> assertTrue(output.contains("acme sees 2 customer(s): [Ada Lovelace, Alan Turing]"), "acme"),
                () -> assertTrue(output.contains("globex sees 1 customer(s): [Grace Hopper]"), "globex"),
                () -> assertTrue(output.contains("and still gets only its own customers: [Ada Lovelace, Alan Turing]"),
                        "escaping filter"),
                // Unique per tenant.
                () -> assertTrue(output.contains("has keys {\"tenantId\": 1, \"email\": 1}"), "tenant-leading index"),
                () -> assertTrue(output.contains("an address acme already uses: accepted"), "same email elsewhere"),
                () -> assertTrue(output.contains("rejected as a duplicate key"), "duplicate in one tenant"),
                // Cross-tenant writes.
                () -> assertTrue(output.contains("with tenantId 'globex': refused (TenantViolationException)"),
                        "cross-tenant insert"),
                () -> assertTrue(output.contains("with updateMany: refused (TenantViolationException)"),
                        "cross-tenant update"),
                () -> assertTrue(output.contains("before: [Adelaide Hill, Grace Hopper], after: [Adelaide Hill, "
                        + "Grace Hopper]"), "globex unchanged"),
                // Fail closed.
                () -> assertTrue(output.contains("no tenant set: refused (MissingTenantException)"), "missing tenant"),
                // Collection per tenant and joins.
                () -> assertTrue(output.contains("stored in quickstart.invoices__acme"), "acme's invoices"),
                () -> assertTrue(output.contains("stored in quickstart.invoices__globex"), "globex's invoices"),
                () -> assertTrue(output.contains("acme: Ada Lovelace -> [A-1001, A-1002]"), "join"),
                () -> assertTrue(output.contains("G-2001 for ada@example.com did not appear"), "no globex in join"),
                () -> assertTrue(output.contains("Done: every tenant saw and changed only its own data"), "summary"));
    }
}
