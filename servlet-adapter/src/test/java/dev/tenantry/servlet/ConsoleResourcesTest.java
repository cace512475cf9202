package dev.tenantry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The console's files as shipped: no inline script, style or event handler (so the strict CSP holds), nothing that
 * parses data as HTML, no request to anywhere but the application, and every module and asset they name exists.
 */
class ConsoleResourcesTest {

    private static final String ROOT = "/dev/tenantry/servlet/console/";

    /** Every file of the console, by path below its root: from the classes folder, or from the jar. */
    private static Map<String, String> files() {
        URL root = ConsoleResourcesTest.class.getResource(ROOT);
        Map<String, String> files = new TreeMap<>();
        try {
            URI uri = root.toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    read(jar.provider().getPath(uri), files);
                }
            } else {
                read(Path.of(uri), files);
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    private static void read(Path base, Map<String, String> files) throws IOException {
        try (Stream<Path> paths = Files.walk(base)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(base.relativize(path).toString().replace('\\', '/'), Files.readString(path,
                        StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void theShellHasNoInlineScriptStyleOrHandler() {
        String html = files().get("index.html");
        Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertTrue(scripts.group(1).contains("src=\""), "a script without src: " + scripts.group());
            assertEquals("", scripts.group(2).trim(), "inline script: " + scripts.group());
        }
        assertEquals(1, count, "one module starts the console");
        assertTrue(!html.contains("<style") && !Pattern.compile("\\sstyle=").matcher(html).find(), "inline style");
        assertTrue(!Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "event handler");
    }

    @Test
    void scriptsNeverParseDataAsHtmlNorEvaluateCode() {
        for (Map.Entry<String, String> file : files().entrySet()) {
            if (!file.getKey().endsWith(".js")) {
                continue;
            }
            for (String banned : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                    "new Function", "setAttribute('style'", "setAttribute(\"style\"", ".style.", "javascript:",
                    "localStorage")) {
                assertTrue(!file.getValue().contains(banned), file.getKey() + " uses " + banned);
            }
        }
    }

    @Test
    void nothingIsRequestedFromAnywhereButTheApplication() {
        Pattern url = Pattern.compile("(https?:)?//[a-zA-Z0-9.-]+\\.[a-z]{2,}");
        for (Map.Entry<String, String> file : files().entrySet()) {
            Matcher m = url.matcher(file.getValue().replace("http://www.w3.org/2000/svg", ""));
            List<String> found = new ArrayList<>();
            while (m.find()) {
                found.add(m.group());
            }
            assertEquals(List.of(), found, file.getKey() + " names outside addresses");
            if (file.getKey().endsWith(".css")) {
                assertTrue(!file.getValue().contains("@import") && !file.getValue().contains("url("),
                        file.getKey() + " loads something through CSS");
            }
        }
    }

    @Test
    void everyModuleAndAssetNamedExists() {
        Map<String, String> files = files();
        Pattern imports = Pattern.compile("from '\\./([a-z-]+\\.js)'");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Matcher m = imports.matcher(file.getValue());
            while (m.find()) {
                assertTrue(files.containsKey("assets/" + m.group(1)), file.getKey() + " imports missing " + m.group(1));
            }
        }
        Matcher assets = Pattern.compile("\\{\\{base}}/assets/([a-z.-]+)").matcher(files.get("index.html"));
        int count = 0;
        while (assets.find()) {
            count++;
            assertTrue(files.containsKey("assets/" + assets.group(1)), "index.html names missing " + assets.group(1));
        }
        assertTrue(count >= 3, "the shell names its stylesheet, icon and script");
        for (String name : files.keySet()) {
            assertTrue(name.equals("index.html") || name.matches("assets/[a-z][a-z0-9-]{0,40}\\.(js|css|svg)"),
                    name + " could not be served: the console serves assets/<lower-case name>.js|css|svg only");
        }
        try (InputStream in = ConsoleResourcesTest.class.getResourceAsStream(ROOT + "assets/app.js")) {
            assertTrue(in != null && in.readAllBytes().length > 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
