package dev.tenantry.examples.web;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.set;
import static dev.tenantry.examples.web.HttpCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.TenantId;
import dev.tenantry.directory.TenantStatus;
import dev.tenantry.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The admin console in a real browser (Debian's headless Chromium through Selenium), against the booking demo with its
 * two organizations: every page renders with each organization's data, filters narrow the audit log and survive a
 * reload, paging returns every entry once while entries arrive, exports download, chain verification catches an entry
 * edited in the database, an export goes PENDING to COMPLETED on screen, a revoked session stops working, deletion is
 * scheduled and cancelled, a non-admin gets no console, and one organization's console never shows another's data.
 * After every test, no page may have logged a Content-Security-Policy violation or a JavaScript error. Screenshots of
 * each page go to {@code target/console-screenshots}.
 *
 * <p>Skipped, saying why, where Chromium is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final String ACME = "acme";
    private static final String GLOBEX = "globex";

    private static BookingApp app;
    private static HttpCalls http;
    private static Browser browser;
    private static final HeldExports EXPORTS = new HeldExports();
    /** Console messages the running test expects (a refusal it provokes); everything else logged as an error fails. */
    private static Predicate<String> expectedErrors = m -> false;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), Browser.unavailableReason());
        app = TestApps.start("console_it_", EXPORTS);
        http = new HttpCalls(app.uri());
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            TestApps.stop(app);
        }
    }

    @AfterEach
    void noPageLoggedACspViolationOrAnError() {
        if (browser == null) {
            return;
        }
        List<String> problems = browser.problems(expectedErrors);
        expectedErrors = m -> false;
        browser.clearLog();
        assertEquals(List.of(), problems, "the console logged CSP violations or errors");
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static String console(String tenant, String page) {
        return "http://" + tenant + ".localhost:" + app.port() + "/admin/" + page;
    }

    /** Signs in on the organization's own address (acme.localhost), where the sign-in page names it. */
    private static void signIn(String tenant, String user) {
        browser.newTab();
        browser.open(console(tenant, "sign-in"));
        browser.shown("#user").sendKeys(user);
        browser.find("#password").sendKeys(DemoUsers.PASSWORD);
        assertTrue(browser.all("#organization").isEmpty(), "the address names the organization");
        browser.find("#sign-in button[type=submit]").click();
        browser.until("signed in as " + user, d -> browser.text().contains("Signed in as " + user));
    }

    /** Opens a console page and waits until it has rendered (its heading is there and nothing is loading). */
    private static void page(String tenant, String page, String heading) {
        browser.open(console(tenant, page));
        awaitHeading(heading);
    }

    private static void awaitHeading(String heading) {
        browser.until("the page '" + heading + "' is shown", d -> {
            List<WebElement> h1 = browser.all("main h1");
            return !h1.isEmpty() && h1.get(0).getText().equals(heading);
        });
    }

    private static String[] as(String tenant, String user, String... more) {
        List<String> headers = new ArrayList<>(List.of("X-Tenant-ID", tenant, DemoAuthentication.USER_HEADER, user));
        headers.addAll(List.of(more));
        return headers.toArray(String[]::new);
    }

    private static void createCustomer(String tenant, String user, String name) {
        HttpResponse<String> created = http.post("/api/customers", "{\"name\":\"" + name + "\",\"email\":\""
                + UUID.randomUUID() + "@example.com\"}", as(tenant, user));
        assertEquals(201, created.statusCode(), created::body);
    }

    /** Ids of the organization's audit entries matching {@code query}, newest first, once the log holds {@code n}. */
    private static List<String> auditIds(String tenant, String admin, String query, int n) {
        return Await.value("the audit log holds " + n + " entries for " + query, () -> {
            HttpResponse<String> response = http.get("/api/audit?limit=1000&" + query, as(tenant, admin));
            assertEquals(200, response.statusCode(), response::body);
            List<String> ids = new ArrayList<>();
            json(response).get("entries").forEach(e -> ids.add(e.get("id").asText()));
            return ids.size() == n ? ids : null;
        });
    }

    private static List<String> rowIds() {
        return browser.all("#audit-table tbody tr").stream().map(r -> r.getAttribute("data-entry-id")).toList();
    }

    private static String sessionToken(String tenant, String user, String device) {
        HttpResponse<String> login = http.post("/api/login", "{\"user\":\"" + user + "\",\"password\":\"demo\"}",
                "X-Tenant-ID", tenant, "User-Agent", device);
        assertEquals(201, login.statusCode(), login::body);
        return json(login).get("token").asText();
    }

    private static int me(String tenant, String token) {
        return http.get("/api/me", "X-Tenant-ID", tenant, "Authorization", "Bearer " + token).statusCode();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --------------------------------------------------------------------------------------------------- tests

    @Test
    @Order(1)
    void everyPageRendersWithAcmesData() {
        signIn(ACME, "alice");
        awaitHeading("Dashboard");
        browser.until("the dashboard's cards are filled", d -> browser.text().contains("Rate limits")
                && browser.text().contains("Health") && browser.text().contains("Audit activity")
                && browser.text().contains("Data exports"));
        String dashboard = browser.text();
        assertTrue(dashboard.contains("Acme Dental") && dashboard.contains("PRO-1: 600 requests per minute")
                && dashboard.contains("PRO-2: 20,000 requests per hour"), dashboard);
        assertTrue(browser.find(".card [data-action=LOGIN]").getText().startsWith("LOGIN"), dashboard);
        browser.screenshot("dashboard", Browser.LAPTOP);
        browser.screenshot("dashboard-phone", Browser.PHONE);

        page(ACME, "audit", "Audit log");
        browser.shown("#audit-table");
        assertTrue(browser.text().contains("created tenant 'acme' (Acme Dental)"), browser::text);
        browser.find("#audit-table tbody tr:last-child button").click();
        WebElement detail = browser.shown("#entry-detail");
        assertTrue(detail.getText().contains("Entry #1") && detail.getText().contains("Chain hash"), detail::getText);
        browser.screenshot("audit", Browser.LAPTOP);
        browser.screenshot("audit-phone", Browser.PHONE);

        page(ACME, "exports", "Data exports");
        browser.shown("#export-form");
        browser.screenshot("exports", Browser.LAPTOP);

        page(ACME, "sessions", "Sessions");
        browser.shown("#my-sessions-table");
        assertTrue(browser.text().contains("this browser") && browser.text().contains("seed"), browser::text);
        browser.screenshot("sessions", Browser.LAPTOP);
        browser.screenshot("sessions-phone", Browser.PHONE);

        page(ACME, "organization", "Organization");
        assertEquals("Acme Dental", browser.shown("#organization-name").getText());
        assertEquals("PRO", browser.find("#organization-plan").getText());
        assertEquals("ACTIVE", browser.find("#organization-status").getText());
        browser.screenshot("organization", Browser.LAPTOP);
        browser.screenshot("organization-phone", Browser.PHONE);
    }

    @Test
    @Order(2)
    void globexsConsoleShowsGlobexDataAndNeverAcmes() {
        // On the bare address the sign-in page asks for the organization, sent in X-Tenant-ID from then on.
        browser.newTab();
        browser.open("http://localhost:" + app.port() + "/");
        browser.shown("#organization").sendKeys(GLOBEX);
        assertTrue(browser.driver().getCurrentUrl().contains("/admin/sign-in"), "/ leads a browser to the console");
        browser.screenshot("sign-in", Browser.LAPTOP);
        browser.find("#user").sendKeys("gina");
        browser.find("#password").sendKeys(DemoUsers.PASSWORD);
        browser.find("#sign-in button[type=submit]").click();
        awaitHeading("Dashboard");
        browser.until("the dashboard's cards are filled", d -> browser.text().contains("Audit activity"));
        StringBuilder seen = new StringBuilder(browser.text());
        assertTrue(seen.toString().contains("Globex Fitness") && seen.toString().contains("FREE-1"), seen::toString);
        browser.screenshot("dashboard-globex", Browser.LAPTOP);
        String base = "http://localhost:" + app.port() + "/admin/";
        for (String[] page : List.of(new String[] {"audit", "Audit log", "#audit-table"},
                new String[] {"exports", "Data exports", "#export-form"},
                new String[] {"sessions", "Sessions", "#my-sessions-table"},
                new String[] {"organization", "Organization", "#organization-name"},
                new String[] {"sessions?user=alice", "Sessions", "#user-sessions .alert"},
                new String[] {"audit?actor=alice", "Audit log", "#audit-empty"})) {
            browser.open(base + page[0]);
            awaitHeading(page[1]);
            browser.shown(page[2]);
            seen.append('\n').append(browser.text());
        }
        String all = seen.toString();
        assertTrue(all.contains("created tenant 'globex' (Globex Fitness)"), all);
        for (String acmes : List.of("Acme Dental", "alice", "Alan Turing", "acme")) {
            assertFalse(all.contains(acmes), "globex's console shows '" + acmes + "':\n" + all);
        }

        // gina's token named with acme instead: not a session there, so the console forgets it and asks again
        expectedErrors = m -> m.contains("status of 401");
        browser.script("window.sessionStorage.setItem('tenantry.console.tenant', 'acme');");
        browser.open(base + "audit");
        awaitHeading("Sign in");
        assertFalse(browser.text().contains("Acme Dental"), browser::text);
    }

    @Test
    @Order(3)
    void filtersNarrowTheAuditLogAndSurviveAReload() {
        for (int i = 0; i < 3; i++) {
            createCustomer(ACME, "bob", "Filtered " + i);
        }
        createCustomer(ACME, "alice", "Not bob's");
        List<String> expected = auditIds(ACME, "alice", "actor=bob&action=CREATE", 3);
        signIn(ACME, "alice");
        page(ACME, "audit", "Audit log");
        browser.shown("#filter-actor").sendKeys("bob");
        browser.find("#filter-action").sendKeys("CREATE");
        browser.find("#audit-filters button[type=submit]").click();
        browser.until("the filters are in the address", d -> d.getCurrentUrl().contains("actor=bob")
                && d.getCurrentUrl().contains("action=CREATE"));
        browser.until("the list is narrowed", d -> rowIds().equals(expected));
        for (WebElement row : browser.all("#audit-table tbody tr")) {
            assertTrue(row.getText().contains("CREATE") && row.getText().contains("bob"), row::getText);
        }
        browser.driver().navigate().refresh();
        awaitHeading("Audit log");
        browser.until("the same entries after a reload", d -> rowIds().equals(expected));
        assertEquals("bob", browser.find("#filter-actor").getAttribute("value"));
        assertEquals("CREATE", browser.find("#filter-action").getAttribute("value"));

        browser.clearDownloads();
        browser.find("#export-csv").click();
        String csv = read(browser.downloaded("audit-acme.csv"));
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1 + expected.size(), lines.size(), csv);
        assertTrue(lines.get(0).contains("action"), csv);
        for (String id : expected) {
            assertTrue(csv.contains(id), "the CSV export holds entry " + id + ":\n" + csv);
        }
        assertFalse(csv.contains("Not bob's"), csv);
        browser.shown("#audit-result .alert.ok");
    }

    @Test
    @Order(4)
    void pagingReturnsEveryEntryOnceWhileEntriesArrive() {
        int already = auditIds(ACME, "alice", "actor=bob&action=CREATE", 3).size();
        for (int i = 0; i < 110; i++) {
            createCustomer(ACME, "bob", "Paged " + i);
        }
        String filter = "actor=bob&action=CREATE";
        List<String> before = auditIds(ACME, "alice", filter, already + 110);
        signIn(ACME, "alice");
        browser.open(console(ACME, "audit?" + filter));
        awaitHeading("Audit log");
        List<String> seen = new ArrayList<>();
        int page = 1;
        while (true) {
            int number = page;
            browser.until("page " + number + " is shown", d -> browser.all("#audit-table caption").stream()
                    .anyMatch(c -> c.getText().startsWith("Page " + number + ":")));
            seen.addAll(rowIds());
            // new entries arrive while the reader pages: they are newer than every page still to come
            for (int i = 0; i < 7; i++) {
                createCustomer(ACME, "bob", "Arrived " + page + "-" + i);
            }
            List<WebElement> older = browser.all("#audit-older");
            if (older.isEmpty()) {
                break;
            }
            older.get(0).click();
            page++;
        }
        assertTrue(page >= 3, "paged through " + page + " pages");
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no entry is shown twice: " + seen);
        assertEquals(new LinkedHashSet<>(before), new LinkedHashSet<>(seen), "every entry is shown once");
    }

    @Test
    @Order(5)
    void anExportGoesFromPendingToCompletedOnScreenAndDownloads() {
        signIn(ACME, "alice");
        page(ACME, "exports", "Data exports");
        EXPORTS.hold();
        browser.find("#export-format option[value=csv]").click();
        browser.find("input[name=scope][value=tenant]").click();
        browser.find("#request-export").click();
        WebElement pending = browser.until("the export is pending", d -> d.findElements(
                By.cssSelector("#exports-table tbody tr[data-status=PENDING]")).stream().findFirst().orElse(null));
        String id = pending.getAttribute("data-export-id");
        assertEquals("PENDING", browser.find("tr[data-export-id='" + id + "'] .badge").getText());
        browser.screenshot("exports-pending", Browser.LAPTOP);
        EXPORTS.release();
        browser.until("the export completed, without a reload", d -> "COMPLETED".equals(browser
                .find("tr[data-export-id='" + id + "'] .badge").getText()));
        browser.screenshot("exports-completed", Browser.LAPTOP);
        browser.clearDownloads();
        browser.find("button[data-download='" + id + "']").click();
        String csv = read(browser.downloaded("export-" + id));
        assertTrue(csv.contains("Ada Lovelace") && csv.contains("Paged 7"), csv.length() > 500
                ? csv.substring(0, 500) : csv);
        assertFalse(csv.contains("Grace Hopper"), "globex's customer is not in acme's export");
    }

    @Test
    @Order(6)
    void aRevokedSessionStopsWorking() {
        String phone = sessionToken(ACME, "alice", "Test phone");
        String bobs = sessionToken(ACME, "bob", "Bob's laptop");
        assertEquals(200, me(ACME, phone));
        assertEquals(200, me(ACME, bobs));
        signIn(ACME, "alice");
        page(ACME, "sessions", "Sessions");
        WebElement row = browser.until("the phone's session is listed", d -> d.findElements(
                By.xpath("//table[@id='my-sessions-table']//tr[.//span[@title='Test phone']]")).stream().findFirst()
                .orElse(null));
        String revoked = row.getAttribute("data-session-id");
        row.findElement(By.cssSelector("button[data-revoke]")).click();
        browser.until("the phone's session is gone", d -> browser.all("#my-sessions-table tr[data-session-id='"
                + revoked + "']").isEmpty() && browser.text().contains("Session revoked: Test phone"));
        assertEquals(401, me(ACME, phone), "the revoked token is refused");

        // an administrator signs bob out everywhere
        browser.open(console(ACME, "sessions?user=bob"));
        awaitHeading("Sessions");
        browser.shown("#user-sessions-table");
        assertTrue(browser.text().contains("Bob's laptop"), browser::text);
        String devices = browser.find("#my-sessions-table").getText();
        assertTrue(devices.matches("(?s).*Headless Chrome \\d+ on Linux.*"), devices);
        browser.find("#revoke-all").click();
        browser.until("asked to confirm", d -> browser.text().contains("Sign bob out everywhere"));
        browser.screenshot("sessions-revoke-all", Browser.LAPTOP);
        browser.driver().findElement(By.xpath("//button[.='Revoke all']")).click();
        browser.until("bob's sessions are revoked", d -> browser.text().contains("sessions of bob."));
        assertEquals(401, me(ACME, bobs), "bob's token is refused");
        assertEquals(200, http.get("/api/me", as(ACME, "alice")).statusCode());
    }

    @Test
    @Order(7)
    void schedulingAndCancellingDeletionChangeTheOrganizationsStatus() {
        TenantId acme = TenantId.of(ACME);
        signIn(ACME, "alice");
        page(ACME, "organization", "Organization");
        WebElement schedule = browser.shown("#schedule-deletion");
        browser.find("#retention-days").clear();
        browser.find("#retention-days").sendKeys("30");
        browser.find("#confirm-name").sendKeys("Acme");
        assertFalse(schedule.isEnabled(), "not until the name is typed in full");
        browser.find("#confirm-name").sendKeys(" Dental");
        assertTrue(schedule.isEnabled());
        schedule.click();
        browser.until("the status is DELETION_SCHEDULED", d -> browser.all("#organization-status").stream()
                .anyMatch(s -> s.getText().equals("DELETION_SCHEDULED")));
        assertTrue(browser.shown("#purge-countdown").getText().matches("Purge in (29 d 23 h|30 d 0 h) .*"),
                () -> browser.find("#purge-countdown").getText());
        assertEquals(TenantStatus.DELETION_SCHEDULED, app.directory().get(acme).status());
        assertEquals(403, http.get("/api/customers", as(ACME, "alice")).statusCode(), "nobody can use it");
        browser.screenshot("organization-scheduled", Browser.LAPTOP);
        browser.screenshot("organization-scheduled-phone", Browser.PHONE);
        browser.open(console(ACME, ""));
        awaitHeading("Dashboard");
        assertTrue(browser.text().contains("Acme Dental is scheduled for deletion"), browser::text);

        page(ACME, "organization", "Organization");
        browser.shown("#cancel-deletion").click();
        browser.until("the status is ACTIVE again", d -> browser.all("#organization-status").stream()
                .anyMatch(s -> s.getText().equals("ACTIVE")));
        assertEquals(TenantStatus.ACTIVE, app.directory().get(acme).status());
        assertEquals(200, http.get("/api/customers", as(ACME, "alice")).statusCode(), "back in use");
        JsonNode entries = Await.value("the deletion and its cancellation are in the audit log", () -> {
            JsonNode found = json(http.get("/api/audit?targetType=tenant&action=UPDATE", as(ACME, "alice")))
                    .get("entries");
            return found.size() >= 2 ? found : null;
        });
        assertTrue(entries.get(0).get("summary").asText().contains("deletion cancelled"), entries::toString);
        assertEquals("alice", entries.get(0).get("actorId").asText());
        assertTrue(entries.get(1).get("summary").asText().contains("deletion scheduled"), entries::toString);
    }

    @Test
    @Order(8)
    void aNonAdminGetsNoConsole() {
        for (String[] user : List.of(new String[] {ACME, "bob"}, new String[] {GLOBEX, "gus"})) {
            signIn(user[0], user[1]);
            awaitHeading("No access");
            assertFalse(browser.find("#nav").isDisplayed(), "no pages offered");
            for (String page : List.of("audit", "exports", "sessions", "organization")) {
                browser.open(console(user[0], page));
                awaitHeading("No access");
                assertTrue(browser.all("table").isEmpty(), "no data on " + page);
            }
            assertEquals(403, http.get("/api/audit", as(user[0], user[1])).statusCode());
            assertEquals(403, http.get("/api/organization", as(user[0], user[1])).statusCode());
        }
        browser.screenshot("no-access", Browser.LAPTOP);
    }

    @Test
    @Order(9)
    void chainVerificationShowsIntactThenTheFirstBrokenLink() {
        signIn(GLOBEX, "gina");
        page(GLOBEX, "audit", "Audit log");
        browser.shown("#audit-table");
        browser.find("#verify-chain").click();
        WebElement verdict = browser.shown("#chain-verdict");
        assertEquals("true", verdict.getAttribute("data-intact"), verdict::getText);
        browser.screenshot("audit-verified", Browser.LAPTOP);

        WebElement victim = browser.all("#audit-table tbody tr").get(2);
        String id = victim.getAttribute("data-entry-id");
        String sequence = victim.getAttribute("data-sequence");
        app.mongoClient().getDatabase(app.databaseName()).getCollection("AuditLog")
                .updateOne(eq("_id", new ObjectId(id)), set("summary", "nothing to see here"));
        browser.find("#verify-chain").click();
        browser.until("the chain is reported broken", d -> "false".equals(browser.find("#chain-verdict")
                .getAttribute("data-intact")));
        assertEquals(sequence, browser.find("#chain-verdict").getAttribute("data-broken"));
        assertTrue(browser.find("#audit-table tr[data-entry-id='" + id + "']").getAttribute("class").contains("broken"),
                "the broken entry is marked in the list");
        assertTrue(browser.find("#chain-verdict").getText().contains("broken at entry #" + sequence),
                () -> browser.find("#chain-verdict").getText());
        browser.screenshot("audit-broken", Browser.LAPTOP);
    }

    @Test
    @Order(10)
    void theLogCheckCatchesCspViolationsAndScriptErrors() {
        // The check after every test is only worth something if it sees what it looks for: provoke both here.
        signIn(ACME, "alice");
        awaitHeading("Dashboard");
        browser.clearLog();
        browser.script("const s = document.createElement('script'); s.textContent = 'window.injected = 1;';"
                + "document.body.append(s);"
                + "const i = document.createElement('img'); i.src = 'https://example.com/pixel.png';"
                + "document.body.append(i);"
                + "setTimeout(() => { throw new Error('provoked by the test'); }, 0);");
        List<String> problems = browser.until("the browser logged the violations", d -> {
            List<String> found = browser.problems(m -> false);
            return found.stream().filter(m -> m.contains("Content Security Policy")).count() >= 2
                    && found.stream().anyMatch(m -> m.contains("provoked by the test")) ? found : null;
        });
        assertTrue(problems.stream().anyMatch(m -> m.contains("inline script")), problems::toString);
        assertTrue(problems.stream().anyMatch(m -> m.contains("img-src")), problems::toString);
        assertEquals(null, browser.script("return window.injected;"), "the inline script did not run");
        browser.clearLog();
    }

    /** Runs exports on threads of their own, or holds them until released. */
    static final class HeldExports implements Executor {
        private final LinkedBlockingQueue<Runnable> held = new LinkedBlockingQueue<>();
        private volatile boolean holding;

        void hold() {
            holding = true;
        }

        void release() {
            holding = false;
            List<Runnable> all = new ArrayList<>();
            held.drainTo(all);
            all.forEach(this::execute);
        }

        @Override
        public void execute(Runnable task) {
            if (holding) {
                held.add(task);
                return;
            }
            Thread thread = new Thread(task, "console-it-export");
            thread.setDaemon(true);
            thread.start();
        }
    }
}
