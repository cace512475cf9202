package dev.tenantry.servlet.internal;

import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.servlet.AuthorizationCheck.Operation;
import dev.tenantry.servlet.ConsoleSettings;
import dev.tenantry.servlet.TenantryServlet;
import dev.tenantry.servlet.TenantryWebConfig;
import dev.tenantry.session.UserSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The admin console: its pages and assets (static files from this jar, served to anyone since they hold no data, under
 * the console's own strict Content-Security-Policy) and {@code <base>/context}, which tells the console's script who
 * the caller is, which tenant the request is for, whether the caller may use the console there, and where the JSON
 * endpoints are.
 */
public final class ConsoleServlet extends EndpointServlet {
    private static final long serialVersionUID = 1L;

    private static final String RESOURCES = "/dev/tenantry/servlet/console/";
    private static final Pattern ASSET = Pattern.compile("[a-z][a-z0-9-]{0,40}\\.(js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript", "css", "text/css",
            "svg", "image/svg+xml", "html", "text/html");

    private final ConsoleSettings settings;
    private final transient TenantryWebConfig config;
    private final transient Map<String, Optional<StaticFile>> files = new ConcurrentHashMap<>();

    /** Serving the console {@code config} describes. */
    public ConsoleServlet(ConsoleSettings settings, TenantryWebConfig config) {
        super(settings.path(), config);
        this.settings = settings;
        this.config = config;
    }

    /** The paths of the console's static files below {@code base}: its pages and {@code <base>/assets/*}. */
    public static List<String> staticPatterns(String base) {
        List<String> patterns = new ArrayList<>();
        patterns.add(base);
        for (String page : ConsoleSettings.PAGES) {
            patterns.add(base + page);
        }
        patterns.add(base + "/assets/*");
        return List.copyOf(patterns);
    }

    @Override
    void handle(String method, String rest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!method.equals("GET")) {
            throw notAllowed(response, method, "GET", "HEAD");
        }
        if (rest.equals("/context")) {
            context(request, response);
        } else if (rest.isEmpty()) {
            String query = request.getQueryString();
            response.setStatus(302);
            response.setHeader("Location", request.getContextPath() + settings.path() + "/"
                    + (query == null ? "" : "?" + query));
        } else if (ConsoleSettings.PAGES.contains(rest)) {
            page(request, response);
        } else if (rest.startsWith("/assets/") && ASSET.matcher(rest.substring(8)).matches()) {
            StaticFile file = file("assets/" + rest.substring(8)).orElseThrow(ConsoleServlet::noSuchPath);
            send(request, response, file, file.body());
        } else {
            throw noSuchPath();
        }
    }

    /** The page: one document for every page, whose script renders the page its address names. */
    private void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StaticFile template = file("index.html").orElseThrow(() -> new IllegalStateException(
                "the console's index.html is missing from the jar"));
        // The base is made of safe characters (ConsoleSettings checks it); the context path is the container's.
        String base = escape(request.getContextPath() + settings.path());
        byte[] body = new String(template.body(), StandardCharsets.UTF_8).replace("{{base}}", base)
                .replace("{{tenantHeader}}", escape(settings.tenantHeader().orElse("")))
                .getBytes(StandardCharsets.UTF_8);
        send(request, response, new StaticFile(body, template.type(), etag(body)), body);
    }

    private void send(HttpServletRequest request, HttpServletResponse response, StaticFile file, byte[] body)
            throws IOException {
        response.setHeader("Content-Security-Policy", ConsoleSettings.CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("ETag", file.etag());
        String seen = request.getHeader("If-None-Match");
        if (seen != null && seen.equals(file.etag())) {
            response.setStatus(304);
            return;
        }
        response.setStatus(200);
        response.setContentType(file.type());
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private Optional<StaticFile> file(String name) {
        return files.computeIfAbsent(name, ConsoleServlet::load);
    }

    private static Optional<StaticFile> load(String name) {
        try (InputStream in = ConsoleServlet.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            return Optional.of(new StaticFile(body, TYPES.getOrDefault(extension, "application/octet-stream"), etag(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's " + name, e);
        }
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("'", "&#39;");
    }

    /** A file of the console, with its media type and entity tag. */
    private record StaticFile(byte[] body, String type, String etag) {
    }

    /**
     * Who the caller is and what the console may show them: always the console's settings, the tenant the request
     * names (or null) and the signed-in user (or null); for a caller permitted {@link Operation#USE_CONSOLE} in that
     * tenant also their permissions, the endpoints, the organization and the session their bearer token belongs to.
     */
    private void context(HttpServletRequest request, HttpServletResponse response) throws IOException {
        params(request, Set.of());
        String prefix = request.getContextPath();
        Map<String, Object> console = new LinkedHashMap<>();
        console.put("base", prefix + settings.path());
        console.put("signIn", settings.signInEndpoint().map(p -> prefix + p).orElse(null));
        console.put("signOut", settings.signOutEndpoint().map(p -> prefix + p).orElse(null));
        console.put("tenantHeader", settings.tenantHeader().orElse(null));
        Optional<TenantId> tenant = Tenants.currentIfPresent();
        Optional<String> actor = TenantryServlet.actorOf(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("console", console);
        body.put("tenant", tenant.map(TenantId::value).orElse(null));
        body.put("user", actor.orElse(null));
        boolean permitted = tenant.isPresent() && actor.isPresent() && permits(request, Operation.USE_CONSOLE);
        body.put("permitted", permitted);
        if (permitted) {
            Map<String, Object> permissions = new LinkedHashMap<>();
            for (Operation operation : Operation.values()) {
                permissions.put(operation.name(), permits(request, operation));
            }
            body.put("permissions", permissions);
            Map<String, Object> endpoints = new LinkedHashMap<>();
            config.health().ifPresent(h -> endpoints.put("health", prefix + config.healthPath()));
            config.rateLimiter().ifPresent(l -> endpoints.put("rateLimit", prefix + config.rateLimitPath()));
            config.auditTrail().ifPresent(a -> endpoints.put("audit", prefix + config.auditPath()));
            config.dataExports().ifPresent(e -> endpoints.put("exports", prefix + config.exportsPath()));
            config.userSessions().ifPresent(s -> endpoints.put("sessions", prefix + config.sessionsPath()));
            config.tenantDirectory().ifPresent(d -> endpoints.put("organization", prefix + config.organizationPath()));
            body.put("endpoints", endpoints);
            TenantDirectory directory = config.tenantDirectory().orElse(null);
            if (directory != null) {
                directory.find(tenant.get()).ifPresent(r -> body.put("organization", OrganizationServlet.toMap(r)));
            }
            String session = currentSession(request);
            if (session != null) {
                body.put("currentSessionId", session);
            }
        }
        Json.write(response, 200, body);
    }

    /** The id of the live session whose token the request carries as a bearer token, if sessions are configured. */
    private @Nullable String currentSession(HttpServletRequest request) {
        UserSessions sessions = config.userSessions().orElse(null);
        String authorization = request.getHeader("Authorization");
        if (sessions == null || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return sessions.find(authorization.substring(7).trim()).map(s -> s.id()).orElse(null);
    }
}
