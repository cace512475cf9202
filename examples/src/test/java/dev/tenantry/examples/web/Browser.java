package dev.tenantry.examples.web;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver: never a downloaded driver or browser
 * (the paths are given, so Selenium Manager is never asked). Keeps the browser's console log, so a test can assert that
 * no page logged a Content-Security-Policy violation or a JavaScript error, and saves screenshots under {@code
 * target/console-screenshots}. One per test class: starting Chromium takes a second or two.
 */
final class Browser implements AutoCloseable {

    /** Debian's {@code chromium} package. */
    static final Path CHROMIUM = Path.of(System.getProperty("tenantry.chromium", "/usr/bin/chromium"));
    /** Debian's {@code chromium-driver} package. */
    static final Path CHROMEDRIVER = Path.of(System.getProperty("tenantry.chromedriver", "/usr/bin/chromedriver"));
    /** Where screenshots go. */
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    /** Laptop and phone widths. */
    static final Dimension LAPTOP = new Dimension(1280, 900);
    static final Dimension PHONE = new Dimension(390, 844);

    /**
     * The tests make no DevTools (CDP) call, only WebDriver ones; Selenium would warn that it has no CDP module for the
     * packaged chromium's version (Selenium 4.48 speaks CDP 150 to 152; the module is not needed). Held, so the level
     * sticks.
     */
    private static final java.util.logging.Logger CDP_VERSION_LOG = java.util.logging.Logger.getLogger(
            "org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriver driver;
    private final Path profile;
    private final Path downloads;
    private final List<String> log = new ArrayList<>();

    /** Whether Chromium and its driver are installed where this class looks for them. */
    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Why browser tests are skipped where {@link #available()} is false. */
    static String unavailableReason() {
        return "browser tests skipped: no " + CHROMIUM + " and " + CHROMEDRIVER + "; install Debian's packages "
                + "chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does)";
    }

    Browser() {
        try {
            profile = Files.createTempDirectory("tenantry-chromium-");
            downloads = Files.createDirectories(Path.of("target", "console-downloads").toAbsolutePath());
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CDP_VERSION_LOG.setLevel(Level.SEVERE);
        // Named here, so Selenium Manager (which would look for, or download, a driver) never runs.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900",
                "--lang=en-US");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false, "intl.accept_languages", "en-US"));
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    WebDriver driver() {
        return driver;
    }

    Path downloads() {
        return downloads;
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits (up to 20 s) until {@code condition} answers something other than null or false. */
    <T> T until(String what, Function<WebDriver, T> condition) {
        try {
            // pages redraw as data arrives: an element found a moment ago may be gone, so look again
            return new WebDriverWait(driver, Duration.ofSeconds(20)).withMessage(what)
                    .ignoring(StaleElementReferenceException.class).until(condition);
        } catch (RuntimeException e) {
            throw new AssertionError("timed out waiting until " + what + "; the page says:\n" + text(), e);
        }
    }

    /** Waits until an element matching {@code css} is displayed, and returns it. */
    WebElement shown(String css) {
        return until(css + " is shown", d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    /** The text of the page's body. */
    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Starts afresh in a new tab: the console keeps its token for the tab only (sessionStorage), so the new tab is
     * signed out everywhere.
     */
    void newTab() {
        String old = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        String fresh = driver.getWindowHandle();
        driver.switchTo().window(old).close();
        driver.switchTo().window(fresh);
        driver.manage().window().setSize(LAPTOP);
    }

    /**
     * Saves a screenshot as {@code name}.png, from the top of the page: the whole page (up to 4000 pixels tall) at a
     * laptop's width, the first screen at a phone's; then puts the window back to the laptop size.
     */
    Path screenshot(String name, Dimension size) {
        driver.manage().window().setSize(size);
        script("window.scrollTo(0, 0);");
        if (size.getWidth() >= LAPTOP.getWidth()) {
            long height = ((Number) script("return Math.max(document.documentElement.scrollHeight, "
                    + "document.body.scrollHeight);")).longValue();
            driver.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(4000,
                    Math.max(size.getHeight(), height + 20))));
            script("window.scrollTo(0, 0);");
        }
        Path file = SCREENSHOTS.resolve(name + ".png");
        try {
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(LAPTOP);
        }
        return file;
    }

    /** The browser's console messages since the last call, kept for {@link #problems()}. */
    List<String> drainLog() {
        List<String> fresh = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            fresh.add(entry.getLevel() + " " + entry.getMessage());
        }
        log.addAll(fresh);
        return fresh;
    }

    /**
     * Every console message so far that is a Content-Security-Policy violation, a JavaScript error or anything else
     * logged as an error, except the answers {@code expected} accepts (e.g. a refusal the test asked for).
     */
    List<String> problems(java.util.function.Predicate<String> expected) {
        drainLog();
        return log.stream().filter(m -> m.startsWith(Level.SEVERE.getName()) || m.contains("Content Security Policy")
                || m.contains("Refused to")).filter(m -> !expected.test(m)).toList();
    }

    /** Forgets the console messages seen so far. */
    void clearLog() {
        drainLog();
        log.clear();
    }

    /** Waits for a file whose name starts with {@code prefix} to finish downloading, and returns it. */
    Path downloaded(String prefix) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(downloads)) {
                List<Path> done = files.filter(f -> f.getFileName().toString().startsWith(prefix))
                        .filter(f -> !f.getFileName().toString().endsWith(".crdownload"))
                        .sorted(Comparator.comparing(Path::toString)).toList();
                if (!done.isEmpty()) {
                    return done.get(done.size() - 1);
                }
                Thread.sleep(50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("no download named " + prefix + "* in " + downloads);
    }

    /** Removes every downloaded file. */
    void clearDownloads() {
        try (Stream<Path> files = Files.list(downloads)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
